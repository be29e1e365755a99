-- name: insert_access
INSERT INTO pii_access_log (ticket_id, kind, actor_user_id, actor_username, actor_role, reason, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, accessed_at;

-- name: list_access
SELECT l.id, t.ticket_number, l.kind, l.actor_username, l.actor_role, l.reason, l.detail, l.accessed_at
FROM pii_access_log l JOIN tickets t ON t.id = l.ticket_id
WHERE ($1::text IS NULL OR t.ticket_number = $1)
  AND ($2::text IS NULL OR l.kind = $2)
  AND ($3::text IS NULL OR l.actor_username = $3)
ORDER BY l.accessed_at DESC, l.id DESC
LIMIT $4 OFFSET $5;

-- name: admin_changes
-- The admin's changes, newest first: staff accounts, calendar days, Open311 keys (made, disabled); $1: one area or all.
SELECT * FROM (
    SELECT 'user' AS area, c.action, u.username AS subject, c.actor_name AS actor, c.reason, c.before, c.after,
           c.changed_at
    FROM user_changes c JOIN users u ON u.id = c.user_id
    UNION ALL
    SELECT 'calendar', h.action, h.day::text, coalesce(a.username, '—'), h.reason,
           coalesce(h.before, '{}'::jsonb), coalesce(h.after, '{}'::jsonb), h.changed_at
    FROM calendar_day_history h LEFT JOIN users a ON a.id = h.changed_by
    UNION ALL
    SELECT 'open311_key', 'create', k.name, coalesce(a.username, 'cli'), coalesce(k.note, ''), '{}'::jsonb,
           '{}'::jsonb, k.created_at
    FROM open311_keys k LEFT JOIN users a ON a.id = k.created_by
    UNION ALL
    SELECT 'open311_key', 'disable', k.name, coalesce(a.username, 'cli'), k.disabled_reason, '{}'::jsonb,
           '{}'::jsonb, k.disabled_at
    FROM open311_keys k LEFT JOIN users a ON a.id = k.disabled_by
    WHERE k.disabled_at IS NOT NULL
) changes
WHERE $1::text IS NULL OR area = $1
ORDER BY changed_at DESC
LIMIT $2;
