-- Two queues in the timers table: SLA clocks (sign/reply warnings and overdue, callback overdue) and deferred
-- enrichment. A worker fires SLA timers in batches and enriches tickets one at a time beside them, so a backlog
-- of enrichment never delays a deadline. An enrichment job is leased (due_at moves to the lease's end) and
-- counts its attempts; a failing one is retried later with backoff and its last error kept.
ALTER TABLE timers ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE timers ADD COLUMN last_error text;

DROP INDEX timers_pending_idx;
CREATE INDEX timers_sla_pending_idx ON timers (due_at)
    WHERE fired_at IS NULL AND cancelled_at IS NULL AND kind <> 'enrich';
CREATE INDEX timers_enrich_pending_idx ON timers (due_at)
    WHERE fired_at IS NULL AND cancelled_at IS NULL AND kind = 'enrich';

-- Each queue wakes its own loop: a burst of new tickets does not wake the SLA loop, nor a new deadline the other.
CREATE OR REPLACE FUNCTION notify_timer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(CASE WHEN NEW.kind = 'enrich' THEN 'hotline_enrich' ELSE 'hotline_timers' END,
                      NEW.due_at::text);
    RETURN NEW;
END $$;
