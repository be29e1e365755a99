-- Who saw a citizen's personal data in clear: every supervisor reveal of a 举报 reporter (with its
-- reason) and every staff read of a ticket shown unmasked. Rows are only ever inserted.

CREATE TABLE pii_access_log (
    id             bigserial PRIMARY KEY,
    ticket_id      bigint NOT NULL REFERENCES tickets(id),
    kind           text NOT NULL CHECK (kind IN ('reveal', 'read')),
    actor_user_id  bigint REFERENCES users(id),
    actor_username text NOT NULL,
    actor_role     text NOT NULL,
    reason         text CHECK (kind <> 'reveal' OR length(btrim(reason)) > 0),
    accessed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pii_access_log_time_idx ON pii_access_log (accessed_at DESC, id DESC);
CREATE INDEX pii_access_log_ticket_idx ON pii_access_log (ticket_id, accessed_at DESC);
