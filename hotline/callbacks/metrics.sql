-- The supervisor's counts, from ticket_events (+ callbacks for outcomes). What each count means and how the
-- rates are formed: feedback/definitions.py.

-- name: period_counts
-- $1 previous period start, $2 current period start (= previous end), $3 current end (exclusive),
-- $4 group_by: department | channel | category | district | NULL (overall only).
WITH ev AS (
    SELECT e.id, e.ticket_id, e.action, e.actor_department, e.data, e.created_at,
           CASE WHEN e.created_at >= $2 THEN 'current' ELSE 'previous' END AS period
    FROM ticket_events e
    WHERE e.action IN ('receive', 'dispatch', 'return', 'sign', 'reply')
      AND e.created_at >= $1 AND e.created_at < $3
), facts AS (
    SELECT ev.period, ev.action,
           CASE $4::text
               WHEN 'channel' THEN t.channel
               WHEN 'category' THEN split_part(t.category_path, '/', 1)
               WHEN 'district' THEN t.district_code
               WHEN 'department' THEN CASE ev.action
                   WHEN 'receive' THEN t.lead_department
                   WHEN 'dispatch' THEN ev.data->>'department'
                   ELSE ev.actor_department END
           END AS group_key,
           ev.action = 'receive' AND t.type = 'consult' AS consultation,
           CASE WHEN ev.action = 'receive' AND t.type = 'consult' THEN EXISTS (
               SELECT 1 FROM ticket_events a WHERE a.ticket_id = ev.ticket_id AND a.action = 'answer')
           END AS direct_answer,
           CASE WHEN ev.action = 'dispatch' THEN NOT EXISTS (
               SELECT 1 FROM ticket_events p
               WHERE p.ticket_id = ev.ticket_id AND p.action = 'dispatch' AND p.id < ev.id)
           END AS first_dispatch,
           CASE WHEN ev.action = 'dispatch' THEN NOT EXISTS (
               SELECT 1 FROM ticket_events r WHERE r.ticket_id = ev.ticket_id AND r.action = 'return')
           END AS never_returned,
           -- A sign's deadline is the ticket's sign_by, unless a later 重办 replaced it: then the reopen
           -- event kept it as sign_by_before.
           CASE WHEN ev.action = 'sign' THEN ev.created_at <= coalesce((
               SELECT (r.data->>'sign_by_before')::timestamptz FROM ticket_events r
               WHERE r.ticket_id = ev.ticket_id AND r.action = 'reopen' AND r.id > ev.id
               ORDER BY r.id LIMIT 1), t.sign_by)
           END AS sign_on_time,
           CASE WHEN ev.action = 'reply' THEN (ev.data->>'on_time')::boolean END AS reply_on_time,
           CASE WHEN ev.action = 'reply' THEN extract(epoch FROM ev.created_at - (
               SELECT d.created_at FROM ticket_events d
               WHERE d.ticket_id = ev.ticket_id AND d.id < ev.id AND d.action IN ('dispatch', 'reopen')
               ORDER BY d.id DESC LIMIT 1)) / 3600.0
           END AS handling_hours,
           c.status AS callback_status, c.resolved, c.satisfaction, c.review
    FROM ev
    JOIN tickets t ON t.id = ev.ticket_id
    LEFT JOIN callbacks c ON c.reply_event_id = ev.id
)
SELECT period, group_key, GROUPING(group_key) = 1 AS overall,
       count(*) FILTER (WHERE action = 'receive') AS volume,
       count(*) FILTER (WHERE action = 'receive') AS contacts,
       0 AS repeat_contacts,
       count(*) FILTER (WHERE consultation) AS consultations,
       count(*) FILTER (WHERE direct_answer) AS direct_answers,
       count(*) FILTER (WHERE action = 'dispatch') AS dispatches,
       count(*) FILTER (WHERE first_dispatch) AS first_dispatches,
       count(*) FILTER (WHERE first_dispatch AND never_returned) AS first_dispatches_kept,
       count(*) FILTER (WHERE action = 'return') AS returns,
       count(*) FILTER (WHERE action = 'sign') AS signs,
       count(*) FILTER (WHERE sign_on_time) AS signs_on_time,
       count(*) FILTER (WHERE action = 'reply') AS replies,
       count(*) FILTER (WHERE reply_on_time) AS replies_on_time,
       avg(handling_hours) AS handling_hours_mean,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY handling_hours) AS handling_hours_p90,
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

-- name: department_names
SELECT code, name FROM departments;

-- name: district_names
SELECT code, name FROM districts;

-- name: open_orders_by_department
SELECT department_code, count(*) AS open_orders FROM supervision_orders WHERE status = 'open' GROUP BY 1;
