-- The callback desk's reads: due callbacks sorted into the desk's lists, and one callback with its request.

-- name: desk_items
-- Due callbacks of one desk list ($1), by deadline. A due callback is in `sms` while a sent link is alive (off
-- the phone lists), else `overdue` past its deadline, `retry` once a call went unanswered, `due` otherwise.
WITH listed AS (
    SELECT c.*, CASE WHEN c.link_expires_at > now() AND c.token_used_at IS NULL THEN 'sms'
                     WHEN c.due_at < now() THEN 'overdue'
                     WHEN c.attempts > 0 THEN 'retry'
                     ELSE 'due' END AS list
    FROM callbacks c WHERE c.status = 'due'
)
SELECT l.id, t.ticket_number, t.title, left(t.content_masked, 80) AS excerpt, t.category_path, l.department_code,
       l.replied_at, l.due_at,
       l.due_at < now() AS overdue, l.attempts, l.retry_at, l.link_expires_at, l.list
FROM listed l JOIN tickets t ON t.id = l.ticket_id
WHERE l.list = $1
ORDER BY l.due_at, l.id
LIMIT $2;

-- name: desk_counts
SELECT CASE WHEN c.link_expires_at > now() AND c.token_used_at IS NULL THEN 'sms'
            WHEN c.due_at < now() THEN 'overdue'
            WHEN c.attempts > 0 THEN 'retry'
            ELSE 'due' END AS list,
       count(*) AS n
FROM callbacks c WHERE c.status = 'due'
GROUP BY 1;

-- name: desk_ticket
SELECT t.id, t.ticket_number, t.status, t.type, t.channel, t.category_path, t.title, t.content_masked,
       t.lead_department, t.received_at, t.citizen_name, t.citizen_phone, t.anonymous, t.confidential
FROM tickets t WHERE t.ticket_number = $1;

-- name: desk_callback
SELECT c.id, c.status, c.due_at, c.due_at < now() AS overdue, c.attempts, c.retry_at, c.link_sent_at,
       c.link_expires_at, c.link_expires_at > now() AND c.token_used_at IS NULL AS sms_pending, c.reached,
       c.resolved, c.satisfaction, c.comment, c.not_callable_reason, c.answered_via, c.review, c.department_code,
       c.replied_at, c.completed_at,
       (SELECT e.data->>'content' FROM ticket_events e WHERE e.id = c.reply_event_id) AS reply
FROM callbacks c WHERE c.ticket_id = $1 ORDER BY c.id DESC LIMIT 1;

-- name: desk_attempts
SELECT e.created_at, e.actor_role, u.username AS actor_username, e.data->>'retry_at' AS retry_at
FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_user_id
WHERE e.ticket_id = $1 AND e.action = 'callback_attempt' AND (e.data->>'callback_id')::bigint = $2
ORDER BY e.id;

-- name: set_link
UPDATE callbacks SET token_hash = $2, link_sent_at = now(), link_expires_at = $3 WHERE id = $1;
