-- name: insert_user
INSERT INTO users (username, password_hash, role, department_code, display_name)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, username, role, department_code;

-- name: user_by_username
SELECT id, username, password_hash, role, department_code, active, token_epoch FROM users WHERE username = $1;

-- name: set_password
UPDATE users SET password_hash = $2 WHERE username = $1 RETURNING id;

-- name: session_account
-- The account behind a token as it stands now, and whether the token's session was ended by logout.
SELECT u.active, u.role, u.department_code, u.token_epoch,
       EXISTS (SELECT 1 FROM ended_sessions e WHERE e.session_id = $2) AS ended
FROM users u WHERE u.id = $1;

-- name: end_session
INSERT INTO ended_sessions (session_id, user_id, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (session_id) DO NOTHING;

-- name: prune_ended_sessions
DELETE FROM ended_sessions WHERE expires_at < now();
