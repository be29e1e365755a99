-- name: ticket_contact
SELECT id, ticket_number, citizen_phone, anonymous FROM tickets WHERE id = $1;

-- name: insert_message
INSERT INTO sms_outbox (ticket_id, template, params, recipient, recipient_masked, body, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, status, created_at;

-- name: claim_due_message
SELECT id, ticket_id, template, params, recipient, body, attempts
FROM sms_outbox
WHERE status = 'queued' AND next_attempt_at <= now()
ORDER BY next_attempt_at, id
LIMIT 1
FOR UPDATE SKIP LOCKED;

-- name: mark_sent
UPDATE sms_outbox SET status = 'sent', attempts = attempts + 1, sent_at = now(), provider_message_id = $2,
                      last_error = NULL, body = $3, params = $4
WHERE id = $1;

-- name: mark_retry
UPDATE sms_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3)
WHERE id = $1;

-- name: mark_failed
UPDATE sms_outbox SET status = 'failed', attempts = attempts + 1, last_error = $2, failed_at = now(),
                      body = $3, params = $4
WHERE id = $1;

-- name: end_pending_link
-- The link never reached the citizen: the callback goes back on the phone list at once.
UPDATE callbacks SET link_expires_at = now()
WHERE ticket_id = $1 AND status = 'due' AND link_expires_at > now()
RETURNING id;

-- name: ticket_status
SELECT status FROM tickets WHERE id = $1;

-- name: next_attempt
SELECT min(next_attempt_at) FROM sms_outbox WHERE status = 'queued';

-- name: list_messages
SELECT m.id, t.ticket_number, m.template, m.recipient_masked, m.body, m.status, m.attempts, m.next_attempt_at,
       m.last_error, m.provider_message_id, m.created_at, m.sent_at, m.failed_at
FROM sms_outbox m LEFT JOIN tickets t ON t.id = m.ticket_id
WHERE ($1::text IS NULL OR m.status = $1) AND ($2::text IS NULL OR t.ticket_number = $2)
ORDER BY m.created_at DESC, m.id DESC
LIMIT $3;

-- name: status_counts
SELECT status, count(*) AS n FROM sms_outbox GROUP BY status;
