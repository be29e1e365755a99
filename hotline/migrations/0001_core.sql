-- The city, its people's accounts, intake and the ticket core with its event log.

CREATE TABLE districts (
    code        text PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    aliases     text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE streets (
    code          text PRIMARY KEY,
    district_code text NOT NULL REFERENCES districts(code),
    name          text NOT NULL,
    UNIQUE (district_code, name)
);

CREATE TABLE departments (
    code          text PRIMARY KEY,
    name          text NOT NULL,
    short_name    text,
    level         text NOT NULL CHECK (level IN ('city', 'district', 'street')),
    parent_code   text REFERENCES departments(code),
    district_code text REFERENCES districts(code),
    is_fallback   boolean NOT NULL DEFAULT false,
    phone         text,
    active        boolean NOT NULL DEFAULT true
);

CREATE TABLE categories (
    id        serial PRIMARY KEY,
    level     smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
    name      text NOT NULL,
    parent_id integer REFERENCES categories(id),
    path      text NOT NULL UNIQUE  -- '城乡建设/安全生产/事故处理'
);

CREATE TABLE users (
    id              bigserial PRIMARY KEY,
    username        text NOT NULL UNIQUE,
    password_hash   text NOT NULL,
    role            text NOT NULL CHECK (role IN ('agent', 'department', 'supervisor', 'admin')),
    department_code text REFERENCES departments(code),
    display_name    text,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'department') = (department_code IS NOT NULL))
);

CREATE SEQUENCE ticket_number_seq;

CREATE TABLE tickets (
    id                 bigserial PRIMARY KEY,
    ticket_number      text NOT NULL UNIQUE,
    channel            text NOT NULL CHECK (channel IN ('phone','web','app','wechat','letter','visit','110','email')),
    status             text NOT NULL DEFAULT 'received' CHECK (status IN (
                           'received','answered','dispatched','accepted','returned','replied',
                           'callback_done','reopened','closed','merged')),
    type               text CHECK (type IN ('consult','complaint','report','suggestion','help','praise')),
    urgency            text NOT NULL DEFAULT 'normal' CHECK (urgency IN ('emergency','urgent','normal')),
    category_path      text REFERENCES categories(path),
    title              text,
    content            text NOT NULL,           -- normalised text, personal data in clear
    content_masked     text NOT NULL,           -- the same text with personal data masked
    pii_kinds          text[] NOT NULL DEFAULT '{}',
    address            text,
    district_code      text REFERENCES districts(code),
    street_code        text REFERENCES streets(code),
    citizen_name       text,
    citizen_phone      text,
    citizen_id_number  text,
    anonymous          boolean NOT NULL DEFAULT false,
    confidential       boolean NOT NULL DEFAULT false,
    lead_department    text REFERENCES departments(code),
    sign_by            timestamptz,
    reply_by           timestamptz,
    original_reply_by  timestamptz,            -- before any extension; never overwritten
    merged_into        bigint REFERENCES tickets(id),
    received_at        timestamptz NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tickets_status_idx ON tickets (status, created_at DESC);
CREATE INDEX tickets_channel_idx ON tickets (channel, created_at DESC);
CREATE INDEX tickets_received_idx ON tickets (received_at DESC);
CREATE INDEX tickets_phone_idx ON tickets (citizen_phone) WHERE citizen_phone IS NOT NULL;

-- Every department a ticket was ever sent to; a department sees the tickets it holds a row for.
CREATE TABLE ticket_departments (
    ticket_id       bigint NOT NULL REFERENCES tickets(id),
    department_code text NOT NULL REFERENCES departments(code),
    role            text NOT NULL CHECK (role IN ('lead', 'co')),
    active          boolean NOT NULL DEFAULT true,
    assigned_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ticket_id, department_code)
);
CREATE INDEX ticket_departments_dept_idx ON ticket_departments (department_code, ticket_id);

-- One row per contact from any channel; the (channel, external_id) key makes intake idempotent.
CREATE TABLE submissions (
    id           bigserial PRIMARY KEY,
    channel      text NOT NULL,
    external_id  text NOT NULL,
    payload_hash text NOT NULL,
    ticket_id    bigint REFERENCES tickets(id),
    received_at  timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, external_id)
);
CREATE INDEX submissions_ticket_idx ON submissions (ticket_id);

-- The audit trail and the source of every metric: nothing changes on a ticket without a row here.
CREATE TABLE ticket_events (
    id              bigserial PRIMARY KEY,
    ticket_id       bigint NOT NULL REFERENCES tickets(id),
    action          text NOT NULL,
    from_status     text,
    to_status       text NOT NULL,
    actor_user_id   bigint REFERENCES users(id),
    actor_role      text NOT NULL,                 -- agent | department | supervisor | admin | public | system
    actor_department text REFERENCES departments(code),
    reason          text,
    data            jsonb NOT NULL DEFAULT '{}',   -- never holds personal data in clear
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);
CREATE INDEX ticket_events_action_idx ON ticket_events (action, created_at);
