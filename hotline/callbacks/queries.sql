-- name: ticket_contact
SELECT anonymous, coalesce(citizen_phone, '') <> '' AS has_phone FROM tickets WHERE id = $1;

-- name: latest_reply_event
SELECT e.id, e.actor_department, e.created_at, (e.data->>'on_time')::boolean AS on_time,
       (SELECT d.created_at FROM ticket_events d
        WHERE d.ticket_id = e.ticket_id AND d.id < e.id AND d.action IN ('dispatch', 'reopen')
        ORDER BY d.id DESC LIMIT 1) AS handling_started_at
FROM ticket_events e
WHERE e.ticket_id = $1 AND e.action = 'reply' ORDER BY e.id DESC LIMIT 1;

-- name: insert_callback
INSERT INTO callbacks (ticket_id, reply_event_id, department_code, replied_at, reply_on_time, handling_started_at,
                       due_at, status, not_callable_reason, completed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $8 = 'not_callable' THEN now() END)
RETURNING id, due_at, status;

-- name: lock_due_callback
SELECT * FROM callbacks WHERE ticket_id = $1 AND status = 'due' FOR UPDATE;

-- name: lock_latest_callback
SELECT * FROM callbacks WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1 FOR UPDATE;

-- name: count_attempt
UPDATE callbacks SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts;

-- name: mark_not_callable
UPDATE callbacks SET status = 'not_callable', not_callable_reason = $2, reached = $3, completed_by = $4,
                     completed_at = now(), comment = $5, retry_at = NULL
WHERE id = $1;

-- name: set_retry_at
UPDATE callbacks SET retry_at = $2 WHERE id = $1;

-- name: record_outcome
UPDATE callbacks SET status = 'done', reached = true, attempts = attempts + 1, resolved = $2,
                     satisfaction = $3, comment = $4, answered_via = $5, completed_by = $6, completed_at = now(),
                     token_used_at = CASE WHEN $5 = 'link' THEN now() ELSE token_used_at END
WHERE id = $1;

-- name: set_review
UPDATE callbacks SET review = $2 WHERE id = $1;

-- name: set_token
-- A link for an app: it has no expiry, and an SMS link it replaces no longer keeps the callback off the phone lists.
UPDATE callbacks SET token_hash = $2, link_expires_at = NULL WHERE id = $1;

-- name: callback_by_token
SELECT c.id, c.ticket_id, c.status, c.token_used_at, c.link_expires_at, c.due_at, t.ticket_number, t.title, t.content_masked,
       (SELECT e.data->>'content' FROM ticket_events e WHERE e.id = c.reply_event_id) AS reply
FROM callbacks c JOIN tickets t ON t.id = c.ticket_id
WHERE c.token_hash = $1;

-- name: list_callbacks
-- A protected ticket (举报, confidential) is listed by its department copy's title: departments read this list
-- (and the citizen's comment redacted, for which the ticket's protection and citizen come along).
SELECT c.id, t.ticket_number, t.status AS ticket_status,
       CASE WHEN t.type = 'report' OR t.confidential OR t.protection_kept THEN t.title_redacted ELSE t.title END
           AS title,
       c.department_code, c.due_at, c.status,
       c.status = 'due' AND c.due_at < now() AS overdue, c.attempts, c.reached, c.resolved, c.satisfaction,
       c.not_callable_reason, c.answered_via, c.review, c.replied_at, c.completed_at, c.comment, c.retry_at,
       t.type, t.confidential, t.protection_kept, t.citizen_name, t.citizen_phone, t.citizen_id_number
FROM callbacks c JOIN tickets t ON t.id = c.ticket_id
WHERE CASE $1::text
          WHEN 'overdue' THEN c.status = 'due' AND c.due_at < now()
          WHEN 'awaiting_review' THEN c.status = 'done' AND c.review IS NULL AND t.status = 'callback_done'
          ELSE $1::text IS NULL OR c.status = $1::text
      END
  AND ($2::text IS NULL OR c.department_code = $2)
ORDER BY c.due_at, c.id
LIMIT $3;

-- name: latest_callback_view
SELECT c.id, t.ticket_number, t.status AS ticket_status,
       CASE WHEN t.type = 'report' OR t.confidential OR t.protection_kept THEN t.title_redacted ELSE t.title END
           AS title,
       c.department_code, c.due_at, c.status,
       c.status = 'due' AND c.due_at < now() AS overdue, c.attempts, c.reached, c.resolved, c.satisfaction,
       c.not_callable_reason, c.answered_via, c.review, c.replied_at, c.completed_at, c.comment, c.retry_at
FROM callbacks c JOIN tickets t ON t.id = c.ticket_id
WHERE t.ticket_number = $1
ORDER BY c.id DESC LIMIT 1;

-- name: set_deadlines
UPDATE tickets SET sign_by = $2, reply_by = $3, original_reply_by = $3, updated_at = now() WHERE id = $1;

-- name: open_supervision_order
-- The order and its `supervision_order` event in one statement (an overdue clock issues thousands at once); no
-- event when the automatic order of this cause already exists. $7 the ticket's status, $8-$9 the actor's role and
-- department, $10 the event's data without the order's id.
WITH o AS (
    INSERT INTO supervision_orders (ticket_id, department_code, cause, note, issued_by, due_at)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (ticket_id, department_code, cause) WHERE cause <> 'manual' DO NOTHING
    RETURNING id
), logged AS (
    INSERT INTO ticket_events (ticket_id, action, from_status, to_status, actor_user_id, actor_role,
                               actor_department, reason, data)
    SELECT $1, 'supervision_order', $7, $7, $5, $8, $9, $4, $10::jsonb || jsonb_build_object('order_id', o.id)
    FROM o
)
SELECT id FROM o;

-- name: list_supervision_orders
-- $1 status: open | answered | closed | active (open or answered) | NULL (all). The ticket's type, protection,
-- citizen and reviewed title tell what a department may read of a protected ticket (举报, confidential).
SELECT o.id, t.ticket_number, t.title, o.department_code, d.name AS department_name, o.cause, o.note, o.status,
       o.level, o.due_at, o.status = 'open' AND o.due_at < now() AS overdue, o.answer, o.answered_at,
       au.username AS answered_by, o.escalated_at, o.lapsed_at, o.closed_at, o.close_note,
       u.username AS issued_by, o.created_at,
       t.type, t.confidential, t.protection_kept, t.citizen_name, t.citizen_phone, t.citizen_id_number,
       t.title_redacted, t.content_redacted IS NOT NULL AS has_copy
FROM supervision_orders o
JOIN tickets t ON t.id = o.ticket_id
JOIN departments d ON d.code = o.department_code
LEFT JOIN users u ON u.id = o.issued_by
LEFT JOIN users au ON au.id = o.answered_by
WHERE CASE WHEN $1::text = 'active' THEN o.status IN ('open', 'answered') ELSE $1::text IS NULL OR o.status = $1 END
  AND ($2::text IS NULL OR o.department_code = $2)
  AND ($4::bigint IS NULL OR o.id = $4)
  AND ($5::text IS NULL OR t.ticket_number = $5)
ORDER BY o.created_at DESC, o.id DESC
LIMIT $3;

-- name: lock_order
SELECT o.id, o.ticket_id, o.department_code, o.status, o.level, o.due_at, t.status AS ticket_status
FROM supervision_orders o JOIN tickets t ON t.id = o.ticket_id
WHERE o.id = $1
FOR UPDATE OF o;

-- name: answer_order
UPDATE supervision_orders SET status = 'answered', answer = $2, answered_by = $3, answered_at = now() WHERE id = $1;

-- name: close_order
UPDATE supervision_orders SET status = 'closed', closed_at = now(), closed_by = $2, close_note = $3 WHERE id = $1;

-- name: escalate_order
UPDATE supervision_orders SET status = 'open', level = $2, due_at = $3, escalated_at = now(), lapsed_at = NULL
WHERE id = $1;

-- name: claim_overdue_orders
SELECT o.id, o.ticket_id, o.department_code, o.status, o.level, o.due_at, t.status AS ticket_status
FROM supervision_orders o JOIN tickets t ON t.id = o.ticket_id
WHERE o.status = 'open' AND o.lapsed_at IS NULL AND o.due_at <= now()
ORDER BY o.due_at
LIMIT $1
FOR UPDATE OF o SKIP LOCKED;

-- name: mark_lapsed
UPDATE supervision_orders SET lapsed_at = now() WHERE id = $1;

-- name: next_order_deadline
SELECT min(due_at) FROM supervision_orders WHERE status = 'open' AND lapsed_at IS NULL;
