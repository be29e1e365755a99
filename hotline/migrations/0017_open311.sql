-- Open311 GeoReport v2: the questions each category asks (service definitions here, the agent console later),
-- the API keys of outside systems, and what each outside system filed (its retries return the first ticket).

-- A category's question template: ordered questions, each {code, description, datatype, required,
-- datatype_description, values: [{key, name}]}, validated by hotline.category_templates.schemas on the way in.
-- A category without a row uses its nearest ancestor's template.
CREATE TABLE category_templates (
    category_path text PRIMARY KEY REFERENCES categories(path),
    questions     jsonb NOT NULL CHECK (jsonb_typeof(questions) = 'array'),
    updated_by    bigint REFERENCES users(id),           -- NULL: the seed file
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One key per outside system. Only the key's SHA-256 is kept (keys are 256-bit random, so a fast hash is
-- enough); the key itself is shown once, when it is made. Who made it and who disabled it, when and why, stay.
CREATE TABLE open311_keys (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    note            text,
    key_hash        text NOT NULL UNIQUE,
    key_prefix      text NOT NULL,                       -- the first characters, to recognise a key in a list
    created_by      bigint REFERENCES users(id),         -- NULL: made with `hotline open311 key`
    created_at      timestamptz NOT NULL DEFAULT now(),
    disabled_at     timestamptz,
    disabled_by     bigint REFERENCES users(id),
    disabled_reason text,
    CHECK ((disabled_at IS NULL) = (disabled_reason IS NULL))
);

-- Which outside system delivered a contact (any channel's gateway may set it; Open311 sets the key's name).
ALTER TABLE submissions ADD COLUMN source_system text;

-- What an outside system filed through Open311, written in the ticket's own transaction. A retry (same key,
-- same request_digest) within the idempotency window is answered with this row's ticket and token.
CREATE TABLE open311_requests (
    ticket_id      bigint PRIMARY KEY REFERENCES tickets(id),
    key_id         bigint NOT NULL REFERENCES open311_keys(id),
    request_digest text NOT NULL,
    token          text NOT NULL UNIQUE,
    service_code   text NOT NULL,
    attributes     jsonb NOT NULL DEFAULT '{}',
    lat            double precision CHECK (lat BETWEEN -90 AND 90),
    long           double precision CHECK (long BETWEEN -180 AND 180),
    address_id     text,
    media_url      text,
    email          text,                                 -- personal data: never shown by any Open311 read
    device_id      text,
    account_id     text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open311_requests_retry_idx ON open311_requests (key_id, request_digest, created_at DESC);
