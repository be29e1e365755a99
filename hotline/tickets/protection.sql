-- name: ticket_text
SELECT id, type, confidential, protection_kept, title, content, address, citizen_name, citizen_phone,
       citizen_id_number, title_redacted, content_redacted, address_redacted
FROM tickets WHERE id = $1;

-- name: lock_ticket_text
SELECT id, status, type, confidential, protection_kept, title, content, address, citizen_name, citizen_phone,
       citizen_id_number, title_redacted, content_redacted, address_redacted
FROM tickets WHERE ticket_number = $1 FOR UPDATE;

-- name: ticket_text_by_number
-- With who last corrected the department copy, and when (its event).
SELECT t.id, t.type, t.confidential, t.protection_kept, t.title, t.content, t.address, t.citizen_name,
       t.citizen_phone, t.citizen_id_number, t.title_redacted, t.content_redacted, t.address_redacted,
       e.username AS edited_by, e.created_at AS edited_at
FROM tickets t
LEFT JOIN LATERAL (SELECT u.username, ev.created_at FROM ticket_events ev LEFT JOIN users u ON u.id = ev.actor_user_id
                   WHERE ev.ticket_id = t.id AND ev.action = 'redaction_corrected'
                   ORDER BY ev.id DESC LIMIT 1) e ON true
WHERE t.ticket_number = $1;

-- name: store_redacted
UPDATE tickets SET title_redacted = $2, content_redacted = $3, address_redacted = $4, updated_at = now()
WHERE id = $1;

-- name: keep_protection
-- Held by a department at any time while protected: stays protected whatever its type becomes.
UPDATE tickets SET protection_kept = true
WHERE id = $1 AND NOT protection_kept AND content_redacted IS NOT NULL
  AND EXISTS (SELECT 1 FROM ticket_departments td WHERE td.ticket_id = $1);
