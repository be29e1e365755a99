-- name: upsert_district
INSERT INTO districts (code, name, aliases) VALUES ($1, $2, $3)
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, aliases = EXCLUDED.aliases;

-- name: upsert_street
INSERT INTO streets (code, district_code, name) VALUES ($1, $2, $3)
ON CONFLICT (code) DO UPDATE SET district_code = EXCLUDED.district_code, name = EXCLUDED.name;

-- name: upsert_department
INSERT INTO departments (code, name, short_name, level, parent_code, district_code, is_fallback, phone,
                         counterpart_of)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, short_name = EXCLUDED.short_name,
    level = EXCLUDED.level, parent_code = EXCLUDED.parent_code, district_code = EXCLUDED.district_code,
    is_fallback = EXCLUDED.is_fallback, phone = EXCLUDED.phone, counterpart_of = EXCLUDED.counterpart_of;

-- name: insert_category
INSERT INTO categories (level, name, parent_id, path) VALUES ($1, $2, $3, $4)
ON CONFLICT (path) DO UPDATE SET name = EXCLUDED.name
RETURNING id;

-- name: user_exists
SELECT 1 FROM users WHERE username = $1;

-- name: demo_tickets_seeded
SELECT EXISTS (SELECT 1 FROM submissions WHERE external_id LIKE 'demo-%');

-- name: demo_staff
SELECT id, username, role, department_code FROM users WHERE username = ANY($1::text[]) ORDER BY username;

-- name: demo_tickets_waiting
-- The demo tickets as they arrived, oldest first: what the story moves on.
SELECT t.ticket_number, t.title, t.received_at, t.citizen_phone IS NOT NULL AS callable
FROM tickets t JOIN submissions s ON s.ticket_id = t.id
WHERE s.external_id LIKE 'demo-%' AND t.status = 'received'
ORDER BY t.received_at, s.external_id;

-- name: demo_ticket_clock
-- A demo ticket's running deadlines and its callback's, read between the story's steps.
SELECT t.status, t.sign_by, t.reply_by,
       (SELECT c.status FROM callbacks c WHERE c.ticket_id = t.id ORDER BY c.id DESC LIMIT 1) AS callback_status,
       (SELECT c.due_at FROM callbacks c WHERE c.ticket_id = t.id ORDER BY c.id DESC LIMIT 1) AS callback_due,
       (SELECT array_agg(o.id ORDER BY o.id) FROM supervision_orders o
        WHERE o.ticket_id = t.id AND o.status = 'open' AND o.department_code = t.lead_department) AS open_orders,
       (SELECT max(e.id) FROM extension_requests e WHERE e.ticket_id = t.id AND e.status = 'pending') AS pending_extension
FROM tickets t WHERE t.ticket_number = $1;

-- name: demo_answered_orders
SELECT o.id, o.answered_at FROM supervision_orders o
JOIN submissions s ON s.ticket_id = o.ticket_id AND s.external_id LIKE 'demo-%'
WHERE o.status = 'answered'
ORDER BY o.answered_at, o.id;
