-- name: template_for
-- The category's own template, else its nearest ancestor's ('a/b/c' falls back to 'a/b', then 'a').
SELECT category_path, questions, updated_at
FROM category_templates
WHERE category_path = $1 OR starts_with($1, category_path || '/')
ORDER BY length(category_path) DESC
LIMIT 1;

-- name: all_templates
SELECT category_path, questions, updated_at FROM category_templates ORDER BY category_path;

-- name: last_change
SELECT max(updated_at) FROM category_templates;

-- name: seed_template
-- A seed never overwrites a template a supervisor has since edited.
INSERT INTO category_templates (category_path, questions) VALUES ($1, $2)
ON CONFLICT (category_path) DO NOTHING
RETURNING category_path;
