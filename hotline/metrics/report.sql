-- The supervisor's counts: tickets (their `receive` event creates the row in its transaction, at the same
-- time), metric_facts (one row per dispatch, return and sign event, kept in step with ticket_events by
-- triggers) and callbacks (each reply's twin, written in the reply's transaction with its facts). Facts and
-- callbacks carry copies of their ticket's channel, category and district (migration 0010), so no branch but
-- `received` reads a ticket.
-- What each count means and how rates are formed: feedback/definitions.py.

-- name: period_counts
-- $1 previous period start, $2 current period start (= previous end), $3 current end (exclusive),
-- $4 group_by: department | channel | category | district | NULL (overall only).
-- One row per (period, group) and one overall row per period (`overall`). Each cohort is counted on its own
-- rows, one index range scan per period, then the cohorts are put side by side. The periods are a two-row
-- table rather than a CASE on the time, so the planner knows there are two of them and hashes a few dozen
-- groups in memory instead of sorting a million-ticket year's worth of rows on disk.
WITH periods (period, starts, ends) AS (
    VALUES ('previous', $1::timestamptz, $2::timestamptz), ('current', $2, $3)
), received AS (
    SELECT p.period,
           metric_group_key($4, t.channel, t.category_path, t.district_code,
               -- a repeat contact counts for the department of the ticket it was merged into
               coalesce(t.lead_department, CASE WHEN t.merged_into IS NOT NULL AND $4::text = 'department' THEN (
                   SELECT parent.lead_department FROM tickets parent WHERE parent.id = t.merged_into
               ) END)) AS group_key,
           t.merged_into IS NOT NULL AS repeat_contact,  -- set by the `merge` event
           t.type = 'consult' AS consultation,
           t.type = 'consult' AND t.status = 'answered' AS direct_answer  -- `answered` is reached only by `answer`
    FROM periods p JOIN tickets t ON t.created_at >= p.starts AND t.created_at < p.ends
), handled AS (
    SELECT p.period,
           metric_group_key($4, f.channel, f.category_path, f.district_code, f.department) AS group_key,
           f.action, f.first_dispatch, f.never_returned, f.on_time
    FROM periods p JOIN metric_facts f ON f.at >= p.starts AND f.at < p.ends
), replied AS (
    SELECT p.period,
           metric_group_key($4, c.ticket_channel, c.ticket_category_path, c.ticket_district_code,
                            c.department_code) AS group_key,
           c.reply_on_time, c.status, c.not_callable_reason, c.resolved, c.satisfaction, c.review,
           extract(epoch FROM c.replied_at - c.handling_started_at) / 3600.0 AS handling_hours
    FROM periods p JOIN callbacks c ON c.replied_at >= p.starts AND c.replied_at < p.ends
), cohorts AS (
    SELECT period, group_key, GROUPING(group_key) = 1 AS overall,
           count(*) AS volume,
           count(*) FILTER (WHERE repeat_contact) AS repeat_contacts,
           count(*) FILTER (WHERE consultation) AS consultations,
           count(*) FILTER (WHERE direct_answer) AS direct_answers,
           0 AS dispatches, 0 AS first_dispatches, 0 AS first_dispatches_kept, 0 AS returns, 0 AS signs,
           0 AS signs_on_time, 0 AS replies, 0 AS replies_on_time, NULL::float8 AS handling_hours_mean,
           NULL::float8 AS handling_hours_p90, 0 AS callbacks_done, 0 AS not_callable, 0 AS refused,
           0 AS callbacks_pending, 0 AS satisfied, 0 AS resolved, 0 AS reopened, 0 AS appeals_upheld
    FROM received GROUP BY GROUPING SETS ((period, group_key), (period))
    UNION ALL
    SELECT period, group_key, GROUPING(group_key) = 1, 0, 0, 0, 0,
           count(*) FILTER (WHERE action = 'dispatch'),
           count(*) FILTER (WHERE first_dispatch),
           count(*) FILTER (WHERE first_dispatch AND never_returned),
           count(*) FILTER (WHERE action = 'return'),
           count(*) FILTER (WHERE action = 'sign'),
           count(*) FILTER (WHERE action = 'sign' AND on_time),
           0, 0, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0
    FROM handled GROUP BY GROUPING SETS ((period, group_key), (period))
    UNION ALL
    SELECT period, group_key, GROUPING(group_key) = 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*),
           count(*) FILTER (WHERE reply_on_time),
           avg(handling_hours), NULL,
           count(*) FILTER (WHERE status = 'done'),
           count(*) FILTER (WHERE status = 'not_callable'),
           count(*) FILTER (WHERE status = 'not_callable' AND not_callable_reason = 'refused'),
           count(*) FILTER (WHERE status = 'due'),
           count(*) FILTER (WHERE status = 'done' AND satisfaction IN ('satisfied', 'basically_satisfied')),
           count(*) FILTER (WHERE status = 'done' AND resolved),
           count(*) FILTER (WHERE review = 'reopened'),
           count(*) FILTER (WHERE review = 'appeal_upheld')
    FROM replied GROUP BY GROUPING SETS ((period, group_key), (period))
    UNION ALL
    -- a percentile sorts its rows, so it is not hashed with the counts: it sorts only the hours
    SELECT period, group_key, GROUPING(group_key) = 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY handling_hours), 0, 0, 0, 0, 0, 0, 0, 0
    FROM replied GROUP BY GROUPING SETS ((period, group_key), (period))
)
-- GROUP BY puts the NULL group keys (not dispatched, not located, ...) of the three cohorts together; a sum of
-- counts is numeric in PostgreSQL, so each is cast back to a count
SELECT period, group_key, overall,
       sum(volume)::bigint AS volume, sum(volume)::bigint AS contacts,
       sum(repeat_contacts)::bigint AS repeat_contacts, sum(consultations)::bigint AS consultations,
       sum(direct_answers)::bigint AS direct_answers, sum(dispatches)::bigint AS dispatches,
       sum(first_dispatches)::bigint AS first_dispatches,
       sum(first_dispatches_kept)::bigint AS first_dispatches_kept, sum(returns)::bigint AS returns,
       sum(signs)::bigint AS signs, sum(signs_on_time)::bigint AS signs_on_time, sum(replies)::bigint AS replies,
       sum(replies_on_time)::bigint AS replies_on_time, sum(callbacks_done)::bigint AS callbacks_done,
       sum(not_callable)::bigint AS not_callable, sum(refused)::bigint AS refused,
       sum(callbacks_pending)::bigint AS callbacks_pending,
       sum(satisfied)::bigint AS satisfied, sum(resolved)::bigint AS resolved, sum(reopened)::bigint AS reopened,
       sum(appeals_upheld)::bigint AS appeals_upheld,
       max(handling_hours_mean) AS handling_hours_mean, max(handling_hours_p90) AS handling_hours_p90
FROM cohorts
GROUP BY period, group_key, overall;

-- name: department_names
SELECT code, name FROM departments;

-- name: district_names
SELECT code, name FROM districts;

-- name: open_orders_by_department
SELECT department_code, count(*) AS open_orders FROM supervision_orders WHERE status = 'open' GROUP BY 1;
