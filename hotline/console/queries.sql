-- name: insert_details
INSERT INTO ticket_intake_details (ticket_id, call_row_id, fields, suggested, template_answers)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (ticket_id) DO NOTHING;

-- name: details_of
SELECT d.fields, d.suggested, d.template_answers, c.call_id
FROM ticket_intake_details d LEFT JOIN cti_calls c ON c.id = d.call_row_id
WHERE d.ticket_id = $1;

-- name: lock_open_ticket
SELECT id, ticket_number, status, channel FROM tickets WHERE ticket_number = $1 FOR UPDATE;

-- name: contact_lock
-- One writer per contact key at a time: a retry arriving while the first is being written waits, then finds it.
SELECT pg_advisory_xact_lock(hashtext('ticket_contact:' || $1 || ':' || $2));

-- name: contact_by_key
SELECT k.kind, t.ticket_number, t.status
FROM ticket_contacts k JOIN tickets t ON t.id = k.ticket_id
WHERE k.channel = $1 AND k.external_id = $2;

-- name: insert_contact
INSERT INTO ticket_contacts (ticket_id, kind, channel, external_id, call_row_id, event_id, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: contact_counts
SELECT count(*) FILTER (WHERE kind = 'urge') AS urge_count,
       count(*) FILTER (WHERE kind = 'supplement') AS supplement_count
FROM ticket_contacts WHERE ticket_id = (SELECT id FROM tickets WHERE ticket_number = $1);

-- name: categories
SELECT id, path, name, level FROM categories ORDER BY id;

-- name: phrases_for
-- Quick phrases for a category: its own, its ancestors', then those for every category.
SELECT id, category_path, title, body, position, updated_at
FROM quick_phrases
WHERE active AND (category_path IS NULL OR category_path = $1 OR starts_with($1, category_path || '/'))
ORDER BY category_path IS NULL, length(category_path) DESC, position, id;

-- name: all_phrases
SELECT p.id, p.category_path, p.title, p.body, p.position, p.active, u.username AS updated_by, p.updated_at
FROM quick_phrases p LEFT JOIN users u ON u.id = p.updated_by
WHERE p.active OR $1
ORDER BY p.category_path NULLS FIRST, p.position, p.id;

-- name: phrase_by_id
SELECT id, category_path, title, body, position, active FROM quick_phrases WHERE id = $1 FOR UPDATE;

-- name: insert_phrase
INSERT INTO quick_phrases (category_path, title, body, position, updated_by)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, category_path, title, body, position, active;

-- name: update_phrase
UPDATE quick_phrases SET category_path = $2, title = $3, body = $4, position = $5, updated_by = $6,
                         updated_at = now()
WHERE id = $1
RETURNING id, category_path, title, body, position, active;

-- name: disable_phrase
UPDATE quick_phrases SET active = false, updated_by = $2, updated_at = now() WHERE id = $1 AND active
RETURNING id, category_path, title, body, position, active;

-- name: seeded_phrase_exists
SELECT 1 FROM quick_phrases WHERE coalesce(category_path, '') = coalesce($1, '') AND title = $2;

-- name: template_row
SELECT category_path, questions FROM category_templates WHERE category_path = $1 FOR UPDATE;

-- name: upsert_template
INSERT INTO category_templates (category_path, questions, updated_by, updated_at) VALUES ($1, $2, $3, now())
ON CONFLICT (category_path) DO UPDATE SET questions = excluded.questions, updated_by = excluded.updated_by,
                                          updated_at = now();

-- name: insert_history
INSERT INTO console_content_history (kind, item, before, after, reason, changed_by)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: history
SELECT h.id, h.kind, h.item, h.before, h.after, h.reason, u.username AS changed_by, h.changed_at
FROM console_content_history h LEFT JOIN users u ON u.id = h.changed_by
WHERE ($1::text IS NULL OR h.kind = $1) AND ($2::text IS NULL OR h.item = $2)
ORDER BY h.id DESC LIMIT 200;

-- name: templates_with_editor
SELECT t.category_path, t.questions, u.username AS updated_by, t.updated_at
FROM category_templates t LEFT JOIN users u ON u.id = t.updated_by
ORDER BY t.category_path;
