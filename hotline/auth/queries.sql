-- name: insert_user
INSERT INTO users (username, password_hash, role, department_code, display_name)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, username, role, department_code;

-- name: user_by_username
SELECT id, username, password_hash, role, department_code, active FROM users WHERE username = $1;

-- name: user_is_active
SELECT active FROM users WHERE id = $1;

-- name: set_password
UPDATE users SET password_hash = $2 WHERE username = $1 RETURNING id;
