"""`hotline worker`: fires due SLA timers; any number of workers may run, each timer fires once.

A worker sleeps until the next due timer or a NOTIFY from a newly scheduled one, whichever is first.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import datetime, timezone

from hotline.config import Settings
from hotline.db import UNAVAILABLE_ERRORS, connect, create_pool
from hotline.timers.service import fire_due_timers, next_due

log = logging.getLogger(__name__)
MAX_SLEEP_S = 5.0
BATCH = 200


async def run_worker(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    name = f"{socket.gethostname()}:{os.getpid()}"
    wake = asyncio.Event()
    from classifier.embedders import load_embedder
    from hotline.intake.enrich import make_enricher
    from hotline.runtime import load_live_router

    embedder = await asyncio.to_thread(load_embedder, settings.embedder)
    pool = await create_pool(settings, settings.database_url)
    # the dispatch-history model once, like the API: it routes the posts intake routed by the rules alone
    enrich = make_enricher(embedder, await load_live_router(settings, pool))
    listener = await connect(settings.database_url)
    await listener.add_listener("hotline_timers", lambda *_: wake.set())
    log.info("worker %s started", name)
    try:
        while not stop.is_set():
            try:
                async with pool.acquire() as conn, conn.transaction():
                    claimed = await fire_due_timers(conn, worker=name, batch=BATCH, enrich=enrich)
                if claimed == BATCH:
                    continue
                async with pool.acquire() as conn:
                    due = await next_due(conn)
            except UNAVAILABLE_ERRORS as exc:
                log.warning("database unavailable (%s); retrying", type(exc).__name__)
                await asyncio.sleep(1.0)
                continue
            sleep = MAX_SLEEP_S
            if due is not None:
                sleep = max(0.05, min(MAX_SLEEP_S, (due - datetime.now(timezone.utc)).total_seconds()))
            wake.clear()
            try:
                await asyncio.wait_for(wake.wait(), timeout=sleep)
            except TimeoutError:
                pass
    finally:
        await listener.close()
        await pool.close()
