-- Repeat contacts: each ticket's text vector, and the open tickets intake found it may repeat.

CREATE TABLE ticket_vectors (
    ticket_id bigint PRIMARY KEY REFERENCES tickets(id),
    embedder  text NOT NULL,
    vector    bytea NOT NULL          -- float32, L2-normalised
);

CREATE TABLE repeat_candidates (
    ticket_id           bigint NOT NULL REFERENCES tickets(id),
    candidate_ticket_id bigint NOT NULL REFERENCES tickets(id),
    same_caller         boolean NOT NULL,
    similarity          real NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ticket_id, candidate_ticket_id)
);

CREATE INDEX tickets_district_received_idx ON tickets (district_code, received_at DESC);
