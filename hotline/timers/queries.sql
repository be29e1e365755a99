-- name: insert_timer
INSERT INTO timers (ticket_id, kind, due_at) VALUES ($1, $2, $3) RETURNING id;

-- name: cancel_timers
UPDATE timers SET cancelled_at = now()
WHERE ticket_id = $1 AND kind = ANY($2::text[]) AND fired_at IS NULL AND cancelled_at IS NULL;

-- name: claim_due_timers
-- SLA clocks only: enrichment has its own queue and never stands in front of a deadline.
SELECT tm.id, tm.ticket_id, tm.kind, tm.due_at, tm.attempts, t.status, t.lead_department, t.sign_by, t.reply_by
FROM timers tm JOIN tickets t ON t.id = tm.ticket_id
WHERE tm.fired_at IS NULL AND tm.cancelled_at IS NULL AND tm.kind <> 'enrich' AND tm.due_at <= now()
ORDER BY tm.due_at
LIMIT $1
FOR UPDATE OF tm SKIP LOCKED;

-- name: mark_fired
-- clock_timestamp(): when the timers fired (their batch's end, just before it commits), not when it began.
UPDATE timers SET fired_at = clock_timestamp(), fired_by = $2 WHERE id = ANY($1::bigint[]);

-- name: postpone_timer
-- A timer whose firing failed: tried again after the delay, its attempts and last error kept.
UPDATE timers SET due_at = now() + make_interval(secs => $2), attempts = attempts + 1, last_error = $3
WHERE id = $1 AND fired_at IS NULL;

-- name: next_due
SELECT min(due_at) FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL AND kind <> 'enrich';

-- name: lease_enrichment
-- One due enrichment job for this worker: its due_at moves to the lease's end and its attempts count up, both
-- committed before the work starts, so a worker that dies mid-job hands it on when the lease runs out.
UPDATE timers SET due_at = now() + make_interval(secs => $1), attempts = attempts + 1
WHERE id = (SELECT id FROM timers
            WHERE fired_at IS NULL AND cancelled_at IS NULL AND kind = 'enrich' AND due_at <= now()
            ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id, ticket_id, attempts;

-- name: complete_enrichment
-- Locks the job for the transaction that stores its result: only the attempt that still holds it may finish it.
UPDATE timers SET fired_at = clock_timestamp(), fired_by = $3, last_error = NULL
WHERE id = $1 AND attempts = $2 AND fired_at IS NULL AND cancelled_at IS NULL
RETURNING id;

-- name: retry_enrichment
UPDATE timers SET due_at = now() + make_interval(secs => $3), last_error = $4
WHERE id = $1 AND attempts = $2 AND fired_at IS NULL;

-- name: next_enrichment_due
SELECT min(due_at) FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL AND kind = 'enrich';
