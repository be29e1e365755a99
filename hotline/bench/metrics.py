"""`hotline bench metrics`: a year of N tickets with their event log, seeded in SQL; time the monthly metrics call."""
from __future__ import annotations

import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from feedback.periods import CITY_TIMEZONE, default_days, period_of_days
from hotline.bench.intake import fresh_database
from hotline.callbacks.metrics import metrics_report
from hotline.config import Settings
from hotline.db import connect

RUNS = 20

# One row per ticket with everything its story needs; later statements turn it into events in time order,
# so event ids grow with time within a ticket, as they do in production.
_PLAN = """
CREATE TEMP TABLE plan AS
WITH city AS (
    SELECT (SELECT array_agg(code ORDER BY code) FROM departments WHERE level = 'city') AS depts,
           (SELECT array_agg(code ORDER BY code) FROM districts) AS districts,
           (SELECT array_agg(path ORDER BY path) FROM categories WHERE level = 1) AS categories
), drawn AS (
    SELECT g, random() AS r_direct, random() AS r_dept, random() AS r_channel, random() AS r_place,
           random() AS r_return, random() AS r_sign, random() AS r_reply, random() AS r_callback,
           random() AS r_satisfaction, random() AS r_resolved, random() AS r_type, random() AS r_category,
           now() - make_interval(secs => 365 * 86400 * random()) AS received_at
    FROM generate_series(1, $1) g
), timed AS (
    SELECT d.*, c.depts, c.districts, c.categories,
           d.r_direct < 0.15 AS direct,
           NOT d.r_direct < 0.15 AND d.r_return < 0.08 AS returned,
           d.received_at + interval '10 minutes' AS dispatch_at,
           d.received_at + CASE WHEN NOT d.r_direct < 0.15 AND d.r_return < 0.08
                                THEN interval '130 minutes' ELSE interval '10 minutes' END AS round_start
    FROM drawn d CROSS JOIN city c
), planned AS (
    SELECT g AS ticket_id, received_at, direct, returned, dispatch_at, round_start,
       dispatch_at + interval '1 hour' AS return_at,
       depts[1 + floor(r_dept * array_length(depts, 1))::int] AS first_dept,
       CASE WHEN returned THEN depts[1 + (floor(r_dept * array_length(depts, 1))::int + 3) % array_length(depts, 1)]
            ELSE depts[1 + floor(r_dept * array_length(depts, 1))::int] END AS dept,
       (ARRAY['phone','phone','phone','web','app','wechat','letter','email'])[1 + floor(r_channel * 8)::int] AS channel,
       CASE WHEN direct THEN 'consult'
            ELSE (ARRAY['complaint','complaint','help','suggestion','report','consult'])[1 + floor(r_type * 6)::int]
       END AS type,
       districts[1 + floor(r_place * array_length(districts, 1))::int] AS district,
       categories[1 + floor(r_category * array_length(categories, 1))::int] AS category,
       round_start + interval '2 hours' AS sign_by,
       round_start + make_interval(secs => r_sign * 3 * 3600) AS sign_at,
       round_start + interval '10 days' AS reply_by,
       round_start + make_interval(secs => r_sign * 3 * 3600 + r_reply * r_reply * 300 * 3600) AS reply_at,
       CASE WHEN r_callback < 0.05 THEN 'not_callable' ELSE 'done' END AS callback_kind,
       CASE WHEN r_satisfaction < 0.80 THEN 'satisfied' WHEN r_satisfaction < 0.93 THEN 'basically_satisfied'
            ELSE 'unsatisfied' END AS satisfaction,
       r_resolved < 0.9 AS resolved
FROM timed
)
SELECT *, NOT direct AND reply_at <= now() AS replied,
       CASE WHEN callback_kind = 'not_callable' THEN 'not_callable'
            WHEN reply_at > now() - interval '2 days' THEN 'due' ELSE 'done' END AS callback_status,
       CASE WHEN callback_kind = 'not_callable' THEN reply_at ELSE reply_at + interval '1 day' END AS callback_at
FROM planned
"""

_STEPS = (
    """INSERT INTO tickets (id, ticket_number, channel, status, type, category_path, content, content_masked,
                           district_code, lead_department, sign_by, reply_by, original_reply_by, received_at,
                           created_at, citizen_phone, anonymous)
       SELECT ticket_id, 'BM' || ticket_id, channel,
              CASE WHEN direct THEN 'answered' WHEN sign_at > now() THEN 'dispatched'
                   WHEN reply_at > now() THEN 'accepted' WHEN callback_kind = 'not_callable' THEN 'closed'
                   WHEN reply_at > now() - interval '2 days' THEN 'replied'
                   WHEN resolved AND satisfaction <> 'unsatisfied' THEN 'closed'
                   ELSE 'callback_done' END,
              type, category, '压测工单', '压测工单', district, CASE WHEN NOT direct THEN dept END,
              CASE WHEN NOT direct THEN sign_by END, CASE WHEN NOT direct THEN reply_by END,
              CASE WHEN NOT direct THEN reply_by END, received_at, received_at,
              CASE WHEN callback_kind = 'done' THEN '13800000000' END, callback_kind = 'not_callable'
       FROM plan ORDER BY received_at""",
    "SELECT setval('tickets_id_seq', (SELECT max(id) FROM tickets))",
    """CREATE TEMP TABLE seed_events AS
       SELECT ticket_id, action, from_status, to_status, actor_role, actor_department, reason, data, created_at,
              0 AS step
       FROM ticket_events WHERE false""",
    """INSERT INTO seed_events
       SELECT ticket_id, 'receive', NULL, 'received', 'agent', NULL, NULL, jsonb_build_object('channel', channel),
              received_at, 1
       FROM plan""",
    """INSERT INTO seed_events
       SELECT ticket_id, 'answer', 'received', 'answered', 'agent', NULL, NULL, '{"content": "已直接答复"}',
              received_at + interval '5 minutes', 2
       FROM plan WHERE direct""",
    """INSERT INTO seed_events
       SELECT ticket_id, 'dispatch', 'received', 'dispatched', 'agent', NULL, NULL,
              jsonb_build_object('department', first_dept), dispatch_at, 3
       FROM plan WHERE NOT direct""",
    """INSERT INTO seed_events
       SELECT ticket_id, 'return', 'dispatched', 'returned', 'department', first_dept, '不属于本单位职责',
              jsonb_build_object('department', first_dept), return_at, 4
       FROM plan WHERE returned""",
    """INSERT INTO seed_events
       SELECT ticket_id, 'dispatch', 'returned', 'dispatched', 'agent', NULL, NULL,
              jsonb_build_object('department', dept), round_start, 5
       FROM plan WHERE returned""",
    """INSERT INTO seed_events
       SELECT ticket_id, 'sign', 'dispatched', 'accepted', 'department', dept, NULL, '{}', sign_at, 6
       FROM plan WHERE NOT direct AND sign_at <= now()""",
    """INSERT INTO seed_events
       SELECT ticket_id, 'reply', 'accepted', 'replied', 'department', dept, NULL,
              jsonb_build_object('content', '已处理完毕，现场已整改。', 'on_time', reply_at <= reply_by), reply_at, 7
       FROM plan WHERE replied""",
    """INSERT INTO seed_events
       SELECT ticket_id, 'callback', 'replied', 'callback_done', 'agent', NULL, NULL,
              jsonb_build_object('outcome', callback_status), callback_at, 8
       FROM plan WHERE replied AND callback_status <> 'due'""",
    """INSERT INTO seed_events
       SELECT ticket_id, 'close', 'callback_done', 'closed', 'agent', NULL, NULL, '{}', callback_at, 9
       FROM plan WHERE replied AND (callback_status = 'not_callable'
                                    OR (callback_status = 'done' AND resolved AND satisfaction <> 'unsatisfied'))""",
    # Production appends events as they happen, so the table is in time order; so is the seed. The insert fires
    # the same triggers as production's writes, which derive metric_facts from these events.
    """INSERT INTO ticket_events (ticket_id, action, from_status, to_status, actor_role, actor_department, reason,
                                 data, created_at)
       SELECT ticket_id, action, from_status, to_status, actor_role, actor_department, reason, data, created_at
       FROM seed_events ORDER BY created_at, step""",
    """INSERT INTO callbacks (ticket_id, reply_event_id, department_code, replied_at, reply_on_time,
                             handling_started_at, due_at, status, attempts, reached, resolved, satisfaction,
                             not_callable_reason, answered_via, completed_at, created_at)
       SELECT p.ticket_id, e.id, p.dept, p.reply_at, p.reply_at <= p.reply_by, p.round_start,
              p.reply_at + interval '2 days', p.callback_status,
              CASE WHEN p.callback_status = 'done' THEN 1 ELSE 0 END,
              CASE WHEN p.callback_status = 'done' THEN true END,
              CASE WHEN p.callback_status = 'done' THEN p.resolved END,
              CASE WHEN p.callback_status = 'done' THEN p.satisfaction END,
              CASE WHEN p.callback_status = 'not_callable' THEN 'anonymous' END,
              CASE WHEN p.callback_status = 'done' THEN 'phone' END,
              CASE WHEN p.callback_status <> 'due' THEN p.callback_at END, p.reply_at
       FROM ticket_events e JOIN plan p ON p.ticket_id = e.ticket_id
       WHERE e.action = 'reply'""",
    "VACUUM ANALYZE",  # what autovacuum does to a settled table: statistics and the visibility map
)


async def seed_year(conn, tickets: int) -> dict[str, int]:
    await conn.execute("SELECT setseed(0.12345)")
    await conn.execute(_PLAN, tickets)
    for statement in _STEPS:
        await conn.execute(statement)
    return {"events": await conn.fetchval("SELECT count(*) FROM ticket_events")}


async def run_metrics_bench(settings: Settings, tickets: int, group_by: str = "department") -> dict:
    """Seed `tickets` over the past year, then time the metrics for the last 30 days (and the 30 before)."""
    url = await fresh_database(settings, "hotline_bench_metrics")
    conn = await connect(url)
    try:
        started = time.perf_counter()
        seeded = await seed_year(conn, tickets)
        seed_s = time.perf_counter() - started
        first, last = default_days(datetime.now(ZoneInfo(CITY_TIMEZONE)).date())
        period = period_of_days(first, last)
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            report = await metrics_report(conn, period=period, group_by=group_by)
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        await conn.close()
    timings.sort()
    return {
        "tickets": tickets, "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "events": seeded["events"], "period_volume": report["overall"]["volume"], "group_by": group_by,
        "runs": RUNS, "seed_s": round(seed_s, 1),
    }
