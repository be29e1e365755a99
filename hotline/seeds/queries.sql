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
SELECT id, username, role, department_code FROM users WHERE username = ANY(ARRAY[
    'agent01', 'dept-zjj', 'dept-zhzfj', 'dept-gaj', 'dept-rsj', 'dept-sthjj', 'dept-scjgj', 'dept-water',
    'dept-lucheng']) ORDER BY username;

-- name: demo_ticket_titles
SELECT t.ticket_number, t.title
FROM tickets t JOIN submissions s ON s.ticket_id = t.id
WHERE s.external_id LIKE 'demo-%' AND t.status = 'received'
ORDER BY s.external_id;
