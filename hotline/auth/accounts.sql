-- name: list_users
-- Staff accounts with whether failed logins lock them now ($4: the lock-out window in seconds, $5: its limit).
SELECT u.id, u.username, u.role, u.department_code, d.name AS department_name, u.display_name, u.active,
       u.created_at,
       (SELECT count(*) FROM login_failures f
        WHERE f.username = u.username AND f.failed_at > now() - make_interval(secs => $4)) >= $5 AS locked
FROM users u LEFT JOIN departments d ON d.code = u.department_code
WHERE ($1::text IS NULL OR u.role = $1)
  AND ($2::text IS NULL OR u.department_code = $2)
  AND ($3::boolean IS NULL OR u.active = $3)
  AND ($6::text IS NULL OR u.username = $6)
ORDER BY u.username;

-- name: lock_user
SELECT id, username, role, department_code, display_name, active, token_epoch
FROM users WHERE username = $1 FOR UPDATE;

-- name: active_admins
SELECT count(*) FROM users WHERE role = 'admin' AND active;

-- name: update_user
-- $6: whether the change ends the account's sessions (a new epoch refuses every token issued before).
UPDATE users SET role = $2, department_code = $3, display_name = $4, active = $5,
                 token_epoch = token_epoch + CASE WHEN $6 THEN 1 ELSE 0 END
WHERE id = $1;

-- name: reset_password
UPDATE users SET password_hash = $2, token_epoch = token_epoch + 1 WHERE id = $1;

-- name: insert_change
INSERT INTO user_changes (user_id, action, actor_user_id, actor_name, reason, before, after)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: user_history
SELECT c.id, c.action, c.actor_name, c.reason, c.before, c.after, c.changed_at
FROM user_changes c JOIN users u ON u.id = c.user_id
WHERE u.username = $1
ORDER BY c.changed_at DESC, c.id DESC
LIMIT 200;
