-- name: ticket_for_lookup
-- One query for "no such ticket" and "wrong digits" alike, so neither answers faster than the other.
SELECT id, ticket_number, status, received_at, reply_by
FROM tickets
WHERE ticket_number = $1 AND citizen_phone IS NOT NULL AND right(citizen_phone, 4) = $2;

-- name: public_events
SELECT action, data, created_at
FROM ticket_events
WHERE ticket_id = $1 AND action = ANY($2::text[])
ORDER BY id;
