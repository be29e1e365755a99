-- name: record_contact (named parameters)
-- A new contact in one statement (one round trip, one plan): claim the (channel, external_id) key and, only
-- when the claim is new, insert the ticket with its model suggestions, its receive event and the timer that
-- asks a worker to embed it. No row back means the key was already taken: read `existing_submission`.
-- JSON columns travel as text arrays (a list of lists would read as a 2-D array).
-- category_chosen is a category the caller chose (kept as given), category_suggested one a model suggested
-- (kept only if in our tree); routes_model the dispatch-history model's version when it took part in the
-- routing (NULL: rules alone).
WITH claim AS (
    INSERT INTO submissions (channel, external_id, payload_hash, received_at, ticket_id)
    VALUES (:channel, :external_id, :payload_hash, :received_at, nextval(pg_get_serial_sequence('tickets', 'id')))
    ON CONFLICT (channel, external_id) DO NOTHING
    RETURNING ticket_id
), ticket AS (
    INSERT INTO tickets (
        id, ticket_number, channel, type, urgency, category_path, title, content, content_masked, pii_kinds,
        address, district_code, street_code, citizen_name, citizen_phone, citizen_id_number,
        anonymous, confidential, received_at)
    SELECT claim.ticket_id,
           to_char(:received_at::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD')
               || lpad(nextval('ticket_number_seq')::text, 6, '0'),
           :channel, :type, :urgency,
           coalesce(:category_chosen, (SELECT path FROM categories WHERE path = :category_suggested)),
           :title, :content, :content_masked, :pii_kinds, :address, :district_code, :street_code,
           :citizen_name, :citizen_phone, :citizen_id_number, :anonymous, :confidential, :received_at
    FROM claim
    RETURNING id, ticket_number, status
), suggestions AS (
    INSERT INTO classification_suggestions (ticket_id, head, label, confidence, top3, abstain, model_version)
    SELECT ticket.id, s.head, s.label, s.confidence, s.top3::jsonb, s.abstain, :classifier_version
    FROM ticket, unnest(:suggestion_heads::text[], :suggestion_labels::text[], :suggestion_confidences::real[],
                        :suggestion_top3::text[], :suggestion_abstains::boolean[])
                 AS s(head, label, confidence, top3, abstain)
), routes AS (
    INSERT INTO routing_suggestions (ticket_id, rank, department_code, score, reasons, model_version)
    SELECT ticket.id, r.rank, r.department_code, r.score, r.reasons::jsonb, :routes_model
    FROM ticket, unnest(:route_departments::text[], :route_scores::real[], :route_reasons::text[]) WITH ORDINALITY
                 AS r(department_code, score, reasons, rank)
), event AS (
    INSERT INTO ticket_events (ticket_id, action, from_status, to_status, actor_user_id, actor_role,
                               actor_department, data)
    SELECT ticket.id, 'receive', NULL, 'received', :actor_user_id, :actor_role, :actor_department, :event_data
    FROM ticket
), enrichment AS (
    INSERT INTO timers (ticket_id, kind, due_at) SELECT ticket.id, 'enrich', now() FROM ticket
)
SELECT id, ticket_number, status FROM ticket;

-- name: existing_submission
SELECT s.payload_hash, t.id, t.ticket_number, t.status
FROM submissions s JOIN tickets t ON t.id = s.ticket_id
WHERE s.channel = $1 AND s.external_id = $2;

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
-- The ticket with the context intake routed it by: the category the agent chose (sure) or the classifier's
-- suggestion with its confidence, and whether the dispatch-history model already made a set of suggestions.
SELECT t.title, t.content, t.channel, t.address, t.district_code, t.street_code,
       coalesce(t.category_path, c.label) AS category,
       CASE WHEN c.label IS NOT NULL AND coalesce(t.category_path, c.label) = c.label
                 AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.action = 'classify')
            THEN c.confidence ELSE 1.0 END AS category_confidence,
       EXISTS (SELECT 1 FROM routing_suggestions r WHERE r.ticket_id = t.id AND r.model_version IS NOT NULL)
           AS routed_by_model
FROM tickets t
LEFT JOIN LATERAL (SELECT label, confidence FROM classification_suggestions
                   WHERE ticket_id = t.id AND head = 'category' ORDER BY id DESC LIMIT 1) c ON true
WHERE t.id = $1;

-- name: insert_model_routes
-- A later set of department suggestions beside intake's (every set stays stored; readers take the latest).
INSERT INTO routing_suggestions (ticket_id, rank, department_code, score, reasons, model_version)
SELECT $1, r.rank, r.department_code, r.score, r.reasons::jsonb, $5
FROM unnest($2::text[], $3::real[], $4::text[]) WITH ORDINALITY AS r(department_code, score, reasons, rank);
