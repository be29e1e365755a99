-- name: insert_access
INSERT INTO pii_access_log (ticket_id, kind, actor_user_id, actor_username, actor_role, reason, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, accessed_at;

-- name: list_access
SELECT l.id, t.ticket_number, l.kind, l.actor_username, l.actor_role, l.reason, l.detail, l.accessed_at
FROM pii_access_log l JOIN tickets t ON t.id = l.ticket_id
WHERE ($1::text IS NULL OR t.ticket_number = $1)
  AND ($2::text IS NULL OR l.kind = $2)
  AND ($3::text IS NULL OR l.actor_username = $3)
ORDER BY l.accessed_at DESC, l.id DESC
LIMIT $4 OFFSET $5;
