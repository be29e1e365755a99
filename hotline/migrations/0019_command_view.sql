-- The command view at any scale: daily rollups of every count its tiles, trends, map and rankings read, kept by
-- triggers in the writer's own transaction (as metric_facts are), plus three facts those counts need that nothing
-- stored yet: an online contact's first response, the outcome of each dispatch's sign clock, and whether a fact or
-- callback belongs to a 举报 (public figures leave 举报 out). Definitions: feedback/definitions.py.

-- 1. The new facts.

-- The first staff action after `receive` (classify, answer, dispatch, merge, ...): GB/T 33358 asks online contacts
-- to get a response within 3 minutes. Kept for online channels only (a call is answered by being taken).
ALTER TABLE tickets ADD COLUMN first_response_at timestamptz;
-- A dispatch's sign clock ended: on_time / late (signed), returned (退单), withdrawn (merged away); NULL: open.
ALTER TABLE metric_facts ADD COLUMN sign_outcome text CHECK (sign_outcome IN ('on_time', 'late', 'returned', 'withdrawn'));
ALTER TABLE metric_facts ADD COLUMN report boolean NOT NULL DEFAULT false;
ALTER TABLE callbacks ADD COLUMN ticket_report boolean NOT NULL DEFAULT false;

CREATE FUNCTION refresh_first_responses(ticket_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE tickets t SET first_response_at = fr.at
    FROM (SELECT o.id, (SELECT min(e.created_at) FROM ticket_events e
                        WHERE e.ticket_id = o.id AND e.action <> 'receive'
                          AND e.actor_role IN ('agent', 'supervisor', 'admin')) AS at
          FROM tickets o
          WHERE o.id = ANY (ticket_ids) AND o.channel IN ('web', 'app', 'wechat', 'email')) fr
    WHERE t.id = fr.id AND t.first_response_at IS DISTINCT FROM fr.at;
$$;

CREATE FUNCTION first_responses_follow_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- only a staff event can be a first response, and only one earlier than the one known
        PERFORM refresh_first_responses(ARRAY(
            SELECT DISTINCT n.ticket_id FROM changed_events n JOIN tickets t ON t.id = n.ticket_id
            WHERE n.action <> 'receive' AND n.actor_role IN ('agent', 'supervisor', 'admin')
              AND t.channel IN ('web', 'app', 'wechat', 'email')
              AND (t.first_response_at IS NULL OR t.first_response_at > n.created_at)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_first_responses(ARRAY(SELECT DISTINCT ticket_id FROM earlier_events));
    ELSE
        PERFORM refresh_first_responses(ARRAY(
            SELECT ticket_id FROM changed_events UNION SELECT ticket_id FROM earlier_events));
    END IF;
    RETURN NULL;
END
$$;

-- A sign's deadline (0008): the ticket's sign_by, unless a later 重办 replaced it, which kept it as sign_by_before.
CREATE FUNCTION metric_sign_deadline(ticket bigint, sign_event bigint, sign_by timestamptz) RETURNS timestamptz
    LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT (r.data->>'sign_by_before')::timestamptz FROM ticket_events r
                     WHERE r.ticket_id = ticket AND r.id > sign_event AND r.action = 'reopen'
                     ORDER BY r.id LIMIT 1), sign_by)
$$;

-- As in 0010, plus each dispatch's sign outcome and the 举报 flag.
CREATE OR REPLACE FUNCTION refresh_metric_facts(ticket_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM metric_facts f
    WHERE f.ticket_id = ANY (ticket_ids)
      AND NOT EXISTS (SELECT 1 FROM ticket_events e
                      WHERE e.id = f.event_id AND e.action IN ('dispatch', 'return', 'sign'));
    INSERT INTO metric_facts AS f (event_id, ticket_id, at, action, department, first_dispatch, never_returned,
                                   on_time, channel, category_path, district_code, sign_outcome, report)
    SELECT e.id, e.ticket_id, e.created_at, e.action,
           CASE e.action WHEN 'dispatch' THEN e.data->>'department' ELSE e.actor_department END,
           e.action = 'dispatch' AND e.from_status = 'received',
           CASE WHEN e.action = 'dispatch' AND e.from_status = 'received' THEN NOT EXISTS (
               SELECT 1 FROM ticket_events r WHERE r.ticket_id = e.ticket_id AND r.action = 'return')
           END,
           CASE WHEN e.action = 'sign' THEN e.created_at <= metric_sign_deadline(e.ticket_id, e.id, t.sign_by) END,
           t.channel, t.category_path, t.district_code,
           -- a dispatch's clock ends at the next sign, return or merge
           CASE WHEN e.action = 'dispatch' THEN (
               SELECT CASE n.action
                          WHEN 'return' THEN 'returned'
                          WHEN 'merge' THEN 'withdrawn'
                          ELSE CASE WHEN n.created_at <= metric_sign_deadline(n.ticket_id, n.id, t.sign_by)
                                    THEN 'on_time' ELSE 'late' END
                      END
               FROM ticket_events n
               WHERE n.ticket_id = e.ticket_id AND n.id > e.id AND n.action IN ('sign', 'return', 'merge')
               ORDER BY n.id LIMIT 1)
           END,
           t.type IS NOT DISTINCT FROM 'report'
    FROM ticket_events e
    JOIN tickets t ON t.id = e.ticket_id
    WHERE e.ticket_id = ANY (ticket_ids) AND e.action IN ('dispatch', 'return', 'sign')
    ON CONFLICT (event_id) DO UPDATE
        SET ticket_id = excluded.ticket_id, at = excluded.at, action = excluded.action,
            department = excluded.department, first_dispatch = excluded.first_dispatch,
            never_returned = excluded.never_returned, on_time = excluded.on_time, channel = excluded.channel,
            category_path = excluded.category_path, district_code = excluded.district_code,
            sign_outcome = excluded.sign_outcome, report = excluded.report
        WHERE (f.ticket_id, f.at, f.action, f.department, f.first_dispatch, f.never_returned, f.on_time,
               f.channel, f.category_path, f.district_code, f.sign_outcome, f.report)
              IS DISTINCT FROM (excluded.ticket_id, excluded.at, excluded.action, excluded.department,
                                excluded.first_dispatch, excluded.never_returned, excluded.on_time,
                                excluded.channel, excluded.category_path, excluded.district_code,
                                excluded.sign_outcome, excluded.report);
$$;

-- A merge ends a dispatch's clock too.
CREATE OR REPLACE FUNCTION metric_facts_follow_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_metric_facts(ARRAY(
            SELECT DISTINCT ticket_id FROM changed_events
            WHERE action IN ('dispatch', 'return', 'sign', 'reopen', 'merge')));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_metric_facts(ARRAY(SELECT DISTINCT ticket_id FROM earlier_events));
    ELSE
        PERFORM refresh_metric_facts(ARRAY(
            SELECT ticket_id FROM changed_events UNION SELECT ticket_id FROM earlier_events));
    END IF;
    RETURN NULL;
END
$$;

-- As in 0010, plus the 举报 flag: a callback takes its ticket's groups when written...
CREATE OR REPLACE FUNCTION callbacks_take_ticket_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT t.channel, t.category_path, t.district_code, t.type IS NOT DISTINCT FROM 'report'
    INTO NEW.ticket_channel, NEW.ticket_category_path, NEW.ticket_district_code, NEW.ticket_report
    FROM tickets t WHERE t.id = NEW.ticket_id;
    RETURN NEW;
END
$$;

-- ...and facts and callbacks follow a ticket re-classified, re-located or re-typed.
CREATE OR REPLACE FUNCTION report_groups_follow_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE metric_facts
    SET channel = NEW.channel, category_path = NEW.category_path, district_code = NEW.district_code,
        report = NEW.type IS NOT DISTINCT FROM 'report'
    WHERE ticket_id = NEW.id;
    UPDATE callbacks
    SET ticket_channel = NEW.channel, ticket_category_path = NEW.category_path,
        ticket_district_code = NEW.district_code, ticket_report = NEW.type IS NOT DISTINCT FROM 'report'
    WHERE ticket_id = NEW.id;
    RETURN NULL;
END
$$;

DROP TRIGGER report_groups_on_ticket ON tickets;
CREATE TRIGGER report_groups_on_ticket AFTER UPDATE OF channel, category_path, district_code, type ON tickets
    FOR EACH ROW
    WHEN ((OLD.channel, OLD.category_path, OLD.district_code, OLD.type)
          IS DISTINCT FROM (NEW.channel, NEW.category_path, NEW.district_code, NEW.type))
    EXECUTE FUNCTION report_groups_follow_ticket();

-- A dispatch's clock ends at its ticket's next sign, return or merge (refresh_metric_facts): this index finds it
-- whatever the statistics say (with stale ones, as after a bulk load, the planner intersected every sign of the
-- table for each dispatch).
CREATE INDEX ticket_events_clock_end_idx ON ticket_events (ticket_id, id) WHERE action IN ('sign', 'return', 'merge');

-- The new facts for what is already written.
SELECT refresh_first_responses(ARRAY(SELECT id FROM tickets WHERE channel IN ('web', 'app', 'wechat', 'email')));
SELECT refresh_metric_facts(ARRAY(SELECT DISTINCT ticket_id FROM metric_facts));
UPDATE callbacks c SET ticket_report = true FROM tickets t WHERE t.id = c.ticket_id AND t.type = 'report';

CREATE TRIGGER first_responses_on_event_insert AFTER INSERT ON ticket_events
    REFERENCING NEW TABLE AS changed_events FOR EACH STATEMENT EXECUTE FUNCTION first_responses_follow_events();
CREATE TRIGGER first_responses_on_event_update AFTER UPDATE ON ticket_events
    REFERENCING OLD TABLE AS earlier_events NEW TABLE AS changed_events
    FOR EACH STATEMENT EXECUTE FUNCTION first_responses_follow_events();
CREATE TRIGGER first_responses_on_event_delete AFTER DELETE ON ticket_events
    REFERENCING OLD TABLE AS earlier_events FOR EACH STATEMENT EXECUTE FUNCTION first_responses_follow_events();


-- 2. The rollup: one row per local day and key, in three grains: 'area' (district x channel x level-1 category),
-- 'department' and 'street' (district x street; contacts only). `report` keeps 举报 apart.
CREATE TABLE metric_rollup (
    day           date NOT NULL,  -- the local (Asia/Shanghai) day of the cohort's time
    grain         text NOT NULL CHECK (grain IN ('area', 'department', 'street')),
    district_code text,
    channel       text,
    category      text,           -- level-1 category name
    department    text,
    street_code   text,
    report        boolean NOT NULL,
    contacts bigint NOT NULL DEFAULT 0,
    repeat_contacts bigint NOT NULL DEFAULT 0,
    consultations bigint NOT NULL DEFAULT 0,
    direct_answers bigint NOT NULL DEFAULT 0,
    online_contacts bigint NOT NULL DEFAULT 0,
    online_responded bigint NOT NULL DEFAULT 0,
    online_on_time bigint NOT NULL DEFAULT 0,
    online_response_s bigint NOT NULL DEFAULT 0,
    dispatches bigint NOT NULL DEFAULT 0,
    first_dispatches bigint NOT NULL DEFAULT 0,
    first_dispatches_kept bigint NOT NULL DEFAULT 0,
    returns bigint NOT NULL DEFAULT 0,
    signs bigint NOT NULL DEFAULT 0,
    signs_on_time bigint NOT NULL DEFAULT 0,
    rounds bigint NOT NULL DEFAULT 0,
    rounds_on_time bigint NOT NULL DEFAULT 0,
    rounds_open bigint NOT NULL DEFAULT 0,
    replies bigint NOT NULL DEFAULT 0,
    replies_on_time bigint NOT NULL DEFAULT 0,
    handled bigint NOT NULL DEFAULT 0,
    handling_s bigint NOT NULL DEFAULT 0,
    callbacks_done bigint NOT NULL DEFAULT 0,
    not_callable bigint NOT NULL DEFAULT 0,
    callbacks_pending bigint NOT NULL DEFAULT 0,
    satisfied bigint NOT NULL DEFAULT 0,
    resolved bigint NOT NULL DEFAULT 0,
    reopened bigint NOT NULL DEFAULT 0,
    appeals_upheld bigint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX metric_rollup_key ON metric_rollup
    (grain, day, district_code, channel, category, department, street_code, report) NULLS NOT DISTINCT;

-- Writers append deltas here instead of updating shared rollup rows, so two writers never wait for each other on
-- a hot row (today's count for a busy channel); now and then a writer folds them into metric_rollup. Readers sum
-- both (metric_rollup_current).
CREATE TABLE metric_rollup_deltas (LIKE metric_rollup INCLUDING DEFAULTS);
CREATE VIEW metric_rollup_current AS
    SELECT * FROM metric_rollup UNION ALL SELECT * FROM metric_rollup_deltas;

CREATE FUNCTION metric_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (at AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- What one row adds to the rollup (s = 1) or takes back (s = -1), per grain.
CREATE FUNCTION ticket_rollup_rows(t tickets, s integer) RETURNS SETOF metric_rollup LANGUAGE sql IMMUTABLE AS $$
    SELECT metric_day(t.created_at), g.grain,
           CASE WHEN g.grain <> 'department' THEN t.district_code END,
           CASE WHEN g.grain = 'area' THEN t.channel END,
           CASE WHEN g.grain = 'area' THEN split_part(t.category_path, '/', 1) END,
           CASE WHEN g.grain = 'department' THEN t.lead_department END,
           CASE WHEN g.grain = 'street' THEN t.street_code END,
           t.type IS NOT DISTINCT FROM 'report',
           (s)::bigint,
           (s * (t.merged_into IS NOT NULL)::int)::bigint,
           (s * (t.type IS NOT DISTINCT FROM 'consult')::int)::bigint,
           (s * (t.type IS NOT DISTINCT FROM 'consult' AND t.status = 'answered')::int)::bigint,
           (s * (t.channel IN ('web', 'app', 'wechat', 'email'))::int)::bigint,
           (s * (t.channel IN ('web', 'app', 'wechat', 'email') AND t.first_response_at IS NOT NULL)::int)::bigint,
           (s * coalesce(t.channel IN ('web', 'app', 'wechat', 'email') AND t.first_response_at <= t.created_at + interval '3 minutes', false)::int)::bigint,
           (s * CASE WHEN t.channel IN ('web', 'app', 'wechat', 'email') THEN coalesce(greatest(0, round(extract(epoch FROM t.first_response_at - t.created_at))), 0) ELSE 0 END)::bigint,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0
    FROM (VALUES ('area'), ('department'), ('street')) g (grain)
    WHERE g.grain <> 'street' OR t.street_code IS NOT NULL
$$;

CREATE FUNCTION fact_rollup_rows(f metric_facts, s integer) RETURNS SETOF metric_rollup LANGUAGE sql IMMUTABLE AS $$
    SELECT metric_day(f.at), g.grain,
           CASE WHEN g.grain = 'area' THEN f.district_code END,
           CASE WHEN g.grain = 'area' THEN f.channel END,
           CASE WHEN g.grain = 'area' THEN split_part(f.category_path, '/', 1) END,
           CASE WHEN g.grain = 'department' THEN f.department END,
           NULL::text,
           f.report,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           (s * (f.action = 'dispatch')::int)::bigint,
           (s * f.first_dispatch::int)::bigint,
           (s * coalesce(f.first_dispatch AND f.never_returned, false)::int)::bigint,
           (s * (f.action = 'return')::int)::bigint,
           (s * (f.action = 'sign')::int)::bigint,
           (s * coalesce(f.action = 'sign' AND f.on_time, false)::int)::bigint,
           (s * (f.action = 'dispatch' AND f.sign_outcome IS DISTINCT FROM 'returned' AND f.sign_outcome IS DISTINCT FROM 'withdrawn')::int)::bigint,
           (s * (f.action = 'dispatch' AND f.sign_outcome IS NOT DISTINCT FROM 'on_time')::int)::bigint,
           (s * (f.action = 'dispatch' AND f.sign_outcome IS NULL)::int)::bigint,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0
    FROM (VALUES ('area'), ('department')) g (grain)
$$;

CREATE FUNCTION callback_rollup_rows(c callbacks, s integer) RETURNS SETOF metric_rollup LANGUAGE sql IMMUTABLE AS $$
    SELECT metric_day(c.replied_at), g.grain,
           CASE WHEN g.grain = 'area' THEN c.ticket_district_code END,
           CASE WHEN g.grain = 'area' THEN c.ticket_channel END,
           CASE WHEN g.grain = 'area' THEN split_part(c.ticket_category_path, '/', 1) END,
           CASE WHEN g.grain = 'department' THEN c.department_code END,
           NULL::text,
           c.ticket_report,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           0,
           (s)::bigint,
           (s * coalesce(c.reply_on_time, false)::int)::bigint,
           (s * (c.handling_started_at IS NOT NULL)::int)::bigint,
           (s * coalesce(round(extract(epoch FROM c.replied_at - c.handling_started_at)), 0))::bigint,
           (s * (c.status = 'done')::int)::bigint,
           (s * (c.status = 'not_callable')::int)::bigint,
           (s * (c.status = 'due')::int)::bigint,
           (s * (c.status = 'done' AND c.satisfaction IN ('satisfied', 'basically_satisfied'))::int)::bigint,
           (s * coalesce(c.status = 'done' AND c.resolved, false)::int)::bigint,
           (s * (c.review IS NOT DISTINCT FROM 'reopened')::int)::bigint,
           (s * (c.review IS NOT DISTINCT FROM 'appeal_upheld')::int)::bigint
    FROM (VALUES ('area'), ('department')) g (grain)
$$;

-- Every source row's contribution, grouped: what the rollup must hold (the tests and the bench compare).
CREATE VIEW metric_rollup_expected AS
SELECT c.day, c.grain, c.district_code, c.channel, c.category, c.department, c.street_code, c.report,
       sum(c.contacts) AS contacts, sum(c.repeat_contacts) AS repeat_contacts, sum(c.consultations) AS
           consultations, sum(c.direct_answers) AS direct_answers, sum(c.online_contacts) AS online_contacts,
           sum(c.online_responded) AS online_responded, sum(c.online_on_time) AS online_on_time,
           sum(c.online_response_s) AS online_response_s, sum(c.dispatches) AS dispatches,
           sum(c.first_dispatches) AS first_dispatches, sum(c.first_dispatches_kept) AS first_dispatches_kept,
           sum(c.returns) AS returns, sum(c.signs) AS signs, sum(c.signs_on_time) AS signs_on_time,
           sum(c.rounds) AS rounds, sum(c.rounds_on_time) AS rounds_on_time, sum(c.rounds_open) AS rounds_open,
           sum(c.replies) AS replies, sum(c.replies_on_time) AS replies_on_time, sum(c.handled) AS handled,
           sum(c.handling_s) AS handling_s, sum(c.callbacks_done) AS callbacks_done, sum(c.not_callable) AS
           not_callable, sum(c.callbacks_pending) AS callbacks_pending, sum(c.satisfied) AS satisfied,
           sum(c.resolved) AS resolved, sum(c.reopened) AS reopened, sum(c.appeals_upheld) AS appeals_upheld
FROM (SELECT r.* FROM tickets t, ticket_rollup_rows(t, 1) r
      UNION ALL SELECT r.* FROM metric_facts f, fact_rollup_rows(f, 1) r
      UNION ALL SELECT r.* FROM callbacks cb, callback_rollup_rows(cb, 1) r) c
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

-- Moves the deltas every writer can see into metric_rollup, in this transaction. One folder at a time (others
-- skip); a writer in a repeatable-read or serializable transaction never folds, so no folder can trip over rows
-- another one already moved.
CREATE FUNCTION fold_metric_rollup() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed'
       OR NOT pg_try_advisory_xact_lock(hashtext('metric_rollup_fold')) THEN
        RETURN 0;
    END IF;
    WITH moved AS (DELETE FROM metric_rollup_deltas RETURNING *)
    INSERT INTO metric_rollup AS r
    SELECT c.day, c.grain, c.district_code, c.channel, c.category, c.department, c.street_code, c.report,
           sum(c.contacts) AS contacts, sum(c.repeat_contacts) AS repeat_contacts, sum(c.consultations) AS
           consultations, sum(c.direct_answers) AS direct_answers, sum(c.online_contacts) AS online_contacts,
           sum(c.online_responded) AS online_responded, sum(c.online_on_time) AS online_on_time,
           sum(c.online_response_s) AS online_response_s, sum(c.dispatches) AS dispatches,
           sum(c.first_dispatches) AS first_dispatches, sum(c.first_dispatches_kept) AS first_dispatches_kept,
           sum(c.returns) AS returns, sum(c.signs) AS signs, sum(c.signs_on_time) AS signs_on_time,
           sum(c.rounds) AS rounds, sum(c.rounds_on_time) AS rounds_on_time, sum(c.rounds_open) AS rounds_open,
           sum(c.replies) AS replies, sum(c.replies_on_time) AS replies_on_time, sum(c.handled) AS handled,
           sum(c.handling_s) AS handling_s, sum(c.callbacks_done) AS callbacks_done, sum(c.not_callable) AS
           not_callable, sum(c.callbacks_pending) AS callbacks_pending, sum(c.satisfied) AS satisfied,
           sum(c.resolved) AS resolved, sum(c.reopened) AS reopened, sum(c.appeals_upheld) AS appeals_upheld
    FROM moved c
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (grain, day, district_code, channel, category, department, street_code, report) DO UPDATE SET
            contacts = r.contacts + excluded.contacts, repeat_contacts = r.repeat_contacts +
        excluded.repeat_contacts, consultations = r.consultations + excluded.consultations, direct_answers =
        r.direct_answers + excluded.direct_answers, online_contacts = r.online_contacts +
        excluded.online_contacts, online_responded = r.online_responded + excluded.online_responded,
        online_on_time = r.online_on_time + excluded.online_on_time, online_response_s = r.online_response_s +
        excluded.online_response_s, dispatches = r.dispatches + excluded.dispatches, first_dispatches =
        r.first_dispatches + excluded.first_dispatches, first_dispatches_kept = r.first_dispatches_kept +
        excluded.first_dispatches_kept, returns = r.returns + excluded.returns, signs = r.signs +
        excluded.signs, signs_on_time = r.signs_on_time + excluded.signs_on_time, rounds = r.rounds +
        excluded.rounds, rounds_on_time = r.rounds_on_time + excluded.rounds_on_time, rounds_open =
        r.rounds_open + excluded.rounds_open, replies = r.replies + excluded.replies, replies_on_time =
        r.replies_on_time + excluded.replies_on_time, handled = r.handled + excluded.handled, handling_s =
        r.handling_s + excluded.handling_s, callbacks_done = r.callbacks_done + excluded.callbacks_done,
        not_callable = r.not_callable + excluded.not_callable, callbacks_pending = r.callbacks_pending +
        excluded.callbacks_pending, satisfied = r.satisfied + excluded.satisfied, resolved = r.resolved +
        excluded.resolved, reopened = r.reopened + excluded.reopened, appeals_upheld = r.appeals_upheld +
        excluded.appeals_upheld;
    GET DIAGNOSTICS folded = ROW_COUNT;
    RETURN folded;
END
$$;

CREATE SEQUENCE metric_rollup_writes;

-- Every 100th writing statement folds: the deltas stay a few hundred rows.
CREATE FUNCTION fold_metric_rollup_now_and_then() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF nextval('metric_rollup_writes') % 100 = 0 THEN
        PERFORM fold_metric_rollup();
    END IF;
END
$$;

-- Tickets: the contacts cohort, by the day the ticket was received.
CREATE FUNCTION metric_rollup_follow_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- grouped, so a bulk load writes one delta per key
        INSERT INTO metric_rollup_deltas
        SELECT c.day, c.grain, c.district_code, c.channel, c.category, c.department, c.street_code, c.report,
           sum(c.contacts) AS contacts, sum(c.repeat_contacts) AS repeat_contacts, sum(c.consultations) AS
           consultations, sum(c.direct_answers) AS direct_answers, sum(c.online_contacts) AS online_contacts,
           sum(c.online_responded) AS online_responded, sum(c.online_on_time) AS online_on_time,
           sum(c.online_response_s) AS online_response_s, sum(c.dispatches) AS dispatches,
           sum(c.first_dispatches) AS first_dispatches, sum(c.first_dispatches_kept) AS first_dispatches_kept,
           sum(c.returns) AS returns, sum(c.signs) AS signs, sum(c.signs_on_time) AS signs_on_time,
           sum(c.rounds) AS rounds, sum(c.rounds_on_time) AS rounds_on_time, sum(c.rounds_open) AS rounds_open,
           sum(c.replies) AS replies, sum(c.replies_on_time) AS replies_on_time, sum(c.handled) AS handled,
           sum(c.handling_s) AS handling_s, sum(c.callbacks_done) AS callbacks_done, sum(c.not_callable) AS
           not_callable, sum(c.callbacks_pending) AS callbacks_pending, sum(c.satisfied) AS satisfied,
           sum(c.resolved) AS resolved, sum(c.reopened) AS reopened, sum(c.appeals_upheld) AS appeals_upheld
        FROM new_rows n, ticket_rollup_rows(n, 1) c
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
    ELSIF TG_OP = 'UPDATE' THEN
        -- most updates (a status, a callback attempt) change no count: only rows whose inputs changed move
        INSERT INTO metric_rollup_deltas
        SELECT c.*
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (SELECT * FROM ticket_rollup_rows(n, 1) UNION ALL SELECT * FROM ticket_rollup_rows(o, -1)) c
        WHERE (n.created_at, n.district_code, n.channel, n.category_path, n.lead_department, n.street_code, n.type, n.status = 'answered', n.merged_into IS NULL, n.first_response_at)
              IS DISTINCT FROM (o.created_at, o.district_code, o.channel, o.category_path, o.lead_department, o.street_code, o.type, o.status = 'answered', o.merged_into IS NULL, o.first_response_at);
    ELSE
        INSERT INTO metric_rollup_deltas SELECT c.* FROM old_rows o, ticket_rollup_rows(o, -1) c;
    END IF;
    PERFORM fold_metric_rollup_now_and_then();
    RETURN NULL;
END
$$;

-- Metric facts: dispatches, returns and signs, by the event's day.
CREATE FUNCTION metric_rollup_follow_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- grouped, so a bulk load writes one delta per key
        INSERT INTO metric_rollup_deltas
        SELECT c.day, c.grain, c.district_code, c.channel, c.category, c.department, c.street_code, c.report,
           sum(c.contacts) AS contacts, sum(c.repeat_contacts) AS repeat_contacts, sum(c.consultations) AS
           consultations, sum(c.direct_answers) AS direct_answers, sum(c.online_contacts) AS online_contacts,
           sum(c.online_responded) AS online_responded, sum(c.online_on_time) AS online_on_time,
           sum(c.online_response_s) AS online_response_s, sum(c.dispatches) AS dispatches,
           sum(c.first_dispatches) AS first_dispatches, sum(c.first_dispatches_kept) AS first_dispatches_kept,
           sum(c.returns) AS returns, sum(c.signs) AS signs, sum(c.signs_on_time) AS signs_on_time,
           sum(c.rounds) AS rounds, sum(c.rounds_on_time) AS rounds_on_time, sum(c.rounds_open) AS rounds_open,
           sum(c.replies) AS replies, sum(c.replies_on_time) AS replies_on_time, sum(c.handled) AS handled,
           sum(c.handling_s) AS handling_s, sum(c.callbacks_done) AS callbacks_done, sum(c.not_callable) AS
           not_callable, sum(c.callbacks_pending) AS callbacks_pending, sum(c.satisfied) AS satisfied,
           sum(c.resolved) AS resolved, sum(c.reopened) AS reopened, sum(c.appeals_upheld) AS appeals_upheld
        FROM new_rows n, fact_rollup_rows(n, 1) c
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
    ELSIF TG_OP = 'UPDATE' THEN
        -- most updates (a status, a callback attempt) change no count: only rows whose inputs changed move
        INSERT INTO metric_rollup_deltas
        SELECT c.*
        FROM new_rows n JOIN old_rows o ON o.event_id = n.event_id
        CROSS JOIN LATERAL (SELECT * FROM fact_rollup_rows(n, 1) UNION ALL SELECT * FROM fact_rollup_rows(o, -1)) c
        WHERE (n.at, n.action, n.department, n.first_dispatch, n.never_returned, n.on_time, n.sign_outcome, n.channel, n.category_path, n.district_code, n.report)
              IS DISTINCT FROM (o.at, o.action, o.department, o.first_dispatch, o.never_returned, o.on_time, o.sign_outcome, o.channel, o.category_path, o.district_code, o.report);
    ELSE
        INSERT INTO metric_rollup_deltas SELECT c.* FROM old_rows o, fact_rollup_rows(o, -1) c;
    END IF;
    PERFORM fold_metric_rollup_now_and_then();
    RETURN NULL;
END
$$;

-- Callbacks: the replies cohort, by the reply's day.
CREATE FUNCTION metric_rollup_follow_callbacks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- grouped, so a bulk load writes one delta per key
        INSERT INTO metric_rollup_deltas
        SELECT c.day, c.grain, c.district_code, c.channel, c.category, c.department, c.street_code, c.report,
           sum(c.contacts) AS contacts, sum(c.repeat_contacts) AS repeat_contacts, sum(c.consultations) AS
           consultations, sum(c.direct_answers) AS direct_answers, sum(c.online_contacts) AS online_contacts,
           sum(c.online_responded) AS online_responded, sum(c.online_on_time) AS online_on_time,
           sum(c.online_response_s) AS online_response_s, sum(c.dispatches) AS dispatches,
           sum(c.first_dispatches) AS first_dispatches, sum(c.first_dispatches_kept) AS first_dispatches_kept,
           sum(c.returns) AS returns, sum(c.signs) AS signs, sum(c.signs_on_time) AS signs_on_time,
           sum(c.rounds) AS rounds, sum(c.rounds_on_time) AS rounds_on_time, sum(c.rounds_open) AS rounds_open,
           sum(c.replies) AS replies, sum(c.replies_on_time) AS replies_on_time, sum(c.handled) AS handled,
           sum(c.handling_s) AS handling_s, sum(c.callbacks_done) AS callbacks_done, sum(c.not_callable) AS
           not_callable, sum(c.callbacks_pending) AS callbacks_pending, sum(c.satisfied) AS satisfied,
           sum(c.resolved) AS resolved, sum(c.reopened) AS reopened, sum(c.appeals_upheld) AS appeals_upheld
        FROM new_rows n, callback_rollup_rows(n, 1) c
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
    ELSIF TG_OP = 'UPDATE' THEN
        -- most updates (a status, a callback attempt) change no count: only rows whose inputs changed move
        INSERT INTO metric_rollup_deltas
        SELECT c.*
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        CROSS JOIN LATERAL (SELECT * FROM callback_rollup_rows(n, 1) UNION ALL SELECT * FROM callback_rollup_rows(o, -1)) c
        WHERE (n.replied_at, n.department_code, n.ticket_channel, n.ticket_category_path, n.ticket_district_code, n.ticket_report, n.reply_on_time, n.handling_started_at, n.status, n.resolved, n.satisfaction, n.review)
              IS DISTINCT FROM (o.replied_at, o.department_code, o.ticket_channel, o.ticket_category_path, o.ticket_district_code, o.ticket_report, o.reply_on_time, o.handling_started_at, o.status, o.resolved, o.satisfaction, o.review);
    ELSE
        INSERT INTO metric_rollup_deltas SELECT c.* FROM old_rows o, callback_rollup_rows(o, -1) c;
    END IF;
    PERFORM fold_metric_rollup_now_and_then();
    RETURN NULL;
END
$$;

-- The rollup of what is already written, then the triggers that keep it.
INSERT INTO metric_rollup SELECT * FROM metric_rollup_expected;

CREATE TRIGGER metric_rollup_on_tickets_insert AFTER INSERT ON tickets
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_follow_tickets();
CREATE TRIGGER metric_rollup_on_tickets_update AFTER UPDATE ON tickets
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_follow_tickets();
CREATE TRIGGER metric_rollup_on_tickets_delete AFTER DELETE ON tickets
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_follow_tickets();
CREATE TRIGGER metric_rollup_on_facts_insert AFTER INSERT ON metric_facts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_follow_facts();
CREATE TRIGGER metric_rollup_on_facts_update AFTER UPDATE ON metric_facts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_follow_facts();
CREATE TRIGGER metric_rollup_on_facts_delete AFTER DELETE ON metric_facts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_follow_facts();
CREATE TRIGGER metric_rollup_on_callbacks_insert AFTER INSERT ON callbacks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_follow_callbacks();
CREATE TRIGGER metric_rollup_on_callbacks_update AFTER UPDATE ON callbacks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_follow_callbacks();
CREATE TRIGGER metric_rollup_on_callbacks_delete AFTER DELETE ON callbacks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_follow_callbacks();

-- The wallboard follows every change: each statement that writes events wakes the listening API processes once
-- (a transaction's identical notifications are delivered once).
CREATE FUNCTION notify_command_view() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hotline_command', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER command_view_on_events AFTER INSERT ON ticket_events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_command_view();


-- 3. What is open now, read without the closed millions: running clocks (sign for dispatched and reopened
-- tickets, reply for accepted ones).
CREATE INDEX tickets_running_clock_idx ON tickets (status)
    INCLUDE (sign_by, reply_by, district_code, street_code, lead_department)
    WHERE status IN ('dispatched', 'accepted', 'reopened');
