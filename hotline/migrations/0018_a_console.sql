-- The agent console at call-centre grade: the PBX's tokens and the call log (CTI, in the shape of Zammad's
-- generic CTI API), transfers to other hotlines, quick phrases, contacts added to an open ticket (催办 / 补充),
-- what the console filled in for a ticket (auto-fill, template answers, its call), and the history of
-- supervisors' edits to templates and phrases.

-- One token per PBX (or per PBX site). Only the token's SHA-256 is kept; the token is shown once, when made.
CREATE TABLE cti_tokens (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    note            text,
    token_hash      text NOT NULL UNIQUE,
    token_prefix    text NOT NULL,                        -- the first characters, to recognise a token in a list
    created_by      bigint REFERENCES users(id),          -- NULL: made with `hotline cti token`
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    disabled_at     timestamptz,
    disabled_by     bigint REFERENCES users(id),
    disabled_reason text,
    CHECK ((disabled_at IS NULL) = (disabled_reason IS NULL))
);

-- A PBX may name the agent by extension: which staff account each extension is (set by an admin).
CREATE TABLE agent_extensions (
    extension  text PRIMARY KEY CHECK (extension ~ '^[0-9A-Za-z*#_-]{1,20}$'),
    user_id    bigint NOT NULL UNIQUE REFERENCES users(id),
    updated_by bigint REFERENCES users(id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The call log: one row per call a PBX reported, brought up to date by each of its events (kept in cti_events).
-- waited = answered (or ended, unanswered) - ringing; talked = ended - answered. See hotline/cti/queries.sql
-- (`call_log`, `agent_metrics`) for the documented reads.
CREATE TABLE cti_calls (
    id            bigserial PRIMARY KEY,
    pbx_id        bigint NOT NULL REFERENCES cti_tokens(id),
    call_id       text NOT NULL CHECK (length(call_id) BETWEEN 1 AND 250),
    direction     text NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out')),
    channel       text NOT NULL DEFAULT 'phone' CHECK (channel IN ('phone', '110')),  -- '110': a 110 transfer in
    from_number   text NOT NULL,             -- canonical digits when it is a number (0577 added to a local one)
    to_number     text,
    queue         text,
    agent         text,                      -- as the PBX named it: a username or an extension
    agent_user_id bigint REFERENCES users(id),
    ringing_at    timestamptz NOT NULL,      -- the call's first event (a PBX that skips ringing: its first)
    answered_at   timestamptz,
    ended_at      timestamptz,
    end_cause     text,                      -- Zammad's causes: normalClearing, cancel, noAnswer, busy, ...
    ticket_id     bigint REFERENCES tickets(id),  -- the ticket that came of the call (filed, 催办 or 补充)
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pbx_id, call_id)
);
CREATE INDEX cti_calls_agent_idx ON cti_calls (agent_user_id, ringing_at DESC);
CREATE INDEX cti_calls_ringing_idx ON cti_calls (ringing_at DESC);
CREATE INDEX cti_calls_created_idx ON cti_calls (created_at DESC);
CREATE INDEX cti_calls_from_idx ON cti_calls (from_number, created_at DESC);

-- Every event as the PBX sent it; the agent's live stream replays these rows (by id) after a reconnect.
CREATE TABLE cti_events (
    id            bigserial PRIMARY KEY,
    call_row_id   bigint NOT NULL REFERENCES cti_calls(id),
    event         text NOT NULL CHECK (event IN ('ringing', 'answered', 'hangup')),
    at            timestamptz NOT NULL,
    agent_user_id bigint REFERENCES users(id),          -- whose console is told
    payload       jsonb NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cti_events_agent_idx ON cti_events (agent_user_id, id);
-- A PBX retrying an event it was not sure we got changes nothing: each event happens once per call.
CREATE UNIQUE INDEX cti_events_once ON cti_events (call_row_id, event);

-- A caller sent on to another hotline (转接/告知): who, where, the number given to the caller, why, when.
-- With a ticket it is also that ticket's `transfer` event (same transaction).
CREATE TABLE call_transfers (
    id             bigserial PRIMARY KEY,
    call_row_id    bigint REFERENCES cti_calls(id),
    ticket_id      bigint REFERENCES tickets(id),
    target         text NOT NULL CHECK (target IN ('110', '119', '120', '12315', 'other')),
    target_name    text CHECK (length(target_name) BETWEEN 1 AND 100),  -- for 'other': 12348 法律服务热线 ...
    number_given   text NOT NULL CHECK (length(number_given) BETWEEN 1 AND 40),
    reason         text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    agent_user_id  bigint NOT NULL REFERENCES users(id),
    transferred_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((target = 'other') = (target_name IS NOT NULL))
);
CREATE INDEX call_transfers_at_idx ON call_transfers (transferred_at);

-- 常用语: direct answers an agent reads out, offered by the ticket's category (NULL: for every category).
CREATE TABLE quick_phrases (
    id            bigserial PRIMARY KEY,
    category_path text REFERENCES categories(path),
    title         text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 40),
    body          text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 1000),
    position      integer NOT NULL DEFAULT 0,
    active        boolean NOT NULL DEFAULT true,
    updated_by    bigint REFERENCES users(id),           -- NULL: the seed file
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quick_phrases_category_idx ON quick_phrases (category_path, position) WHERE active;

-- Who changed a question template or a quick phrase, when, why, before and after.
CREATE TABLE console_content_history (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('template', 'phrase')),
    item       text NOT NULL,                  -- the template's category path, or the phrase's id
    before     jsonb,
    after      jsonb,
    reason     text,
    changed_by bigint REFERENCES users(id),
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- What the console filled in for a ticket, written in the ticket's own transaction: the call it came from, the
-- fields the agent confirmed (auto-fill: time, place, object, appeal, phones said aloud; district and street),
-- what auto-fill had proposed (to measure how often agents correct it), and the answers to the template's
-- questions.
CREATE TABLE ticket_intake_details (
    ticket_id        bigint PRIMARY KEY REFERENCES tickets(id),
    call_row_id      bigint REFERENCES cti_calls(id),
    fields           jsonb NOT NULL DEFAULT '{}',
    suggested        jsonb NOT NULL DEFAULT '{}',
    template_answers jsonb NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_intake_details_call_idx ON ticket_intake_details (call_row_id) WHERE call_row_id IS NOT NULL;

-- A repeat caller's contact added to an open ticket (催办 urge / 补充情况 supplement) instead of a second ticket;
-- (channel, external_id) makes it idempotent like intake. Its ticket_events row is `event_id`.
CREATE TABLE ticket_contacts (
    id          bigserial PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets(id),
    kind        text NOT NULL CHECK (kind IN ('urge', 'supplement')),
    channel     text NOT NULL CHECK (channel IN ('phone', 'web', 'app', 'wechat', 'letter', 'visit', '110', 'email')),
    external_id text NOT NULL,
    call_row_id bigint REFERENCES cti_calls(id),
    event_id    bigint NOT NULL REFERENCES ticket_events(id),
    created_by  bigint REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, external_id)
);
CREATE INDEX ticket_contacts_ticket_idx ON ticket_contacts (ticket_id, kind);
