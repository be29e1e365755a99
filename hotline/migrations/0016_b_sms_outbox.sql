-- SMS to citizens (callback links, notices): written in the transaction of what causes them, sent by workers
-- through the configured gateway with retries, so a gateway that is down loses nothing. A message is claimed
-- with FOR UPDATE SKIP LOCKED (one sender at a time) and its id goes to the gateway as the idempotency key.
CREATE TABLE sms_outbox (
    id                  bigserial PRIMARY KEY,
    ticket_id           bigint REFERENCES tickets(id),
    template            text NOT NULL CHECK (template IN ('ticket_received', 'ticket_replied', 'callback_link')),
    params              jsonb NOT NULL DEFAULT '{}',  -- the template's variables (a template gateway sends these)
    recipient           text NOT NULL,                -- for the gateway only: staff are shown recipient_masked
    recipient_masked    text NOT NULL,
    body                text NOT NULL,                -- the rendered text; a link's token is blanked once sent
    status              text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts            smallint NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    last_error          text,
    provider_message_id text,
    created_by          bigint REFERENCES users(id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz,
    failed_at           timestamptz,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CHECK ((status = 'failed') = (failed_at IS NOT NULL))
);
CREATE INDEX sms_outbox_due_idx ON sms_outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX sms_outbox_recent_idx ON sms_outbox (created_at DESC, id DESC);
CREATE INDEX sms_outbox_ticket_idx ON sms_outbox (ticket_id);

-- A new message wakes the workers like a new timer does.
CREATE FUNCTION notify_sms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hotline_timers', NEW.next_attempt_at::text);
    RETURN NEW;
END $$;
CREATE TRIGGER sms_outbox_notify AFTER INSERT ON sms_outbox FOR EACH ROW EXECUTE FUNCTION notify_sms();
