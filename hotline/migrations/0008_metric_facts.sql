-- Metric facts: what a report would otherwise look up per event (was this first dispatch ever returned? was
-- this sign on time for its round?), stored once per dispatch, return and sign event. Triggers keep them in
-- step with ticket_events and tickets.sign_by inside the writer's own transaction, so no code path can forget.

CREATE TABLE metric_facts (
    -- derived rows without foreign keys: the triggers below own them, and bulk writes stay one pass
    event_id       bigint PRIMARY KEY,      -- its ticket_events row
    ticket_id      bigint NOT NULL,
    at             timestamptz NOT NULL,    -- the event's time
    action         text NOT NULL CHECK (action IN ('dispatch', 'return', 'sign')),
    department     text,                    -- dispatched to, or the department that returned / signed
    first_dispatch boolean NOT NULL,        -- a dispatch from `received` (a re-dispatch starts from `returned`)
    never_returned boolean,                 -- first dispatches: the ticket has no `return` event
    on_time        boolean                  -- signs: at or before that round's sign deadline
);
-- A report reads one period of facts from the index alone.
CREATE INDEX metric_facts_at_idx ON metric_facts (at)
    INCLUDE (action, department, first_dispatch, never_returned, on_time, ticket_id);
CREATE INDEX metric_facts_ticket_idx ON metric_facts (ticket_id);

-- The facts of these tickets, recomputed from their events: idempotent, so every trigger can simply call it.
CREATE FUNCTION refresh_metric_facts(ticket_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM metric_facts f
    WHERE f.ticket_id = ANY (ticket_ids)
      AND NOT EXISTS (SELECT 1 FROM ticket_events e
                      WHERE e.id = f.event_id AND e.action IN ('dispatch', 'return', 'sign'));
    INSERT INTO metric_facts AS f (event_id, ticket_id, at, action, department, first_dispatch, never_returned,
                                   on_time)
    SELECT e.id, e.ticket_id, e.created_at, e.action,
           CASE e.action WHEN 'dispatch' THEN e.data->>'department' ELSE e.actor_department END,
           e.action = 'dispatch' AND e.from_status = 'received',
           CASE WHEN e.action = 'dispatch' AND e.from_status = 'received' THEN NOT EXISTS (
               SELECT 1 FROM ticket_events r WHERE r.ticket_id = e.ticket_id AND r.action = 'return')
           END,
           -- A sign's deadline is the ticket's sign_by, unless a later 重办 replaced it: then the reopen
           -- event kept it as sign_by_before.
           CASE WHEN e.action = 'sign' THEN e.created_at <= coalesce((
               SELECT (r.data->>'sign_by_before')::timestamptz FROM ticket_events r
               WHERE r.ticket_id = e.ticket_id AND r.id > e.id AND r.action = 'reopen'
               ORDER BY r.id LIMIT 1), t.sign_by)
           END
    FROM ticket_events e
    JOIN tickets t ON t.id = e.ticket_id
    WHERE e.ticket_id = ANY (ticket_ids) AND e.action IN ('dispatch', 'return', 'sign')
    -- an upsert, so two writers refreshing one ticket both succeed and the later one's view stands
    ON CONFLICT (event_id) DO UPDATE
        SET ticket_id = excluded.ticket_id, at = excluded.at, action = excluded.action,
            department = excluded.department, first_dispatch = excluded.first_dispatch,
            never_returned = excluded.never_returned, on_time = excluded.on_time
        WHERE (f.ticket_id, f.at, f.action, f.department, f.first_dispatch, f.never_returned, f.on_time)
              IS DISTINCT FROM (excluded.ticket_id, excluded.at, excluded.action, excluded.department,
                                excluded.first_dispatch, excluded.never_returned, excluded.on_time);
$$;

-- Events arrive in statements of any size (one transition, or a bulk load): refresh their tickets once per
-- statement. Only dispatch, return, sign and reopen events change a fact.
CREATE FUNCTION metric_facts_follow_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_metric_facts(ARRAY(
            SELECT DISTINCT ticket_id FROM changed_events
            WHERE action IN ('dispatch', 'return', 'sign', 'reopen')));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_metric_facts(ARRAY(SELECT DISTINCT ticket_id FROM earlier_events));
    ELSE
        PERFORM refresh_metric_facts(ARRAY(
            SELECT ticket_id FROM changed_events UNION SELECT ticket_id FROM earlier_events));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER metric_facts_on_event_insert AFTER INSERT ON ticket_events
    REFERENCING NEW TABLE AS changed_events FOR EACH STATEMENT EXECUTE FUNCTION metric_facts_follow_events();
CREATE TRIGGER metric_facts_on_event_update AFTER UPDATE ON ticket_events
    REFERENCING OLD TABLE AS earlier_events NEW TABLE AS changed_events
    FOR EACH STATEMENT EXECUTE FUNCTION metric_facts_follow_events();
CREATE TRIGGER metric_facts_on_event_delete AFTER DELETE ON ticket_events
    REFERENCING OLD TABLE AS earlier_events FOR EACH STATEMENT EXECUTE FUNCTION metric_facts_follow_events();

-- A new sign deadline (dispatch, 重办) decides whether the round's signs are on time.
CREATE FUNCTION metric_facts_follow_sign_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_metric_facts(ARRAY[NEW.id]);
    RETURN NULL;
END
$$;

CREATE TRIGGER metric_facts_on_sign_by AFTER UPDATE OF sign_by ON tickets
    FOR EACH ROW WHEN (OLD.sign_by IS DISTINCT FROM NEW.sign_by) EXECUTE FUNCTION metric_facts_follow_sign_by();

-- The group a report puts a row in, in one place for every branch of every metrics query.
CREATE FUNCTION metric_group_key(group_by text, channel text, category_path text, district_code text,
                                 department text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE group_by
               WHEN 'channel' THEN channel
               WHEN 'category' THEN split_part(category_path, '/', 1)
               WHEN 'district' THEN district_code
               WHEN 'department' THEN department
           END
$$;

-- A report reads one period of callbacks from the index alone; the plain replied_at index it replaces served
-- nothing else.
CREATE INDEX callbacks_report_idx ON callbacks (replied_at)
    INCLUDE (department_code, ticket_id, reply_on_time, handling_started_at, status, resolved, satisfaction, review);
DROP INDEX callbacks_replied_idx;

-- Facts for the events already written.
SELECT refresh_metric_facts(ARRAY(SELECT DISTINCT ticket_id FROM ticket_events
                                  WHERE action IN ('dispatch', 'return', 'sign')));
