-- 督办单 loop: an order has its own answer deadline and level (1 一般督办, 2 重点督办, 3 挂牌督办); the department
-- answers (反馈), the supervisor closes (办结) or escalates it (升级: a level up, a new deadline, answered again).
-- An open order past its deadline escalates by itself: the row is its own durable timer, claimed by workers with
-- FOR UPDATE SKIP LOCKED; at the top level it is marked lapsed once instead.
ALTER TABLE supervision_orders ADD COLUMN level smallint NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 3);
ALTER TABLE supervision_orders ADD COLUMN due_at timestamptz;       -- null only on orders older than this loop
ALTER TABLE supervision_orders ADD COLUMN answer text;
ALTER TABLE supervision_orders ADD COLUMN answered_by bigint REFERENCES users(id);
ALTER TABLE supervision_orders ADD COLUMN escalated_at timestamptz;
ALTER TABLE supervision_orders ADD COLUMN lapsed_at timestamptz;    -- the top level's deadline passed unanswered
ALTER TABLE supervision_orders ADD COLUMN closed_at timestamptz;
ALTER TABLE supervision_orders ADD COLUMN closed_by bigint REFERENCES users(id);
ALTER TABLE supervision_orders ADD COLUMN close_note text;
-- Orders closed before this loop had no close time: theirs is unknown, so their answer time stands in.
UPDATE supervision_orders SET closed_at = coalesce(answered_at, created_at) WHERE status = 'closed';
UPDATE supervision_orders SET answer = '' WHERE status = 'answered' AND answer IS NULL;
ALTER TABLE supervision_orders ADD CONSTRAINT supervision_orders_answer_check
    CHECK (status <> 'answered' OR answer IS NOT NULL);
ALTER TABLE supervision_orders ADD CONSTRAINT supervision_orders_closed_check
    CHECK ((status = 'closed') = (closed_at IS NOT NULL));

CREATE INDEX supervision_orders_due_idx ON supervision_orders (due_at) WHERE status = 'open' AND lapsed_at IS NULL;

-- A new or moved deadline wakes the workers like a new timer does.
CREATE FUNCTION notify_supervision_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.due_at IS NOT NULL AND NEW.status = 'open' THEN
        PERFORM pg_notify('hotline_timers', NEW.due_at::text);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER supervision_orders_notify AFTER INSERT OR UPDATE OF due_at ON supervision_orders
    FOR EACH ROW EXECUTE FUNCTION notify_supervision_deadline();
