-- name: ticket_for_action
-- The ticket a state-changing action works on, by its number (dispatch, callbacks, 督办单 alike).
SELECT id, ticket_number, status, type, urgency, category_path, lead_department, sign_by, reply_by,
       original_reply_by, received_at
FROM tickets WHERE ticket_number = $1;

-- name: lock_ticket
SELECT id, ticket_number, status, type, urgency, lead_department, confidential
FROM tickets WHERE id = $1 FOR UPDATE;

-- name: set_status
UPDATE tickets SET status = $2, updated_at = now() WHERE id = $1;

-- name: insert_event
INSERT INTO ticket_events (ticket_id, action, from_status, to_status, actor_user_id, actor_role,
                           actor_department, reason, data)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id, created_at;

-- name: ticket_by_number
SELECT t.*,
       coalesce((SELECT array_agg(td.department_code ORDER BY td.role, td.department_code)
                 FROM ticket_departments td WHERE td.ticket_id = t.id AND td.active), '{}') AS departments,
       coalesce((SELECT array_agg(td.department_code)
                 FROM ticket_departments td WHERE td.ticket_id = t.id), '{}') AS ever_departments,
       (SELECT count(*) FROM ticket_contacts k WHERE k.ticket_id = t.id AND k.kind = 'urge') AS urge_count,
       (SELECT count(*) FROM ticket_contacts k WHERE k.ticket_id = t.id AND k.kind = 'supplement') AS supplement_count,
       (SELECT c.call_id FROM ticket_intake_details d JOIN cti_calls c ON c.id = d.call_row_id
        WHERE d.ticket_id = t.id) AS call_id
FROM tickets t WHERE t.ticket_number = $1;

-- name: list_tickets
-- $6: the reader is the hotline's own staff (else a department: only tickets it holds now, and a protected
-- ticket's text is searched in its department copy only, so a query never matches hidden data).
-- $9: a phone or ID number the staff reader searched for (canonical); $10: leave confidential tickets out.
SELECT t.id, t.ticket_number, t.channel, t.status, t.type, t.urgency, t.category_path, t.title,
       t.content_masked, t.district_code, t.lead_department, t.sign_by, t.reply_by, t.received_at,
       t.created_at, t.updated_at, t.confidential, t.protection_kept, t.title_redacted, t.content_redacted,
       t.address_redacted,
       t.content, t.citizen_name, t.citizen_phone, t.citizen_id_number, t.address,
       (SELECT count(*) FROM ticket_contacts k WHERE k.ticket_id = t.id AND k.kind = 'urge') AS urge_count,
       count(*) OVER () AS total
FROM tickets t
WHERE ($1::text IS NULL OR t.status = $1)
  AND ($2::text IS NULL OR t.channel = $2)
  AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM ticket_departments td
                                   WHERE td.ticket_id = t.id AND td.department_code = $3 AND (td.active OR $6)))
  AND ($4::text IS NULL OR t.ticket_number = $4
       OR CASE WHEN NOT $6 AND (t.type = 'report' OR t.confidential OR t.protection_kept)
               THEN coalesce(t.content_redacted, '') ILIKE $5 OR coalesce(t.title_redacted, '') ILIKE $5
               ELSE t.content_masked ILIKE $5 OR (t.title ILIKE $5 AND ($6 OR $4 !~ '[0-9]'))
          END
       OR ($6 AND $9::text IS NOT NULL
           AND (t.citizen_phone = $9 OR t.citizen_id_number = $9 OR strpos(t.content, $9) > 0)))
  AND NOT ($10 AND t.confidential)
ORDER BY t.received_at DESC, t.id DESC
LIMIT $7 OFFSET $8;

-- name: count_withheld
-- Confidential tickets a number search left out (no reason was given): how many, never which.
SELECT count(*) FROM tickets t
WHERE t.confidential AND (t.citizen_phone = $1 OR t.citizen_id_number = $1 OR strpos(t.content, $1) > 0);

-- name: ticket_events
SELECT e.id, e.action, e.from_status, e.to_status, e.actor_role, e.actor_department,
       u.username AS actor_username, e.reason, e.data, e.created_at
FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_user_id
WHERE e.ticket_id = $1 ORDER BY e.id;

-- name: classification_suggestions
SELECT head, label, confidence, top3, abstain, model_version, created_at
FROM classification_suggestions WHERE ticket_id = $1 ORDER BY id;

-- name: routing_suggestions
-- The latest set (each set is written by one transaction): intake's, or the one the worker made later with the
-- dispatch-history model (model_version) for a post intake routed by the rules alone.
SELECT r.rank, r.department_code, d.name AS department_name, r.score, r.reasons, r.model_version
FROM routing_suggestions r JOIN departments d ON d.code = r.department_code
WHERE r.ticket_id = $1
  AND r.created_at = (SELECT max(created_at) FROM routing_suggestions WHERE ticket_id = $1)
ORDER BY r.rank;

-- name: repeat_candidates
SELECT c.similarity, c.same_caller, t.ticket_number, t.status, t.title, t.content_masked, t.received_at
FROM repeat_candidates c JOIN tickets t ON t.id = c.candidate_ticket_id
WHERE c.ticket_id = $1 ORDER BY c.similarity DESC;

-- name: set_merged_into
UPDATE tickets SET merged_into = $2, updated_at = now() WHERE id = $1;
