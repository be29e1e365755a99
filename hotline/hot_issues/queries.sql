-- name: recent_ticket_vectors
-- The window's newest problem reports (complaints, reports, requests for help, suggestions, and tickets not yet
-- typed) that a worker has already embedded with the running embedder. Consultations and praise are no problem.
-- `caller` tells people apart without carrying their number out of the database.
SELECT t.ticket_number, t.title, t.content_masked, t.district_code, d.name AS district_name, t.received_at,
       md5(coalesce(t.citizen_phone, 'ticket:' || t.id::text)) AS caller, v.vector,
       t.type = 'report' OR t.confidential OR t.protection_kept AS protected, t.title_redacted, t.content_redacted
FROM tickets t
JOIN ticket_vectors v ON v.ticket_id = t.id AND v.embedder = $3
LEFT JOIN districts d ON d.code = t.district_code
WHERE t.received_at >= now() - make_interval(days => $1)
  AND ($2::text IS NULL OR t.district_code = $2)
  AND (t.type IS NULL OR t.type IN ('complaint', 'report', 'help', 'suggestion'))
ORDER BY t.received_at DESC
LIMIT $4;
