-- The supervisor's counts, from the event log: ticket_events, the tickets its receive events created, and
-- the callbacks written with each reply. What each count means and how rates are formed: feedback/definitions.py.

-- name: period_counts
-- $1 previous period start, $2 current period start (= previous end), $3 current end (exclusive),
-- $4 group_by: department | channel | category | district | NULL (overall only).
-- One branch per cohort, each reading only its own rows: a month of a million-ticket year stays one range
-- scan per branch. A branch joins the ticket only when grouping by the ticket's channel, category or place.
WITH received AS (
    -- the receive event creates the ticket row in its transaction, so tickets.created_at is its time
    SELECT t.created_at AS at,
           CASE $4::text
               WHEN 'channel' THEN t.channel
               WHEN 'category' THEN split_part(t.category_path, '/', 1)
               WHEN 'district' THEN t.district_code
               -- a repeat contact counts for the department of the ticket it was merged into
               WHEN 'department' THEN coalesce(t.lead_department, CASE WHEN t.merged_into IS NOT NULL THEN (
                   SELECT p.lead_department FROM tickets p WHERE p.id = t.merged_into) END)
           END AS group_key,
           'receive' AS action,
           t.merged_into IS NOT NULL AS repeat_contact,  -- set by the `merge` event
           t.type = 'consult' AS consultation,
           t.type = 'consult' AND t.status = 'answered' AS direct_answer,  -- `answered` is reached only by `answer`
           NULL::boolean AS first_dispatch, NULL::boolean AS never_returned, NULL::boolean AS on_time,
           NULL::float8 AS handling_hours, NULL::text AS callback_status, NULL::boolean AS resolved,
           NULL::text AS satisfaction, NULL::text AS review
    FROM tickets t
    WHERE t.created_at >= $1 AND t.created_at < $3
), department_events AS (
    SELECT e.created_at AS at, e.action, e.ticket_id, e.id, e.from_status,
           CASE e.action WHEN 'dispatch' THEN e.data->>'department' ELSE e.actor_department END AS department
    FROM ticket_events e
    WHERE e.action IN ('dispatch', 'return', 'sign') AND e.created_at >= $1 AND e.created_at < $3
), handled AS (
    SELECT d.at,
           CASE $4::text
               WHEN 'channel' THEN t.channel
               WHEN 'category' THEN split_part(t.category_path, '/', 1)
               WHEN 'district' THEN t.district_code
               WHEN 'department' THEN d.department
           END AS group_key,
           d.action, NULL::boolean AS repeat_contact, NULL::boolean AS consultation, NULL::boolean AS direct_answer,
           -- a re-dispatch starts from `returned`, so the first dispatch is the one from `received`
           d.action = 'dispatch' AND d.from_status = 'received' AS first_dispatch,
           CASE WHEN d.action = 'dispatch' AND d.from_status = 'received' THEN NOT EXISTS (
               SELECT 1 FROM ticket_events r WHERE r.ticket_id = d.ticket_id AND r.action = 'return')
           END AS never_returned,
           -- A sign's deadline is the ticket's sign_by, unless a later 重办 replaced it: then the reopen
           -- event kept it as sign_by_before.
           CASE WHEN d.action = 'sign' THEN d.at <= coalesce((
               SELECT (r.data->>'sign_by_before')::timestamptz FROM ticket_events r
               WHERE r.ticket_id = d.ticket_id AND r.id > d.id AND r.action = 'reopen'
               ORDER BY r.id LIMIT 1), (SELECT s.sign_by FROM tickets s WHERE s.id = d.ticket_id))
           END AS on_time,
           NULL::float8, NULL::text, NULL::boolean, NULL::text, NULL::text
    FROM department_events d
    LEFT JOIN tickets t ON t.id = d.ticket_id AND $4::text IN ('channel', 'category', 'district')
), replied AS (
    -- each callback row is its reply event's twin, written in the reply's transaction with its facts
    SELECT c.replied_at AS at,
           CASE $4::text
               WHEN 'channel' THEN t.channel
               WHEN 'category' THEN split_part(t.category_path, '/', 1)
               WHEN 'district' THEN t.district_code
               WHEN 'department' THEN c.department_code
           END AS group_key,
           'reply' AS action, NULL::boolean, NULL::boolean, NULL::boolean, NULL::boolean, NULL::boolean,
           c.reply_on_time AS on_time,
           extract(epoch FROM c.replied_at - c.handling_started_at) / 3600.0 AS handling_hours,
           c.status AS callback_status, c.resolved, c.satisfaction, c.review
    FROM callbacks c
    LEFT JOIN tickets t ON t.id = c.ticket_id AND $4::text IN ('channel', 'category', 'district')
    WHERE c.replied_at >= $1 AND c.replied_at < $3
), facts AS (
    SELECT CASE WHEN at >= $2 THEN 'current' ELSE 'previous' END AS period, *
    FROM (SELECT * FROM received UNION ALL SELECT * FROM handled UNION ALL SELECT * FROM replied) f
)
SELECT period, group_key, GROUPING(group_key) = 1 AS overall,
       count(*) FILTER (WHERE action = 'receive') AS volume,
       count(*) FILTER (WHERE action = 'receive') AS contacts,
       count(*) FILTER (WHERE repeat_contact) AS repeat_contacts,
       count(*) FILTER (WHERE consultation) AS consultations,
       count(*) FILTER (WHERE direct_answer) AS direct_answers,
       count(*) FILTER (WHERE action = 'dispatch') AS dispatches,
       count(*) FILTER (WHERE first_dispatch) AS first_dispatches,
       count(*) FILTER (WHERE first_dispatch AND never_returned) AS first_dispatches_kept,
       count(*) FILTER (WHERE action = 'return') AS returns,
       count(*) FILTER (WHERE action = 'sign') AS signs,
       count(*) FILTER (WHERE action = 'sign' AND on_time) AS signs_on_time,
       count(*) FILTER (WHERE action = 'reply') AS replies,
       count(*) FILTER (WHERE action = 'reply' AND on_time) AS replies_on_time,
       avg(handling_hours) AS handling_hours_mean,
       count(*) FILTER (WHERE callback_status = 'done') AS callbacks_done,
       count(*) FILTER (WHERE callback_status = 'not_callable') AS not_callable,
       count(*) FILTER (WHERE callback_status = 'due') AS callbacks_pending,
       count(*) FILTER (WHERE callback_status = 'done'
                          AND satisfaction IN ('satisfied', 'basically_satisfied')) AS satisfied,
       count(*) FILTER (WHERE callback_status = 'done' AND resolved) AS resolved,
       count(*) FILTER (WHERE review = 'reopened') AS reopened,
       count(*) FILTER (WHERE review = 'appeal_upheld') AS appeals_upheld
FROM facts
GROUP BY GROUPING SETS ((period, group_key), (period));

-- name: handling_p90
-- Same parameters. A percentile needs sorted rows, so it reads the replies alone and the counts above hash.
SELECT period, group_key, GROUPING(group_key) = 1 AS overall,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY handling_hours) AS handling_hours_p90
FROM (
    SELECT CASE WHEN c.replied_at >= $2 THEN 'current' ELSE 'previous' END AS period,
           CASE $4::text
               WHEN 'channel' THEN t.channel
               WHEN 'category' THEN split_part(t.category_path, '/', 1)
               WHEN 'district' THEN t.district_code
               WHEN 'department' THEN c.department_code
           END AS group_key,
           extract(epoch FROM c.replied_at - c.handling_started_at) / 3600.0 AS handling_hours
    FROM callbacks c
    LEFT JOIN tickets t ON t.id = c.ticket_id AND $4::text IN ('channel', 'category', 'district')
    WHERE c.replied_at >= $1 AND c.replied_at < $3
) replies
GROUP BY GROUPING SETS ((period, group_key), (period));

-- name: department_names
SELECT code, name FROM departments;

-- name: district_names
SELECT code, name FROM districts;

-- name: open_orders_by_department
SELECT department_code, count(*) AS open_orders FROM supervision_orders WHERE status = 'open' GROUP BY 1;
