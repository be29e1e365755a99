-- name: claim_submission
INSERT INTO submissions (channel, external_id, payload_hash, received_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (channel, external_id) DO NOTHING
RETURNING id;

-- name: existing_submission
SELECT s.payload_hash, t.id, t.ticket_number, t.status
FROM submissions s JOIN tickets t ON t.id = s.ticket_id
WHERE s.channel = $1 AND s.external_id = $2;

-- name: insert_ticket
INSERT INTO tickets (
    ticket_number, channel, type, urgency, category_path, title, content, content_masked, pii_kinds,
    address, district_code, street_code, citizen_name, citizen_phone, citizen_id_number,
    anonymous, confidential, received_at)
VALUES (
    to_char($17::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(nextval('ticket_number_seq')::text, 6, '0'),
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
RETURNING id, ticket_number, status;

-- name: link_submission
UPDATE submissions SET ticket_id = $2 WHERE id = $1;

-- name: insert_suggestion
INSERT INTO classification_suggestions (ticket_id, head, label, confidence, top3, abstain, model_version)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: insert_route
INSERT INTO routing_suggestions (ticket_id, rank, department_code, score, reasons) VALUES ($1, $2, $3, $4, $5);

-- name: insert_vector
INSERT INTO ticket_vectors (ticket_id, embedder, vector) VALUES ($1, $2, $3);

-- name: recent_open_by_caller
SELECT t.id, t.ticket_number, t.citizen_phone, t.district_code, NULL::bytea AS vector
FROM tickets t
WHERE t.citizen_phone = $2 AND t.id <> $1
  AND t.status IN ('received', 'dispatched', 'accepted', 'returned', 'reopened', 'replied')
  AND t.received_at > now() - make_interval(days => $3)
ORDER BY t.received_at DESC
LIMIT 20;

-- name: recent_open_in_district
SELECT t.id, t.ticket_number, t.citizen_phone, t.district_code, v.vector
FROM tickets t JOIN ticket_vectors v ON v.ticket_id = t.id AND v.embedder = $4
WHERE t.district_code = $2 AND t.id <> $1
  AND t.status IN ('received', 'dispatched', 'accepted', 'returned', 'reopened', 'replied')
  AND t.received_at > now() - make_interval(days => $3)
ORDER BY t.received_at DESC
LIMIT 2000;

-- name: insert_candidate
INSERT INTO repeat_candidates (ticket_id, candidate_ticket_id, same_caller, similarity) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING;

-- name: ticket_for_enrichment
SELECT title, content, district_code FROM tickets WHERE id = $1;

-- name: schedule_enrichment
INSERT INTO timers (ticket_id, kind, due_at) VALUES ($1, 'enrich', now());
