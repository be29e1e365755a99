-- name: active_departments
SELECT code, name, short_name, level, parent_code AS parent, district_code AS district, is_fallback AS fallback,
       counterpart_of
FROM departments WHERE active ORDER BY level, code;

-- name: department_exists
SELECT 1 FROM departments WHERE code = $1 AND active;

-- name: districts
SELECT code, name, aliases FROM districts ORDER BY code;

-- name: category_exists
SELECT 1 FROM categories WHERE path = $1;

-- name: category_path_by_id
SELECT path FROM categories WHERE id = $1;

-- name: services
SELECT c.id, c.name, c.path, p.name AS group_name
FROM categories c LEFT JOIN categories p ON p.id = c.parent_id
WHERE c.level <= 2 ORDER BY c.id;
