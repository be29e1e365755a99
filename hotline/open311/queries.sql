-- name: insert_key
INSERT INTO open311_keys (name, note, key_hash, key_prefix, created_by)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (name) DO NOTHING
RETURNING id, name, note, key_prefix, created_at;

-- name: list_keys
SELECT k.id, k.name, k.note, k.key_prefix, k.created_at, cu.username AS created_by, k.disabled_at,
       du.username AS disabled_by, k.disabled_reason,
       (SELECT count(*) FROM open311_requests r WHERE r.key_id = k.id) AS requests
FROM open311_keys k
LEFT JOIN users cu ON cu.id = k.created_by
LEFT JOIN users du ON du.id = k.disabled_by
ORDER BY k.id;

-- name: disable_key
UPDATE open311_keys SET disabled_at = now(), disabled_by = $2, disabled_reason = $3
WHERE id = $1 AND disabled_at IS NULL
RETURNING id;

-- name: key_exists
SELECT 1 FROM open311_keys WHERE id = $1;

-- name: active_key
SELECT id, name FROM open311_keys WHERE key_hash = $1 AND disabled_at IS NULL;

-- name: previous_request
-- The client's latest identical request and how many came before it (each window's first gets a new ticket).
SELECT t.ticket_number, r.token, r.created_at, count(*) OVER () AS earlier
FROM open311_requests r JOIN tickets t ON t.id = r.ticket_id
WHERE r.key_id = $1 AND r.request_digest = $2
ORDER BY r.created_at DESC
LIMIT 1;

-- name: request_by_ticket
SELECT t.ticket_number, r.token FROM open311_requests r JOIN tickets t ON t.id = r.ticket_id WHERE r.ticket_id = $1;

-- name: insert_request
INSERT INTO open311_requests (ticket_id, key_id, request_digest, token, service_code, attributes, lat, long,
                              address_id, media_url, email, device_id, account_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: mark_source
UPDATE submissions SET source_system = $3 WHERE channel = $1 AND external_id = $2;

-- name: request_by_token
SELECT r.token, t.ticket_number FROM open311_requests r JOIN tickets t ON t.id = r.ticket_id WHERE r.token = $1;

-- name: service_categories
-- Every category is a service, grouped under its level 1 (a level 1 under itself: "not sure which"); its keywords
-- are the names around it (its subcategories, else its parent).
SELECT c.id, c.level, c.path, c.name, g.name AS group_name, p.name AS parent_name,
       (SELECT string_agg(k.name, ',' ORDER BY k.id) FROM categories k
        WHERE k.parent_id = c.id AND k.name <> '其他') AS child_names
FROM categories c
LEFT JOIN categories p ON p.id = c.parent_id
JOIN categories g ON g.level = 1 AND g.path = split_part(c.path, '/', 1)
WHERE $1::int IS NULL OR c.id = $1
ORDER BY c.id;

-- name: requests_by_number
-- $1 ticket numbers. Restricted tickets (a 举报, a confidential one, one whose type is not known yet) come back
-- too: the caller shows them as status and dates only.
SELECT t.id, t.ticket_number, t.status, t.type, t.confidential, t.category_path, c.id AS category_id,
       t.content_masked, t.address, t.received_at, t.updated_at, t.reply_by,
       d.name AS agency, r.key_id, r.lat, r.long, r.address_id, r.media_url
FROM tickets t
LEFT JOIN categories c ON c.path = t.category_path
LEFT JOIN departments d ON d.code = t.lead_department
LEFT JOIN open311_requests r ON r.ticket_id = t.id
WHERE t.ticket_number = ANY($1::text[])
ORDER BY t.received_at DESC, t.id DESC;

-- name: requests_in_window
-- $1..$2 received window, $3 category paths (with their subcategories; NULL: all), $4 closed? (NULL: both),
-- $5 limit. Restricted tickets are left out of lists.
SELECT t.id, t.ticket_number, t.status, t.type, t.confidential, t.category_path, c.id AS category_id,
       t.content_masked, t.address, t.received_at, t.updated_at, t.reply_by,
       d.name AS agency, r.key_id, r.lat, r.long, r.address_id, r.media_url
FROM tickets t
LEFT JOIN categories c ON c.path = t.category_path
LEFT JOIN departments d ON d.code = t.lead_department
LEFT JOIN open311_requests r ON r.ticket_id = t.id
WHERE t.received_at >= $1 AND t.received_at < $2
  AND t.type IS NOT NULL AND t.type <> 'report' AND NOT t.confidential
  AND ($3::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($3::text[]) AS p(path)
                                     WHERE t.category_path = p.path OR starts_with(t.category_path, p.path || '/')))
  AND ($4::boolean IS NULL OR (t.status IN ('answered', 'closed', 'merged')) = $4)
ORDER BY t.received_at DESC, t.id DESC
LIMIT $5;
