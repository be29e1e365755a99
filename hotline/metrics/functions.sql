-- The metrics' upkeep, as it runs now: every SQL function the metric triggers call (metric facts, report groups,
-- first responses, the command view's daily rollups and its notification). `hotline migrate` applies the
-- migrations, then re-applies this file (CREATE OR REPLACE), so a change to a function is made here, once, beside
-- the queries that read what it keeps (report.sql here, hotline/command/queries.sql); the triggers that call them
-- stay in the migrations. Each function was last defined in the migration named above it (tests/db/
-- test_metric_functions.py checks that the database runs these bodies).

-- (0008_metric_facts.sql)
-- The group a report puts a row in, in one place for every branch of every metrics query.
CREATE OR REPLACE FUNCTION metric_group_key(group_by text, channel text, category_path text, district_code text,
                                 department text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE group_by
               WHEN 'channel' THEN channel
               WHEN 'category' THEN split_part(category_path, '/', 1)
               WHEN 'district' THEN district_code
               WHEN 'department' THEN department
           END
$$;

-- (0008_metric_facts.sql)
-- A new sign deadline (dispatch, 重办) decides whether the round's signs are on time.
CREATE OR REPLACE FUNCTION metric_facts_follow_sign_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_metric_facts(ARRAY[NEW.id]);
    RETURN NULL;
END
$$;

-- (0019_command_view.sql)
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

-- (0019_command_view.sql)
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

-- (0019_command_view.sql)
-- As in 0010, plus the 举报 flag: a callback takes its ticket's groups when written...
CREATE OR REPLACE FUNCTION callbacks_take_ticket_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT t.channel, t.category_path, t.district_code, t.type IS NOT DISTINCT FROM 'report'
    INTO NEW.ticket_channel, NEW.ticket_category_path, NEW.ticket_district_code, NEW.ticket_report
    FROM tickets t WHERE t.id = NEW.ticket_id;
    RETURN NEW;
END
$$;

-- (0019_command_view.sql)
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

-- (0019_command_view.sql)
-- A sign's deadline (0008): the ticket's sign_by, unless a later 重办 replaced it, which kept it as sign_by_before.
CREATE OR REPLACE FUNCTION metric_sign_deadline(ticket bigint, sign_event bigint, sign_by timestamptz) RETURNS timestamptz
    LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT (r.data->>'sign_by_before')::timestamptz FROM ticket_events r
                     WHERE r.ticket_id = ticket AND r.id > sign_event AND r.action = 'reopen'
                     ORDER BY r.id LIMIT 1), sign_by)
$$;

-- (0019_command_view.sql)
CREATE OR REPLACE FUNCTION refresh_first_responses(ticket_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE tickets t SET first_response_at = fr.at
    FROM (SELECT o.id, (SELECT min(e.created_at) FROM ticket_events e
                        WHERE e.ticket_id = o.id AND e.action <> 'receive'
                          AND e.actor_role IN ('agent', 'supervisor', 'admin')) AS at
          FROM tickets o
          WHERE o.id = ANY (ticket_ids) AND o.channel IN ('web', 'app', 'wechat', 'email')) fr
    WHERE t.id = fr.id AND t.first_response_at IS DISTINCT FROM fr.at;
$$;

-- (0019_command_view.sql)
CREATE OR REPLACE FUNCTION first_responses_follow_events() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- (0019_command_view.sql)
CREATE OR REPLACE FUNCTION metric_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (at AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- (0019_command_view.sql)
-- What one row adds to the rollup (s = 1) or takes back (s = -1), per grain.
CREATE OR REPLACE FUNCTION ticket_rollup_rows(t tickets, s integer) RETURNS SETOF metric_rollup LANGUAGE sql IMMUTABLE AS $$
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

-- (0019_command_view.sql)
CREATE OR REPLACE FUNCTION fact_rollup_rows(f metric_facts, s integer) RETURNS SETOF metric_rollup LANGUAGE sql IMMUTABLE AS $$
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

-- (0019_command_view.sql)
CREATE OR REPLACE FUNCTION callback_rollup_rows(c callbacks, s integer) RETURNS SETOF metric_rollup LANGUAGE sql IMMUTABLE AS $$
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

-- (0019_command_view.sql)
-- Moves the deltas every writer can see into metric_rollup, in this transaction. One folder at a time (others
-- skip); a writer in a repeatable-read or serializable transaction never folds, so no folder can trip over rows
-- another one already moved.
CREATE OR REPLACE FUNCTION fold_metric_rollup() RETURNS bigint LANGUAGE plpgsql AS $$
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

-- (0019_command_view.sql)
-- Every 100th writing statement folds: the deltas stay a few hundred rows.
CREATE OR REPLACE FUNCTION fold_metric_rollup_now_and_then() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF nextval('metric_rollup_writes') % 100 = 0 THEN
        PERFORM fold_metric_rollup();
    END IF;
END
$$;

-- (0019_command_view.sql)
-- Tickets: the contacts cohort, by the day the ticket was received.
CREATE OR REPLACE FUNCTION metric_rollup_follow_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- (0019_command_view.sql)
-- Metric facts: dispatches, returns and signs, by the event's day.
CREATE OR REPLACE FUNCTION metric_rollup_follow_facts() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- (0019_command_view.sql)
-- Callbacks: the replies cohort, by the reply's day.
CREATE OR REPLACE FUNCTION metric_rollup_follow_callbacks() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- (0019_command_view.sql)
-- The wallboard follows every change: each statement that writes events wakes the listening API processes once
-- (a transaction's identical notifications are delivered once).
CREATE OR REPLACE FUNCTION notify_command_view() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hotline_command', '');
    RETURN NULL;
END
$$;
