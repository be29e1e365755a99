-- name: upsert_matter
INSERT INTO matters (code, main_item, sub_item, department_code, basis, materials, process, internal_process,
                     time_limit, forms, location, hours, fee, max_one_visit, online, online_url, faqs, keywords,
                     version, effective_date, reviewer, review_due, updated_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
ON CONFLICT (code) DO UPDATE SET
    main_item = EXCLUDED.main_item, sub_item = EXCLUDED.sub_item, department_code = EXCLUDED.department_code,
    basis = EXCLUDED.basis, materials = EXCLUDED.materials, process = EXCLUDED.process,
    internal_process = EXCLUDED.internal_process, time_limit = EXCLUDED.time_limit, forms = EXCLUDED.forms,
    location = EXCLUDED.location, hours = EXCLUDED.hours, fee = EXCLUDED.fee,
    max_one_visit = EXCLUDED.max_one_visit, online = EXCLUDED.online, online_url = EXCLUDED.online_url,
    faqs = EXCLUDED.faqs, keywords = EXCLUDED.keywords, version = matters.version + 1,
    effective_date = EXCLUDED.effective_date, reviewer = EXCLUDED.reviewer, review_due = EXCLUDED.review_due,
    updated_by = EXCLUDED.updated_by, updated_at = now(), active = true
RETURNING id, version, (xmax = 0) AS inserted;

-- name: upsert_article
INSERT INTO articles (code, question, answer, department_code, keywords, updated_by)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (code) DO UPDATE SET question = EXCLUDED.question, answer = EXCLUDED.answer,
    department_code = EXCLUDED.department_code, keywords = EXCLUDED.keywords, version = articles.version + 1,
    updated_by = EXCLUDED.updated_by, updated_at = now(), active = true
RETURNING id, version, (xmax = 0) AS inserted;

-- name: upsert_bundle
INSERT INTO bundles (code, name, description, matters, departments) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
    matters = EXCLUDED.matters, departments = EXCLUDED.departments;

-- name: insert_history
INSERT INTO knowledge_history (doc_kind, doc_id, version, snapshot, changed_by) VALUES ($1, $2, $3, $4, $5);

-- name: insert_change
INSERT INTO knowledge_changes (doc_kind, doc_id) VALUES ($1, $2);

-- name: notify_change
SELECT pg_notify('hotline_knowledge', $1::text);

-- name: last_change
SELECT coalesce(max(seq), 0) FROM knowledge_changes;

-- name: changes_since
SELECT DISTINCT doc_kind, doc_id FROM knowledge_changes WHERE seq > $1 AND seq <= $2;

-- name: matters_by_ids
SELECT m.*, d.name AS department_name FROM matters m JOIN departments d ON d.code = m.department_code
WHERE m.id = ANY($1::bigint[]);

-- name: articles_by_ids
SELECT a.*, d.name AS department_name FROM articles a LEFT JOIN departments d ON d.code = a.department_code
WHERE a.id = ANY($1::bigint[]);

-- name: matter_by_code
SELECT m.*, d.name AS department_name FROM matters m JOIN departments d ON d.code = m.department_code
WHERE m.code = $1;

-- name: siblings
SELECT m.*, d.name AS department_name FROM matters m JOIN departments d ON d.code = m.department_code
WHERE m.main_item = $1 AND m.active ORDER BY m.id;

-- name: review_overdue
SELECT m.code, m.main_item, m.sub_item, m.department_code, m.review_due, m.version
FROM matters m WHERE m.active AND m.review_due < $1 AND ($2::text IS NULL OR m.department_code = $2)
ORDER BY m.review_due;

-- name: bundles_with_matter
SELECT code, name, description, matters, departments FROM bundles WHERE matters ? $1;

-- name: get_conversation
SELECT id, state FROM chat_conversations WHERE id = $1;

-- name: upsert_conversation
INSERT INTO chat_conversations (id, state) VALUES ($1, $2)
ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, updated_at = now();

-- name: insert_chat_message
INSERT INTO chat_messages (conversation_id, role, content, data) VALUES ($1, $2, $3, $4);

-- name: matters_for_export
SELECT * FROM matters WHERE active ORDER BY code;

-- name: articles_for_export
SELECT * FROM articles WHERE active ORDER BY code;

-- name: matters_for_import
SELECT * FROM matters WHERE code = ANY($1::text[]) ORDER BY code FOR UPDATE;

-- name: articles_for_import
SELECT * FROM articles WHERE code = ANY($1::text[]) ORDER BY code FOR UPDATE;

-- name: matter_families
SELECT code, main_item, sub_item FROM matters WHERE active;

-- name: article_by_code
SELECT a.*, d.name AS department_name FROM articles a LEFT JOIN departments d ON d.code = a.department_code
WHERE a.code = $1;

-- name: article_by_id
SELECT a.*, d.name AS department_name FROM articles a LEFT JOIN departments d ON d.code = a.department_code
WHERE a.id = $1;
