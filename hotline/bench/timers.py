"""`hotline bench timers`: N due SLA timers and two worker processes, optionally behind a backlog of M enrichment
jobs queued first (an API that ran without a worker); every timer must fire once, and soon."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

from hotline.bench.intake import fresh_database
from hotline.config import Settings
from hotline.infra.db import connect

_LEAD_S = 3.0  # timers fall due this long after the workers are ready, so lag is measured, not start-up
_READY_TIMEOUT_S = 600  # loading E5 on a busy 2-core machine


async def run_timers_bench(settings: Settings, *, tickets: int, backlog: int = 0) -> dict:
    url = await fresh_database(settings, "hotline_bench_timers")
    conn = await connect(url)
    await _queue_enrichment_backlog(conn, backlog)
    # The workers' own settings (HOTLINE_EMBEDDER, default E5): the backlog costs what it costs in production.
    env = {**os.environ, "HOTLINE_DATABASE_URL": url}
    workers = [subprocess.Popen([sys.executable, "-m", "hotline", "worker"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    try:
        await _until_listening(conn, workers)
        enriched_before = await _enriched(conn)
        await conn.execute(
            """WITH t AS (
                   INSERT INTO tickets (ticket_number, channel, status, type, content, content_masked, received_at,
                                        lead_department, sign_by, reply_by)
                   SELECT 'BT' || g, 'phone', 'accepted', 'complaint', '压测', '压测', now(), 'zjj', now(), now()
                   FROM generate_series(1, $1) g RETURNING id)
               INSERT INTO timers (ticket_id, kind, due_at)
               SELECT id, 'reply_overdue', now() + make_interval(secs => $2 + random()) FROM t""",
            tickets, _LEAD_S,
        )
        deadline = time.monotonic() + _LEAD_S + 120
        while time.monotonic() < deadline:
            if not await conn.fetchval("SELECT count(*) FROM timers WHERE kind <> 'enrich' AND fired_at IS NULL"):
                break
            await asyncio.sleep(0.2)
        sla = await conn.fetchrow(
            """SELECT count(*) FILTER (WHERE fired_at IS NOT NULL) AS fired,
                      extract(epoch FROM max(fired_at - due_at)) AS max_lag,
                      extract(epoch FROM percentile_cont(0.95) WITHIN GROUP (ORDER BY fired_at - due_at)) AS p95_lag
               FROM timers WHERE kind <> 'enrich'""")
        events = await conn.fetchval("SELECT count(*) FROM ticket_events WHERE action = 'sla_overdue'")
        by_worker = await conn.fetch("SELECT fired_by, count(*) FROM timers WHERE kind <> 'enrich' GROUP BY fired_by")
        enriched_after = await _enriched(conn)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
        await conn.close()
    return {"tickets": tickets, "fired": sla["fired"], "duplicates": events - sla["fired"],
            "missed": tickets - sla["fired"], "max_lag_s": round(float(sla["max_lag"] or 0), 3),
            "p95_lag_s": round(float(sla["p95_lag"] or 0), 3),
            "workers": {r["fired_by"]: r["count"] for r in by_worker}, "embedder": settings.embedder,
            # Enrichment went on meanwhile: jobs done while the SLA timers were due, and jobs still queued after.
            "backlog": backlog, "enriched_meanwhile": enriched_after - enriched_before,
            "backlog_left": backlog - enriched_after}


async def _queue_enrichment_backlog(conn, count: int) -> None:
    """`count` web posts, each its own text (so no cache helps), whose enrichment is due before any SLA timer."""
    if not count:
        return
    from hotline.seeds.demo_tickets import TEMPLATES

    contents = [TEMPLATES[i % len(TEMPLATES)].content.format(place=f"鹿城区五马街道第{i}号") for i in range(count)]
    await conn.execute(
        """WITH t AS (
               INSERT INTO tickets (ticket_number, channel, status, type, content, content_masked, received_at,
                                    district_code)
               SELECT 'BE' || g, 'web', 'received', 'complaint', c, c, now(), '330302'
               FROM unnest($1::text[]) WITH ORDINALITY AS x(c, g) RETURNING id)
           INSERT INTO timers (ticket_id, kind, due_at) SELECT id, 'enrich', now() - interval '1 hour' FROM t""",
        contents)


async def _until_listening(conn, workers: list[subprocess.Popen]) -> None:
    """Each worker is ready once its listening connection is open (after its models have loaded)."""
    deadline = time.monotonic() + _READY_TIMEOUT_S
    while time.monotonic() < deadline:
        for worker in workers:
            if worker.poll() is not None:
                raise RuntimeError(f"a worker exited with {worker.returncode} before it was ready")
        listening = await conn.fetchval(
            """SELECT count(*) FROM pg_stat_activity
               WHERE datname = current_database() AND query LIKE 'LISTEN %hotline_enrich%'""")
        if listening >= len(workers):
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"the workers were not ready within {_READY_TIMEOUT_S} s")


async def _enriched(conn) -> int:
    return await conn.fetchval("SELECT count(*) FROM timers WHERE kind = 'enrich' AND fired_at IS NOT NULL")
