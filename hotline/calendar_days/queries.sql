-- name: lock_calendar
-- Calendar edits take turns, so history ids are handed out in commit order and a process that has seen
-- version N has seen every change up to N.
SELECT pg_advisory_xact_lock(123450012);

-- name: calendar_version
SELECT coalesce(max(id), 0) FROM calendar_day_history;

-- name: all_days
SELECT day, kind FROM calendar_days;

-- name: days_of_year
SELECT d.day, d.kind, d.reason, d.set_at, d.deadlines_shifted_at, u.username AS set_by
FROM calendar_days d LEFT JOIN users u ON u.id = d.set_by
WHERE d.day >= make_date($1::int, 1, 1) AND d.day < make_date($1::int + 1, 1, 1)
ORDER BY d.day;

-- name: day
SELECT d.day, d.kind, d.reason, d.set_at, d.deadlines_shifted_at, u.username AS set_by
FROM calendar_days d LEFT JOIN users u ON u.id = d.set_by
WHERE d.day = $1;

-- name: upsert_day
-- A day turned into the other kind and back is a new holiday whose deadlines may be shifted again.
INSERT INTO calendar_days (day, kind, reason, set_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, reason = excluded.reason, set_by = excluded.set_by,
                                set_at = now(),
                                deadlines_shifted_at = CASE WHEN calendar_days.kind = excluded.kind
                                                            THEN calendar_days.deadlines_shifted_at END
RETURNING day, kind, reason, set_at, deadlines_shifted_at;

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

-- name: holiday_since
-- When the day last became a holiday: deadlines computed from then on already skip it.
SELECT max(changed_at) FROM calendar_day_history
WHERE day = $1 AND action = 'set' AND after->>'kind' = 'holiday' AND (before IS NULL OR before->>'kind' <> 'holiday');

-- name: running_clocks
-- Open tickets with a clock running ($1: the statuses) past the day's start ($2), in a round (the last dispatch or
-- 重办) started before $3, with the clocks already shifted over this day ($4) in that round; locked against a
-- concurrent sign, reply or extension.
SELECT t.id, t.status, t.type, t.urgency, t.sign_by, t.reply_by, r.created_at AS clock_start,
       ARRAY(SELECT DISTINCT c.clock
             FROM ticket_events s CROSS JOIN jsonb_array_elements_text(s.data->'clocks') AS c(clock)
             WHERE s.ticket_id = t.id AND s.action = 'deadline_shifted' AND s.id > r.id
               AND s.data->>'date' = $4) AS shifted_clocks
FROM tickets t
CROSS JOIN LATERAL (SELECT e.id, e.created_at FROM ticket_events e
                    WHERE e.ticket_id = t.id AND e.action IN ('dispatch', 'reopen')
                    ORDER BY e.id DESC LIMIT 1) AS r
WHERE t.status = ANY($1::text[]) AND (t.sign_by > $2 OR t.reply_by > $2) AND r.created_at < $3
ORDER BY t.id
FOR UPDATE OF t;

-- name: due_callbacks
-- Callbacks still due ($1: the day's start) of replies made before $2, not yet shifted over this day ($3);
-- locked against a concurrent callback record.
SELECT c.id, c.ticket_id, t.status, c.replied_at, c.due_at
FROM callbacks c JOIN tickets t ON t.id = c.ticket_id
WHERE c.status = 'due' AND c.due_at > $1 AND c.replied_at < $2
  AND NOT EXISTS (SELECT 1 FROM ticket_events s
                  WHERE s.ticket_id = c.ticket_id AND s.action = 'deadline_shifted' AND s.created_at > c.replied_at
                    AND s.data->>'date' = $3 AND s.data->'clocks' ? 'callback')
ORDER BY c.id
FOR UPDATE OF c;

-- name: set_callback_due
UPDATE callbacks c SET due_at = m.due_at
FROM unnest($1::bigint[], $2::timestamptz[]) AS m(id, due_at)
WHERE c.id = m.id;

-- name: pending_clock_timers
SELECT id, ticket_id, kind, due_at FROM timers
WHERE ticket_id = ANY($1::bigint[]) AND kind = ANY($2::text[]) AND fired_at IS NULL AND cancelled_at IS NULL
ORDER BY id
FOR UPDATE;

-- name: set_deadlines
-- original_reply_by stays: it is the deadline before any extension or shift.
UPDATE tickets t SET sign_by = m.sign_by, reply_by = m.reply_by, updated_at = now()
FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS m(id, sign_by, reply_by)
WHERE t.id = m.id;

-- name: cancel_timers
UPDATE timers SET cancelled_at = now() WHERE id = ANY($1::bigint[]);

-- name: insert_timers
INSERT INTO timers (ticket_id, kind, due_at)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]);

-- name: insert_shift_events
-- One event per ticket ($1, its status $2, the moved deadlines $6), all by one supervisor ($3, $4) for one reason.
INSERT INTO ticket_events (ticket_id, action, from_status, to_status, actor_user_id, actor_role, reason, data)
SELECT e.ticket_id, 'deadline_shifted', e.status, e.status, $3, $4, $5, e.data
FROM unnest($1::bigint[], $2::text[], $6::jsonb[]) AS e(ticket_id, status, data);

-- name: mark_shifted
UPDATE calendar_days SET deadlines_shifted_at = now() WHERE day = $1 RETURNING deadlines_shifted_at;
