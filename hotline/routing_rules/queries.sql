-- name: lock_rules
-- Rule edits take turns, so history ids are handed out in commit order and a process that has seen
-- version N has seen every change up to N.
SELECT pg_advisory_xact_lock(123450009);

-- name: rules_version
SELECT coalesce(max(id), 0) FROM routing_rule_history;

-- name: active_duty_rules
SELECT id, category_path, matter_prefix, department_code, level FROM duty_rules WHERE active ORDER BY id;

-- name: active_keyword_rules
SELECT id, keywords, pattern, department_code, level, priority, district_codes
FROM keyword_rules WHERE active ORDER BY id;

-- name: list_duty_rules
SELECT * FROM duty_rules
WHERE ($1::boolean IS NULL OR active = $1) AND ($2::text IS NULL OR department_code = $2)
ORDER BY coalesce(category_path, matter_prefix), id;

-- name: list_keyword_rules
SELECT * FROM keyword_rules
WHERE ($1::boolean IS NULL OR active = $1) AND ($2::text IS NULL OR department_code = $2)
ORDER BY priority DESC, id;

-- name: duty_rule_for_update
SELECT * FROM duty_rules WHERE id = $1 FOR UPDATE;

-- name: keyword_rule_for_update
SELECT * FROM keyword_rules WHERE id = $1 FOR UPDATE;

-- name: insert_duty_rule
INSERT INTO duty_rules (category_path, matter_prefix, department_code, level, seed_key)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (seed_key) DO NOTHING
RETURNING *;

-- name: update_duty_rule
UPDATE duty_rules SET category_path = $2, matter_prefix = $3, department_code = $4, level = $5, updated_at = now()
WHERE id = $1 RETURNING *;

-- name: disable_duty_rule
UPDATE duty_rules SET active = false, updated_at = now() WHERE id = $1 RETURNING *;

-- name: insert_keyword_rule
INSERT INTO keyword_rules (keywords, pattern, department_code, level, priority, district_codes, seed_key)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (seed_key) DO NOTHING
RETURNING *;

-- name: update_keyword_rule
UPDATE keyword_rules SET keywords = $2, pattern = $3, department_code = $4, level = $5, priority = $6,
                         district_codes = $7, updated_at = now()
WHERE id = $1 RETURNING *;

-- name: disable_keyword_rule
UPDATE keyword_rules SET active = false, updated_at = now() WHERE id = $1 RETURNING *;

-- name: insert_history
INSERT INTO routing_rule_history (rule_kind, rule_id, action, before, after, reason, changed_by)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: rule_history
SELECT h.id, h.rule_kind, h.rule_id, h.action, h.before, h.after, h.reason, h.changed_at,
       u.username AS changed_by
FROM routing_rule_history h LEFT JOIN users u ON u.id = h.changed_by
WHERE h.rule_kind = $1 AND h.rule_id = $2
ORDER BY h.id;

-- name: unknown_districts
SELECT code FROM unnest($1::text[]) AS code WHERE code NOT IN (SELECT d.code FROM districts d);
