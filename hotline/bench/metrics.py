"""`hotline bench metrics`: a year of N tickets with their event log, seeded in SQL through the production triggers
(which keep metric_facts and the command view's rollups); then each view of the supervisor is timed: the 30-day
report, and the command view's figures, trends, map, ranking, drill-down and wallboard.

Seeding ten million tickets takes hours on two cores, so `--reuse` keeps the seeded database (one per size, in
the data folder's PostgreSQL) and times it again without seeding.
"""
from __future__ import annotations

import os
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from feedback.periods import CITY_TIMEZONE, default_days, period_of_days
from hotline.bench.intake import fresh_database
from hotline.metrics.report import metrics_report
from hotline.command import service as command
from hotline.config import Settings
from hotline.infra.db import connect, database_url

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
       CASE WHEN callback_kind = 'not_callable' THEN reply_at ELSE reply_at + interval '1 day' END AS callback_at,
       -- the first staff event: the answer or the dispatch (what the first-response trigger would find)
       CASE WHEN direct THEN received_at + interval '5 minutes' ELSE dispatch_at END AS first_staff_at
FROM planned
"""

_STEPS = (
    """INSERT INTO tickets (id, ticket_number, channel, status, type, category_path, content, content_masked,
                           district_code, lead_department, sign_by, reply_by, original_reply_by, received_at,
                           created_at, citizen_phone, anonymous, first_response_at)
       SELECT ticket_id, 'BM' || ticket_id, channel,
              CASE WHEN direct THEN 'answered' WHEN sign_at > now() THEN 'dispatched'
                   WHEN reply_at > now() THEN 'accepted' WHEN callback_kind = 'not_callable' THEN 'closed'
                   WHEN reply_at > now() - interval '2 days' THEN 'replied'
                   WHEN resolved AND satisfaction <> 'unsatisfied' THEN 'closed'
                   ELSE 'callback_done' END,
              type, category, '压测工单', '压测工单', district, CASE WHEN NOT direct THEN dept END,
              CASE WHEN NOT direct THEN sign_by END, CASE WHEN NOT direct THEN reply_by END,
              CASE WHEN NOT direct THEN reply_by END, received_at, received_at,
              CASE WHEN callback_kind = 'done' THEN '13800000000' END, callback_kind = 'not_callable',
              CASE WHEN channel IN ('web', 'app', 'wechat', 'email') AND first_staff_at <= now() THEN first_staff_at END
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
    # The SLA clocks of open tickets, as dispatch schedules them: the warning at 75 % of the time, then overdue.
    # No worker listens to the bench database, so a timer that was due has fired (the warning) or is left pending.
    """INSERT INTO timers (ticket_id, kind, due_at, fired_at, fired_by, created_at)
       SELECT t.id, k.kind, k.due_at, CASE WHEN k.kind LIKE '%warning' AND k.due_at <= now() THEN k.due_at END,
              CASE WHEN k.kind LIKE '%warning' AND k.due_at <= now() THEN 'bench' END, p.round_start
       FROM tickets t JOIN plan p ON p.ticket_id = t.id
       CROSS JOIN LATERAL (VALUES
           ('sign_warning', p.round_start + (p.sign_by - p.round_start) * 0.75), ('sign_overdue', p.sign_by),
           ('reply_warning', p.round_start + (p.reply_by - p.round_start) * 0.75), ('reply_overdue', p.reply_by)) k (kind, due_at)
       WHERE t.status = 'dispatched' OR (t.status = 'accepted' AND k.kind LIKE 'reply%')""",
)
_EVENTS = """
    INSERT INTO ticket_events (ticket_id, action, from_status, to_status, actor_role, actor_department, reason,
                               data, created_at)
    SELECT ticket_id, action, from_status, to_status, actor_role, actor_department, reason, data, created_at
    FROM seed_events WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, step"""
_ANALYZE = "ANALYZE tickets, ticket_events, metric_facts, metric_rollup, metric_rollup_deltas"
_SETTLE = "VACUUM ANALYZE"  # what autovacuum does to a settled table: statistics and the visibility map
EVENT_WINDOW = timedelta(days=30)


async def seed_year(conn: asyncpg.Connection, tickets: int, progress: Callable[[str], None] = lambda _: None
                    ) -> dict[str, int]:
    """Tickets received over the past year with their events, facts, callbacks and open clocks."""
    await conn.execute("SELECT setseed(0.12345)")
    await conn.execute(_PLAN, tickets)
    events_at = len(_STEPS) - 2  # the events go in after the last seed_events step, before the callbacks
    for number, statement in enumerate(_STEPS):
        if number == events_at:
            # Production appends events as they happen, so the table is in time order; so is the seed, a month
            # at a time (each a statement of its own, firing the production triggers that derive metric_facts,
            # first responses and the rollups).
            start, end = await conn.fetchrow("SELECT min(created_at), max(created_at) FROM seed_events")
            await conn.execute(_ANALYZE)
            while start <= end:
                await conn.execute(_EVENTS, start, start + EVENT_WINDOW)
                # A month's events at once outgrow the statistics faster than autovacuum wakes; stale ones let the
                # triggers' statements scan every sign per dispatch (quadratic), so the seed refreshes them.
                await conn.execute(_ANALYZE)
                start += EVENT_WINDOW
                progress(f"events up to {start:%Y-%m-%d}")
        # the timers' notify trigger wakes workers; none listen here, and a burst of notifications slows the commit
        if statement.lstrip().startswith("INSERT INTO timers"):
            await conn.execute("ALTER TABLE timers DISABLE TRIGGER timers_notify")
        await conn.execute(statement)
        progress(statement.split("(")[0].split("\n")[0].strip()[:40])
    await conn.execute("SELECT fold_metric_rollup()")
    await conn.execute(_SETTLE)
    return {"events": await conn.fetchval("SELECT count(*) FROM ticket_events")}


async def _bench_database(settings: Settings, tickets: int, reuse: bool,
                          progress: Callable[[str], None]) -> tuple[str, dict]:
    """The seeded database of this size: kept from an earlier run with --reuse, else made anew."""
    name = f"hotline_bench_metrics_{tickets}"
    url = database_url(settings.database_url, name)
    if reuse:
        try:
            conn = await connect(url)
        except asyncpg.InvalidCatalogNameError:
            conn = None
        if conn is not None:
            try:
                seeded = await conn.fetchrow("SELECT * FROM bench_seed") if await conn.fetchval(
                    "SELECT to_regclass('bench_seed') IS NOT NULL") else None
            finally:
                await conn.close()
            if seeded is not None:
                return url, {**dict(seeded), "reused": True}
    url = await fresh_database(settings, name)
    conn = await connect(url)
    try:
        started = time.perf_counter()
        seeded = await seed_year(conn, tickets, progress)
        seed_s = round(time.perf_counter() - started, 1)
        await conn.execute("CREATE TABLE bench_seed AS SELECT $1::bigint AS tickets, $2::bigint AS events, "
                           "$3::float8 AS seed_s, now() AS seeded_at, $4::text AS load_during_seed",
                           tickets, seeded["events"], seed_s, _load())
    finally:
        await conn.close()
    return url, {"tickets": tickets, "events": seeded["events"], "seed_s": seed_s, "reused": False}


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


async def _timed(work: Callable[[], Awaitable[object]], runs: int) -> dict[str, float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {"p50_ms": round(statistics.median(timings), 1), "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1)}


def _views(conn: asyncpg.Connection, group_by: str) -> dict[str, Callable[[], Awaitable[object]]]:
    """Each view as its endpoint reads it (one repeatable-read snapshot per view)."""
    today = datetime.now(ZoneInfo(CITY_TIMEZONE)).date()
    first, last = default_days(today)
    days = command.Days(first, last)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)

    def snapshot(work):
        async def run():
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                return await work()
        return run

    def drill(measure: str, part: str, **filters):
        return snapshot(lambda: command.drill(
            conn, measure=measure, part=part, days=days, district=filters.get("district"), channel=None,
            category=None, department=filters.get("department"), street=None, page=1, page_size=20))

    return {
        f"report_by_{group_by}": snapshot(lambda: metrics_report(conn, period=period_of_days(first, last),
                                                                  group_by=group_by)),
        "tiles": snapshot(lambda: command.tiles(conn, days=days, previous=days.previous(), district=None)),
        "tiles_district": snapshot(lambda: command.tiles(conn, days=days, previous=days.previous(),
                                                         district="330302")),
        "trends": snapshot(lambda: command.trends(conn, days=days, district=None)),
        "map_with_streets": snapshot(lambda: command.city_map(conn, days=days, district="330302")),
        "ranking": snapshot(lambda: command.ranking(conn, month=last_month, public=False)),
        "ranking_public": snapshot(lambda: command.ranking(conn, month=last_month, public=True)),
        "drill_contacts": drill("contacts", "all"),
        "drill_response_miss": drill("response", "miss"),
        "drill_satisfaction_miss": drill("satisfaction", "miss", department="zjj"),
        "drill_handling": drill("handling", "all", district="330302"),
        "drill_overdue": drill("overdue", "all"),
        "wallboard": snapshot(lambda: command.wallboard(conn, day=today)),
    }


async def run_metrics_bench(settings: Settings, tickets: int, group_by: str = "department", reuse: bool = False,
                            runs: int = RUNS, progress: Callable[[str], None] = lambda _: None) -> dict:
    """Seed `tickets` over the past year (or reuse that seed), then time every view for the last 30 days (and
    the 30 before), the last whole month's ranking and today's wallboard."""
    url, seeded = await _bench_database(settings, tickets, reuse, progress)
    conn = await connect(url)
    load_before = _load()
    try:
        views = {}
        for name, work in _views(conn, group_by).items():
            await work()  # the first call plans the statements and warms the cache, as a running server has
            views[name] = await _timed(work, runs)
        first, last = default_days(datetime.now(ZoneInfo(CITY_TIMEZONE)).date())
        report = await metrics_report(conn, period=period_of_days(first, last), group_by=None)
        sizes = await conn.fetchrow(
            "SELECT pg_database_size(current_database()) AS database_bytes, "
            "(SELECT count(*) FROM metric_rollup) AS rollup_rows, (SELECT count(*) FROM metric_facts) AS facts")
    finally:
        await conn.close()
    worst = max(views.values(), key=lambda v: v["p95_ms"])
    return {
        "tickets": tickets, "events": seeded["events"], "seed_s": seeded["seed_s"], "reused": seeded["reused"],
        "period_volume": report["overall"]["volume"], "rollup_rows": sizes["rollup_rows"], "facts": sizes["facts"],
        "database_gb": round(sizes["database_bytes"] / 2**30, 2), "runs": runs, "views": views,
        "worst_p95_ms": worst["p95_ms"], "p50_ms": views[f"report_by_{group_by}"]["p50_ms"],
        "p95_ms": views[f"report_by_{group_by}"]["p95_ms"], "group_by": group_by,
        "load": {"before": load_before, "after": _load()},
    }
