-- Trust, second pass: what a department reads of a 举报, sessions that can be ended, an audited account history,
-- and the personal-data access log's new kinds (event reads and searches by number).

-- A protected ticket (every 举报, and any ticket whose citizen asked for confidentiality) is read by departments
-- only through this reviewed copy: names, numbers and the reporter's own address replaced by placeholders.
-- Computed when the ticket is (or becomes) protected, at the latest at dispatch; an agent may correct it.
ALTER TABLE tickets
    ADD COLUMN title_redacted   text,
    ADD COLUMN content_redacted text,
    ADD COLUMN address_redacted text,
    -- Once a department held a protected ticket, a later change of type away from 举报 keeps it protected.
    ADD COLUMN protection_kept  boolean NOT NULL DEFAULT false;

-- Bumped when an account is disabled, moved (role or department) or its password reset: every token issued
-- before carries the old value and is refused.
ALTER TABLE users ADD COLUMN token_epoch integer NOT NULL DEFAULT 0;

-- A session ended by logout (its id is in every token renewed from it); kept until its last token expires.
CREATE TABLE ended_sessions (
    session_id text PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id),
    ended_at   timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX ended_sessions_expiry_idx ON ended_sessions (expires_at);

-- Who changed a staff account, when, why, and what it was before and after. Rows are only ever inserted.
CREATE TABLE user_changes (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users(id),
    action        text NOT NULL CHECK (action IN (
                      'create', 'disable', 'enable', 'set', 'password_reset', 'unlock')),
    actor_user_id bigint REFERENCES users(id),
    actor_name    text NOT NULL,              -- the admin's username, or cli:<os user> for the command line
    reason        text NOT NULL CHECK (length(btrim(reason)) > 0),
    before        jsonb NOT NULL DEFAULT '{}',
    after         jsonb NOT NULL DEFAULT '{}',
    changed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_changes_user_idx ON user_changes (user_id, changed_at DESC);

-- events: a read of a ticket's timeline shown unmasked; search: a ticket found by a phone or ID number.
ALTER TABLE pii_access_log DROP CONSTRAINT pii_access_log_kind_check;
ALTER TABLE pii_access_log ADD CONSTRAINT pii_access_log_kind_check
    CHECK (kind IN ('reveal', 'read', 'events', 'search'));
-- What was looked at, never the personal data itself (e.g. {"query_kind": "mobile"}).
ALTER TABLE pii_access_log ADD COLUMN detail jsonb NOT NULL DEFAULT '{}';
