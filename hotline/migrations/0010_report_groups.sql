-- A report grouped by the ticket's channel, category or district read every fact's and callback's ticket:
-- a hash join over all tickets (over 1 s at a million). Each fact and callback now carries copies of the three,
-- kept in step by triggers in the writer's own transaction, so a report reads one period's index range alone.

ALTER TABLE metric_facts
    ADD COLUMN channel text,
    ADD COLUMN category_path text,
    ADD COLUMN district_code text;
ALTER TABLE callbacks  -- "ticket_" because a callback has a channel of its own (answered_via)
    ADD COLUMN ticket_channel text,
    ADD COLUMN ticket_category_path text,
    ADD COLUMN ticket_district_code text;

-- As in 0008, plus the ticket's groups.
CREATE OR REPLACE FUNCTION refresh_metric_facts(ticket_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM metric_facts f
    WHERE f.ticket_id = ANY (ticket_ids)
      AND NOT EXISTS (SELECT 1 FROM ticket_events e
                      WHERE e.id = f.event_id AND e.action IN ('dispatch', 'return', 'sign'));
    INSERT INTO metric_facts AS f (event_id, ticket_id, at, action, department, first_dispatch, never_returned,
                                   on_time, channel, category_path, district_code)
    SELECT e.id, e.ticket_id, e.created_at, e.action,
           CASE e.action WHEN 'dispatch' THEN e.data->>'department' ELSE e.actor_department END,
           e.action = 'dispatch' AND e.from_status = 'received',
           CASE WHEN e.action = 'dispatch' AND e.from_status = 'received' THEN NOT EXISTS (
               SELECT 1 FROM ticket_events r WHERE r.ticket_id = e.ticket_id AND r.action = 'return')
           END,
           CASE WHEN e.action = 'sign' THEN e.created_at <= coalesce((
               SELECT (r.data->>'sign_by_before')::timestamptz FROM ticket_events r
               WHERE r.ticket_id = e.ticket_id AND r.id > e.id AND r.action = 'reopen'
               ORDER BY r.id LIMIT 1), t.sign_by)
           END,
           t.channel, t.category_path, t.district_code
    FROM ticket_events e
    JOIN tickets t ON t.id = e.ticket_id
    WHERE e.ticket_id = ANY (ticket_ids) AND e.action IN ('dispatch', 'return', 'sign')
    ON CONFLICT (event_id) DO UPDATE
        SET ticket_id = excluded.ticket_id, at = excluded.at, action = excluded.action,
            department = excluded.department, first_dispatch = excluded.first_dispatch,
            never_returned = excluded.never_returned, on_time = excluded.on_time, channel = excluded.channel,
            category_path = excluded.category_path, district_code = excluded.district_code
        WHERE (f.ticket_id, f.at, f.action, f.department, f.first_dispatch, f.never_returned, f.on_time,
               f.channel, f.category_path, f.district_code)
              IS DISTINCT FROM (excluded.ticket_id, excluded.at, excluded.action, excluded.department,
                                excluded.first_dispatch, excluded.never_returned, excluded.on_time,
                                excluded.channel, excluded.category_path, excluded.district_code);
$$;

-- A callback is written in its reply's transaction: it takes the ticket's groups then.
CREATE FUNCTION callbacks_take_ticket_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT t.channel, t.category_path, t.district_code
    INTO NEW.ticket_channel, NEW.ticket_category_path, NEW.ticket_district_code
    FROM tickets t WHERE t.id = NEW.ticket_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER callbacks_take_ticket_groups BEFORE INSERT ON callbacks
    FOR EACH ROW EXECUTE FUNCTION callbacks_take_ticket_groups();

-- A re-classified or re-located ticket moves its facts and callbacks to the new group. Every transition locks
-- the ticket row first, so this update and a concurrent fact refresh see each other's committed work.
CREATE FUNCTION report_groups_follow_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE metric_facts
    SET channel = NEW.channel, category_path = NEW.category_path, district_code = NEW.district_code
    WHERE ticket_id = NEW.id;
    UPDATE callbacks
    SET ticket_channel = NEW.channel, ticket_category_path = NEW.category_path,
        ticket_district_code = NEW.district_code
    WHERE ticket_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER report_groups_on_ticket AFTER UPDATE OF channel, category_path, district_code ON tickets
    FOR EACH ROW
    WHEN ((OLD.channel, OLD.category_path, OLD.district_code)
          IS DISTINCT FROM (NEW.channel, NEW.category_path, NEW.district_code))
    EXECUTE FUNCTION report_groups_follow_ticket();

-- The groups already written.
UPDATE metric_facts f SET channel = t.channel, category_path = t.category_path, district_code = t.district_code
FROM tickets t WHERE t.id = f.ticket_id;
UPDATE callbacks c
SET ticket_channel = t.channel, ticket_category_path = t.category_path, ticket_district_code = t.district_code
FROM tickets t WHERE t.id = c.ticket_id;

-- The report's index-only range scans now cover the groups too.
DROP INDEX metric_facts_at_idx;
CREATE INDEX metric_facts_at_idx ON metric_facts (at)
    INCLUDE (action, department, first_dispatch, never_returned, on_time, ticket_id, channel, category_path,
             district_code);
DROP INDEX callbacks_report_idx;
CREATE INDEX callbacks_report_idx ON callbacks (replied_at)
    INCLUDE (department_code, ticket_id, reply_on_time, handling_started_at, status, resolved, satisfaction, review,
             ticket_channel, ticket_category_path, ticket_district_code);
