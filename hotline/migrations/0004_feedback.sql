-- 回访 callbacks: one task per reply, its outcome, the citizen's one-time link; indexes the metrics read.

CREATE TABLE callbacks (
    id                  bigserial PRIMARY KEY,
    ticket_id           bigint NOT NULL REFERENCES tickets(id),
    reply_event_id      bigint NOT NULL UNIQUE REFERENCES ticket_events(id),  -- the reply being evaluated
    -- the reply's facts, copied from the event log in the reply's transaction so a report reads one table
    department_code     text REFERENCES departments(code),                    -- the department that replied
    replied_at          timestamptz NOT NULL,                                 -- the reply event's time
    reply_on_time       boolean,                                              -- the reply event's on_time
    handling_started_at timestamptz,                  -- the round's last dispatch or reopen event before it
    due_at              timestamptz NOT NULL,
    status              text NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'done', 'not_callable')),
    attempts            smallint NOT NULL DEFAULT 0,
    reached             boolean,
    resolved            boolean,
    satisfaction        text CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    comment             text,
    not_callable_reason text CHECK (not_callable_reason IN (
                            'anonymous', 'no_number', 'refused', 'unreachable_after_retries')),
    answered_via        text CHECK (answered_via IN ('phone', 'link')),
    review              text CHECK (review IN ('reopened', 'appeal_upheld')),  -- the supervisor's decision
    token_hash          text UNIQUE,             -- sha256 of the citizen's one-time link; the token is never stored
    token_used_at       timestamptz,
    completed_by        bigint REFERENCES users(id),
    completed_at        timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'not_callable') = (not_callable_reason IS NOT NULL)),
    CHECK (status <> 'done' OR (reached AND resolved IS NOT NULL AND satisfaction IS NOT NULL))
);
CREATE UNIQUE INDEX callbacks_one_due_per_ticket ON callbacks (ticket_id) WHERE status = 'due';
CREATE INDEX callbacks_status_due_idx ON callbacks (status, due_at);
CREATE INDEX callbacks_ticket_idx ON callbacks (ticket_id, id);
CREATE INDEX callbacks_department_idx ON callbacks (department_code, status);
CREATE INDEX callbacks_replied_idx ON callbacks (replied_at);

CREATE INDEX supervision_orders_status_idx ON supervision_orders (status, department_code);
CREATE INDEX supervision_orders_ticket_idx ON supervision_orders (ticket_id);

-- A report reads one period of received tickets (ticket_events (action, created_at) serves the other actions),
-- and asks of each dispatch or sign whether its ticket was ever returned or later reopened.
CREATE INDEX tickets_created_idx ON tickets (created_at);
CREATE INDEX ticket_events_returned_idx ON ticket_events (ticket_id) WHERE action = 'return';
CREATE INDEX ticket_events_reopened_idx ON ticket_events (ticket_id, id) WHERE action = 'reopen';
