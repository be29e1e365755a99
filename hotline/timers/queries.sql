-- name: insert_timer
INSERT INTO timers (ticket_id, kind, due_at) VALUES ($1, $2, $3) RETURNING id;

-- name: cancel_timers
UPDATE timers SET cancelled_at = now()
WHERE ticket_id = $1 AND kind = ANY($2::text[]) AND fired_at IS NULL AND cancelled_at IS NULL;

-- name: claim_due_timers
SELECT tm.id, tm.ticket_id, tm.kind, tm.due_at, t.status, t.lead_department, t.sign_by, t.reply_by
FROM timers tm JOIN tickets t ON t.id = tm.ticket_id
WHERE tm.fired_at IS NULL AND tm.cancelled_at IS NULL AND tm.due_at <= now()
ORDER BY tm.due_at
LIMIT $1
FOR UPDATE OF tm SKIP LOCKED;

-- name: mark_fired
UPDATE timers SET fired_at = now(), fired_by = $2 WHERE id = $1;

-- name: next_due
SELECT min(due_at) FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL;
