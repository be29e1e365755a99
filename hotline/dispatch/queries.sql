-- name: holds_ticket
SELECT role FROM ticket_departments WHERE ticket_id = $1 AND department_code = $2 AND active;

-- name: release_departments
UPDATE ticket_departments SET active = false WHERE ticket_id = $1 AND active;

-- name: assign_department
INSERT INTO ticket_departments (ticket_id, department_code, role) VALUES ($1, $2, $3)
ON CONFLICT (ticket_id, department_code) DO UPDATE SET role = EXCLUDED.role, active = true, assigned_at = now();

-- name: set_dispatch
UPDATE tickets SET lead_department = $2, sign_by = $3, reply_by = $4, original_reply_by = $4, updated_at = now()
WHERE id = $1;

-- name: clear_lead
UPDATE tickets SET lead_department = NULL, sign_by = NULL, reply_by = NULL, updated_at = now() WHERE id = $1;

-- name: set_reply_by
UPDATE tickets SET reply_by = $2, updated_at = now() WHERE id = $1;

-- name: set_classification
UPDATE tickets SET type = $2, category_path = $3, urgency = $4, updated_at = now() WHERE id = $1;

-- name: insert_extension_request
INSERT INTO extension_requests (ticket_id, department_code, working_days, reason, requested_by, reply_by_before)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, ticket_id, department_code, working_days, reason, status, reply_by_before, reply_by_after,
          created_at, decided_at, decision_note;

-- name: lock_extension_request
SELECT e.*, t.ticket_number FROM extension_requests e JOIN tickets t ON t.id = e.ticket_id
WHERE e.id = $1 FOR UPDATE OF e;

-- name: decide_extension_request
UPDATE extension_requests SET status = $2, decided_by = $3, decision_note = $4, reply_by_after = $5,
                              decided_at = now()
WHERE id = $1
RETURNING id, ticket_id, department_code, working_days, reason, status, reply_by_before, reply_by_after,
          created_at, decided_at, decision_note;

-- name: list_extension_requests
-- Each request with the extensions already approved on its ticket before it (the approver weighs a second one).
SELECT e.id, e.ticket_id, e.department_code, e.working_days, e.reason, e.status, e.reply_by_before,
       e.reply_by_after, e.created_at, e.decided_at, e.decision_note, t.ticket_number,
       (SELECT coalesce(json_agg(json_build_object(
                   'working_days', p.working_days, 'reason', p.reason, 'created_at', p.created_at,
                   'decided_at', p.decided_at, 'reply_by_before', p.reply_by_before,
                   'reply_by_after', p.reply_by_after) ORDER BY p.id), '[]'::json)
        FROM extension_requests p
        WHERE p.ticket_id = e.ticket_id AND p.id < e.id AND p.status = 'approved') AS earlier
FROM extension_requests e JOIN tickets t ON t.id = e.ticket_id
WHERE ($1::text IS NULL OR e.status = $1) AND ($2::text IS NULL OR e.department_code = $2)
  AND ($3::text IS NULL OR t.ticket_number = $3)
ORDER BY e.created_at DESC LIMIT 200;
