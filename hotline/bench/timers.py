"""`hotline bench timers`: N due timers, two worker processes; every timer must fire once, and soon."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

from hotline.bench.intake import fresh_database
from hotline.config import Settings
from hotline.db import connect

_LEAD_S = 3.0  # timers fall due this long after the workers start, so lag is measured, not start-up


async def run_timers_bench(settings: Settings, *, tickets: int) -> dict:
    url = await fresh_database(settings, "hotline_bench_timers")
    conn = await connect(url)
    env = {**os.environ, "HOTLINE_DATABASE_URL": url}
    workers = [subprocess.Popen([sys.executable, "-m", "hotline", "worker"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    try:
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
            if not await conn.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NULL"):
                break
            await asyncio.sleep(0.2)
        fired = await conn.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NOT NULL")
        events = await conn.fetchval("SELECT count(*) FROM ticket_events WHERE action = 'sla_overdue'")
        max_lag = await conn.fetchval("SELECT extract(epoch FROM max(fired_at - due_at)) FROM timers")
        by_worker = await conn.fetch("SELECT fired_by, count(*) FROM timers GROUP BY fired_by")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(10)
        await conn.close()
    return {"tickets": tickets, "fired": fired, "duplicates": events - fired, "missed": tickets - fired,
            "max_lag_s": round(float(max_lag or 0), 3), "workers": {r["fired_by"]: r["count"] for r in by_worker}}
