-- The command view's reads: period sums of the daily rollups (migration 0019; what each count means:
-- feedback/definitions.py), what is running now (open clocks, SLA warnings), and the tickets behind a number.

-- name: rollup_groups
-- $1 first day, $2 last day (both included), $3 grain (area | department | street), $4 and $5 the keys to group by
-- (channel | category | district | department | street | day | week | month, or NULL for none), $6 a district or
-- NULL, $7 whether 举报 count (the public figures leave them out). Deltas not yet folded are summed in.
SELECT CASE $4
               WHEN 'channel' THEN r.channel WHEN 'category' THEN r.category WHEN 'district' THEN r.district_code
               WHEN 'department' THEN r.department WHEN 'street' THEN r.street_code WHEN 'day' THEN r.day::text
               WHEN 'week' THEN date_trunc('week', r.day)::date::text WHEN 'month' THEN to_char(r.day, 'YYYY-MM')
           END AS key1,
       CASE $5
               WHEN 'channel' THEN r.channel WHEN 'category' THEN r.category WHEN 'district' THEN r.district_code
               WHEN 'department' THEN r.department WHEN 'street' THEN r.street_code WHEN 'day' THEN r.day::text
               WHEN 'week' THEN date_trunc('week', r.day)::date::text WHEN 'month' THEN to_char(r.day, 'YYYY-MM')
           END AS key2,
       sum(r.contacts)::bigint AS contacts, sum(r.repeat_contacts)::bigint AS repeat_contacts,
       sum(r.consultations)::bigint AS consultations, sum(r.direct_answers)::bigint AS direct_answers,
       sum(r.online_contacts)::bigint AS online_contacts, sum(r.online_responded)::bigint AS online_responded,
       sum(r.online_on_time)::bigint AS online_on_time, sum(r.online_response_s)::bigint AS online_response_s,
       sum(r.dispatches)::bigint AS dispatches, sum(r.first_dispatches)::bigint AS first_dispatches,
       sum(r.first_dispatches_kept)::bigint AS first_dispatches_kept, sum(r.returns)::bigint AS returns,
       sum(r.signs)::bigint AS signs, sum(r.signs_on_time)::bigint AS signs_on_time, sum(r.rounds)::bigint AS
       rounds, sum(r.rounds_on_time)::bigint AS rounds_on_time, sum(r.rounds_open)::bigint AS rounds_open,
       sum(r.replies)::bigint AS replies, sum(r.replies_on_time)::bigint AS replies_on_time, sum(r.handled)::bigint
       AS handled, sum(r.handling_s)::bigint AS handling_s, sum(r.callbacks_done)::bigint AS callbacks_done,
       sum(r.not_callable)::bigint AS not_callable, sum(r.callbacks_pending)::bigint AS callbacks_pending,
       sum(r.satisfied)::bigint AS satisfied, sum(r.resolved)::bigint AS resolved, sum(r.reopened)::bigint AS
       reopened, sum(r.appeals_upheld)::bigint AS appeals_upheld
FROM metric_rollup_current r
WHERE r.grain = $3 AND r.day BETWEEN $1 AND $2
  AND ($6::text IS NULL OR r.district_code = $6) AND ($7 OR NOT r.report)
GROUP BY 1, 2;

-- name: rollup_contacts
-- As rollup_groups with the contacts and the online first responses only: the trends' daily and category
-- series read nothing else, and summing 5 counts instead of 28 is most of a scan's cost.
SELECT CASE $4
               WHEN 'channel' THEN r.channel WHEN 'category' THEN r.category WHEN 'district' THEN r.district_code
               WHEN 'day' THEN r.day::text
           END AS key1,
       CASE $5
               WHEN 'channel' THEN r.channel WHEN 'category' THEN r.category WHEN 'district' THEN r.district_code
               WHEN 'day' THEN r.day::text
           END AS key2,
       sum(r.contacts)::bigint AS contacts, sum(r.online_contacts)::bigint AS online_contacts,
       sum(r.online_responded)::bigint AS online_responded, sum(r.online_on_time)::bigint AS online_on_time,
       sum(r.online_response_s)::bigint AS online_response_s
FROM metric_rollup_current r
WHERE r.grain = 'area' AND r.day BETWEEN $1 AND $2 AND ($3::text IS NULL OR r.district_code = $3)
GROUP BY 1, 2;

-- name: rounds_not_due
-- Dispatch rounds still waiting to be signed whose sign deadline has not come: not yet judged for 响应率, so the
-- service takes them out of the rollup's rounds. Few at any time (each lasts two working hours at most).
SELECT metric_day(f.at) AS day, f.district_code, f.channel, split_part(f.category_path, '/', 1) AS category,
       f.department, f.report, count(*) AS rounds
FROM tickets t
JOIN metric_facts f ON f.ticket_id = t.id AND f.action = 'dispatch' AND f.sign_outcome IS NULL
WHERE t.status = 'dispatched' AND t.sign_by > now() AND f.at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
GROUP BY 1, 2, 3, 4, 5, 6;

-- name: overdue_now
-- Running clocks past their deadline (dispatched and reopened tickets wait for a sign, accepted ones for a reply).
SELECT t.district_code, t.street_code, t.lead_department AS department, t.type = 'report' AS report,
       count(*) AS overdue
FROM tickets t
WHERE t.status IN ('dispatched', 'accepted', 'reopened')
  AND CASE WHEN t.status = 'accepted' THEN t.reply_by ELSE t.sign_by END < now()
GROUP BY 1, 2, 3, 4;

-- name: call_log_today
-- Incoming calls since $1 (the day's local midnight): ringing now and not yet answered (a call ringing for over an
-- hour without a hangup is a lost event, not a caller), answered, and given up before an answer; the median wait.
-- `connected`: a PBX holds a live token (hotline cti token, or the admin's 电话系统接入).
SELECT EXISTS (SELECT 1 FROM cti_tokens WHERE disabled_at IS NULL) AS connected,
       count(*) FILTER (WHERE answered_at IS NULL AND ended_at IS NULL
                          AND ringing_at > now() - interval '1 hour') AS waiting,
       count(*) FILTER (WHERE answered_at IS NOT NULL) AS answered,
       count(*) FILTER (WHERE answered_at IS NULL AND ended_at IS NOT NULL) AS abandoned,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - ringing_at))
           FILTER (WHERE answered_at IS NOT NULL) AS median_wait_s
FROM cti_calls
WHERE ringing_at >= $1 AND direction = 'in';

-- name: district_names
SELECT code, name FROM districts ORDER BY code;

-- name: street_names
SELECT code, name, district_code FROM streets WHERE $1::text IS NULL OR district_code = $1 ORDER BY code;

-- name: district_units
SELECT code FROM departments WHERE district_code = $1 AND level <> 'city';

-- name: department_units
-- Every department with the unit it is ranked in: a municipal department itself, or its district.
SELECT d.code, d.name, coalesce(d.short_name, d.name) AS short_name, d.level, d.district_code
FROM departments d WHERE d.active ORDER BY d.code;

-- The tickets behind a number. Each cohort is read from the table its count comes from, with the same filters:
-- $1 from, $2 to (exclusive), $3 district, $4 channel, $5 level-1 category, $6 departments, $7 street (NULL: any),
-- $8 the measure, $9 'all' (the whole cohort) or 'miss' (the part that falls short of the figure's aim).
-- Pages are newest first ($10 rows from $11); the counts go with them.

-- name: drill_contacts
-- contacts, repeat (merged as a repeat contact), online (web, app, WeChat, e-mail; miss: no response in 3 minutes)
SELECT t.id AS ticket_id, t.created_at AS at
FROM tickets t
WHERE t.created_at >= $1 AND t.created_at < $2
  AND ($3::text IS NULL OR t.district_code = $3) AND ($4::text IS NULL OR t.channel = $4)
  AND ($5::text IS NULL OR split_part(t.category_path, '/', 1) = $5)
  AND ($6::text[] IS NULL OR t.lead_department = ANY ($6)) AND ($7::text IS NULL OR t.street_code = $7)
  AND ($8::text <> 'repeat' OR t.merged_into IS NOT NULL)
  AND ($8::text <> 'online' OR t.channel IN ('web', 'app', 'wechat', 'email'))
  AND ($8::text <> 'online' OR $9::text = 'all'
       OR t.first_response_at IS NULL OR t.first_response_at > t.created_at + interval '3 minutes')
ORDER BY t.created_at DESC
LIMIT $10 OFFSET $11;

-- name: count_contacts
-- At most $10 + 1 rows are counted (NULL: all): a list says 超过 N 件 rather than count a huge cohort.
SELECT count(*) FROM (SELECT 1
FROM tickets t
WHERE t.created_at >= $1 AND t.created_at < $2
  AND ($3::text IS NULL OR t.district_code = $3) AND ($4::text IS NULL OR t.channel = $4)
  AND ($5::text IS NULL OR split_part(t.category_path, '/', 1) = $5)
  AND ($6::text[] IS NULL OR t.lead_department = ANY ($6)) AND ($7::text IS NULL OR t.street_code = $7)
  AND ($8::text <> 'repeat' OR t.merged_into IS NOT NULL)
  AND ($8::text <> 'online' OR t.channel IN ('web', 'app', 'wechat', 'email'))
  AND ($8::text <> 'online' OR $9::text = 'all'
       OR t.first_response_at IS NULL OR t.first_response_at > t.created_at + interval '3 minutes')
LIMIT $10::int + 1) capped;

-- name: drill_rounds
-- response: dispatch rounds judged for 响应率 (signed, or open past the sign deadline); miss: not signed in time
SELECT f.ticket_id, f.at
FROM metric_facts f JOIN tickets t ON t.id = f.ticket_id
WHERE f.at >= $1 AND f.at < $2 AND f.action = 'dispatch' AND $8::text = 'response'
  AND (f.sign_outcome IN ('on_time', 'late') OR (f.sign_outcome IS NULL AND NOT (t.status = 'dispatched' AND t.sign_by > now())))
  AND ($3::text IS NULL OR f.district_code = $3) AND ($4::text IS NULL OR f.channel = $4)
  AND ($5::text IS NULL OR split_part(f.category_path, '/', 1) = $5)
  AND ($6::text[] IS NULL OR f.department = ANY ($6)) AND ($7::text IS NULL OR t.street_code = $7)
  AND ($9::text = 'all' OR f.sign_outcome IS DISTINCT FROM 'on_time')
ORDER BY f.at DESC
LIMIT $10 OFFSET $11;

-- name: count_rounds
-- At most $10 + 1 rows are counted (NULL: all): a list says 超过 N 件 rather than count a huge cohort.
SELECT count(*) FROM (SELECT 1
FROM metric_facts f JOIN tickets t ON t.id = f.ticket_id
WHERE f.at >= $1 AND f.at < $2 AND f.action = 'dispatch' AND $8::text = 'response'
  AND (f.sign_outcome IN ('on_time', 'late') OR (f.sign_outcome IS NULL AND NOT (t.status = 'dispatched' AND t.sign_by > now())))
  AND ($3::text IS NULL OR f.district_code = $3) AND ($4::text IS NULL OR f.channel = $4)
  AND ($5::text IS NULL OR split_part(f.category_path, '/', 1) = $5)
  AND ($6::text[] IS NULL OR f.department = ANY ($6)) AND ($7::text IS NULL OR t.street_code = $7)
  AND ($9::text = 'all' OR f.sign_outcome IS DISTINCT FROM 'on_time')
LIMIT $10::int + 1) capped;

-- name: drill_replies
-- callback (miss: not called back), resolution and satisfaction (completed callbacks; miss: not resolved /
-- 不满意), handling (every reply, the longest handled first)
SELECT c.ticket_id, c.replied_at AS at
FROM callbacks c
WHERE c.replied_at >= $1 AND c.replied_at < $2
  AND ($3::text IS NULL OR c.ticket_district_code = $3) AND ($4::text IS NULL OR c.ticket_channel = $4)
  AND ($5::text IS NULL OR split_part(c.ticket_category_path, '/', 1) = $5)
  AND ($6::text[] IS NULL OR c.department_code = ANY ($6))
  AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM tickets t WHERE t.id = c.ticket_id AND t.street_code = $7))
  AND ($8::text NOT IN ('resolution', 'satisfaction') OR c.status = 'done')
  AND ($9::text = 'all' OR CASE $8::text WHEN 'resolution' THEN NOT c.resolved
                                         WHEN 'satisfaction' THEN c.satisfaction = 'unsatisfied'
                                         WHEN 'callback' THEN c.status <> 'done' ELSE true END)
ORDER BY CASE WHEN $8::text = 'handling' THEN c.replied_at - c.handling_started_at END DESC NULLS LAST,
         c.replied_at DESC
LIMIT $10 OFFSET $11;

-- name: count_replies
-- At most $10 + 1 rows are counted (NULL: all): a list says 超过 N 件 rather than count a huge cohort.
SELECT count(*) FROM (SELECT 1
FROM callbacks c
WHERE c.replied_at >= $1 AND c.replied_at < $2
  AND ($3::text IS NULL OR c.ticket_district_code = $3) AND ($4::text IS NULL OR c.ticket_channel = $4)
  AND ($5::text IS NULL OR split_part(c.ticket_category_path, '/', 1) = $5)
  AND ($6::text[] IS NULL OR c.department_code = ANY ($6))
  AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM tickets t WHERE t.id = c.ticket_id AND t.street_code = $7))
  AND ($8::text NOT IN ('resolution', 'satisfaction') OR c.status = 'done')
  AND ($9::text = 'all' OR CASE $8::text WHEN 'resolution' THEN NOT c.resolved
                                         WHEN 'satisfaction' THEN c.satisfaction = 'unsatisfied'
                                         WHEN 'callback' THEN c.status <> 'done' ELSE true END)
LIMIT $10::int + 1) capped;

-- name: drill_clocks
-- Its own parameters: $1 district, $2 channel, $3 category, $4 departments, $5 street, $6 measure, $7 rows, $8 from.
-- overdue (running clocks past the deadline, most overdue first) and warned (past the warning, not overdue yet),
-- as they stand now; the period does not apply.
SELECT t.id AS ticket_id, CASE WHEN t.status = 'accepted' THEN t.reply_by ELSE t.sign_by END AS at
FROM tickets t
WHERE t.status IN ('dispatched', 'accepted', 'reopened')
  AND ($1::text IS NULL OR t.district_code = $1) AND ($2::text IS NULL OR t.channel = $2)
  AND ($3::text IS NULL OR split_part(t.category_path, '/', 1) = $3)
  AND ($4::text[] IS NULL OR t.lead_department = ANY ($4)) AND ($5::text IS NULL OR t.street_code = $5)
  AND CASE $6::text
          WHEN 'overdue' THEN CASE WHEN t.status = 'accepted' THEN t.reply_by ELSE t.sign_by END < now()
          WHEN 'warned' THEN CASE WHEN t.status = 'accepted' THEN t.reply_by ELSE t.sign_by END >= now()
              AND EXISTS (SELECT 1 FROM timers w
                          WHERE w.ticket_id = t.id AND w.fired_at IS NOT NULL AND w.cancelled_at IS NULL
                            AND w.kind = CASE WHEN t.status = 'accepted' THEN 'reply_warning' ELSE 'sign_warning' END)
              AND NOT EXISTS (SELECT 1 FROM timers w
                              WHERE w.ticket_id = t.id AND w.fired_at IS NULL AND w.cancelled_at IS NULL
                                AND w.kind = CASE WHEN t.status = 'accepted' THEN 'reply_warning' ELSE 'sign_warning' END)
          ELSE false
      END
ORDER BY 2 ASC
LIMIT $7 OFFSET $8;

-- name: count_clocks
-- At most $7 + 1 rows are counted (NULL: all): a list says 超过 N 件 rather than count a huge cohort.
SELECT count(*) FROM (SELECT 1
FROM tickets t
WHERE t.status IN ('dispatched', 'accepted', 'reopened')
  AND ($1::text IS NULL OR t.district_code = $1) AND ($2::text IS NULL OR t.channel = $2)
  AND ($3::text IS NULL OR split_part(t.category_path, '/', 1) = $3)
  AND ($4::text[] IS NULL OR t.lead_department = ANY ($4)) AND ($5::text IS NULL OR t.street_code = $5)
  AND CASE $6::text
          WHEN 'overdue' THEN CASE WHEN t.status = 'accepted' THEN t.reply_by ELSE t.sign_by END < now()
          WHEN 'warned' THEN CASE WHEN t.status = 'accepted' THEN t.reply_by ELSE t.sign_by END >= now()
              AND EXISTS (SELECT 1 FROM timers w
                          WHERE w.ticket_id = t.id AND w.fired_at IS NOT NULL AND w.cancelled_at IS NULL
                            AND w.kind = CASE WHEN t.status = 'accepted' THEN 'reply_warning' ELSE 'sign_warning' END)
              AND NOT EXISTS (SELECT 1 FROM timers w
                              WHERE w.ticket_id = t.id AND w.fired_at IS NULL AND w.cancelled_at IS NULL
                                AND w.kind = CASE WHEN t.status = 'accepted' THEN 'reply_warning' ELSE 'sign_warning' END)
          ELSE false
      END
LIMIT $7::int + 1) capped;

-- name: tickets_shown
-- What a drill-down list shows of its tickets: masked text, and a 举报's reviewed copy instead of its own.
SELECT t.id, t.ticket_number, t.channel, t.status, t.type, t.category_path, t.created_at, t.lead_department,
       dep.name AS department_name, t.district_code, dis.name AS district_name, t.title, t.content_masked,
       t.type = 'report' OR t.confidential OR t.protection_kept AS protected, t.title_redacted, t.content_redacted,
       t.sign_by, t.reply_by, t.first_response_at
FROM tickets t
LEFT JOIN departments dep ON dep.code = t.lead_department
LEFT JOIN districts dis ON dis.code = t.district_code
WHERE t.id = ANY ($1::bigint[]);
