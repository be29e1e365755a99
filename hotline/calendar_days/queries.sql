-- name: lock_calendar
-- Calendar edits take turns, so history ids are handed out in commit order and a process that has seen
-- version N has seen every change up to N.
SELECT pg_advisory_xact_lock(123450012);

-- name: calendar_version
SELECT coalesce(max(id), 0) FROM calendar_day_history;

-- name: all_days
SELECT day, kind FROM calendar_days;

-- name: days_of_year
SELECT d.day, d.kind, d.reason, d.set_at, u.username AS set_by
FROM calendar_days d LEFT JOIN users u ON u.id = d.set_by
WHERE d.day >= make_date($1::int, 1, 1) AND d.day < make_date($1::int + 1, 1, 1)
ORDER BY d.day;

-- name: day
SELECT d.day, d.kind, d.reason, d.set_at, u.username AS set_by
FROM calendar_days d LEFT JOIN users u ON u.id = d.set_by
WHERE d.day = $1;

-- name: upsert_day
INSERT INTO calendar_days (day, kind, reason, set_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, reason = excluded.reason, set_by = excluded.set_by,
                                set_at = now()
RETURNING day, kind, reason, set_at;

-- name: delete_day
DELETE FROM calendar_days WHERE day = $1;

-- name: insert_history
INSERT INTO calendar_day_history (day, action, before, after, reason, changed_by)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: history
SELECT h.id, h.day, h.action, h.before, h.after, h.reason, h.changed_at, u.username AS changed_by
FROM calendar_day_history h LEFT JOIN users u ON u.id = h.changed_by
WHERE $1::int IS NULL OR (h.day >= make_date($1::int, 1, 1) AND h.day < make_date($1::int + 1, 1, 1))
ORDER BY h.id DESC
LIMIT $2;
