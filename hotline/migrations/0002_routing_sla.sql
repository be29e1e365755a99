-- Model suggestions, extensions, durable timers, supervision orders.
-- Routing rules and time-limit policies are reviewable seed files (hotline/seeds/duty_list.yaml, sla_policies.yaml).

CREATE TABLE classification_suggestions (
    id            bigserial PRIMARY KEY,
    ticket_id     bigint NOT NULL REFERENCES tickets(id),
    head          text NOT NULL CHECK (head IN ('type', 'category', 'urgency')),
    label         text NOT NULL,
    confidence    real NOT NULL,
    top3          jsonb NOT NULL,
    abstain       boolean NOT NULL,
    model_version text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX classification_suggestions_ticket_idx ON classification_suggestions (ticket_id);

-- Every department suggestion with its reasons; the dispatch event holds the final choice.
CREATE TABLE routing_suggestions (
    id              bigserial PRIMARY KEY,
    ticket_id       bigint NOT NULL REFERENCES tickets(id),
    rank            smallint NOT NULL,
    department_code text NOT NULL REFERENCES departments(code),
    score           real NOT NULL,
    reasons         jsonb NOT NULL,
    model_version   text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routing_suggestions_ticket_idx ON routing_suggestions (ticket_id);

CREATE TABLE extension_requests (
    id               bigserial PRIMARY KEY,
    ticket_id        bigint NOT NULL REFERENCES tickets(id),
    department_code  text NOT NULL REFERENCES departments(code),
    working_days     integer NOT NULL CHECK (working_days BETWEEN 1 AND 30),
    reason           text NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by     bigint REFERENCES users(id),
    decided_by       bigint REFERENCES users(id),
    decision_note    text,
    reply_by_before  timestamptz,
    reply_by_after   timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    decided_at       timestamptz
);
CREATE UNIQUE INDEX extension_requests_one_pending ON extension_requests (ticket_id) WHERE status = 'pending';

-- Durable timers: claimed with FOR UPDATE SKIP LOCKED, fired exactly once inside the claiming transaction.
CREATE TABLE timers (
    id           bigserial PRIMARY KEY,
    ticket_id    bigint NOT NULL REFERENCES tickets(id),
    kind         text NOT NULL CHECK (kind IN ('sign_warning', 'sign_overdue', 'reply_warning', 'reply_overdue',
                                               'callback_overdue', 'enrich')),
    due_at       timestamptz NOT NULL,
    fired_at     timestamptz,
    fired_by     text,
    cancelled_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX timers_pending_idx ON timers (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX timers_ticket_idx ON timers (ticket_id);

CREATE FUNCTION notify_timer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hotline_timers', NEW.due_at::text);
    RETURN NEW;
END $$;
CREATE TRIGGER timers_notify AFTER INSERT ON timers FOR EACH ROW EXECUTE FUNCTION notify_timer();

-- 督办单: issued by a supervisor or by an overdue timer to the late department.
CREATE TABLE supervision_orders (
    id              bigserial PRIMARY KEY,
    ticket_id       bigint NOT NULL REFERENCES tickets(id),
    department_code text NOT NULL REFERENCES departments(code),
    cause           text NOT NULL CHECK (cause IN ('sign_overdue', 'reply_overdue', 'unsatisfied', 'manual')),
    note            text,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
    issued_by       bigint REFERENCES users(id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    answered_at     timestamptz
);
CREATE UNIQUE INDEX supervision_orders_one_per_cause
    ON supervision_orders (ticket_id, department_code, cause) WHERE cause <> 'manual';
