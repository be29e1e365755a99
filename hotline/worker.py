"""`hotline worker`: fires due SLA timers, escalates 督办单 past their deadline and sends queued SMS; any number of
workers may run, each timer, order and message is handled once.

A worker sleeps until the next due timer, order deadline or SMS retry, or a NOTIFY from a newly scheduled one,
whichever is first.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import datetime, timezone

from hotline.callbacks import supervision
from hotline.config import Settings
from hotline.db import UNAVAILABLE_ERRORS, connect, create_pool
from hotline.sms import service as sms
from hotline.sms.gateway import HttpJsonGateway, SmsGateway
from hotline.timers.service import fire_due_timers, next_due

log = logging.getLogger(__name__)
MAX_SLEEP_S = 5.0
BATCH = 200
SMS_BATCH = 50


def sms_gateway(settings: Settings) -> SmsGateway | None:
    """The configured gateway, or None: messages then wait in the outbox."""
    if not settings.sms_gateway_url:
        return None
    return HttpJsonGateway(settings.sms_gateway_url, token=settings.sms_gateway_token)


async def _next_wake(conn) -> datetime | None:
    moments = [await next_due(conn), await supervision.next_deadline(conn)]
    return min((m for m in moments if m is not None), default=None)


async def _sleep(wake: asyncio.Event, due: datetime | None) -> None:
    """Until `due` (at most MAX_SLEEP_S) or a NOTIFY, whichever is first."""
    sleep = MAX_SLEEP_S
    if due is not None:
        sleep = max(0.05, min(MAX_SLEEP_S, (due - datetime.now(timezone.utc)).total_seconds()))
    wake.clear()
    try:
        await asyncio.wait_for(wake.wait(), timeout=sleep)
    except TimeoutError:
        pass


async def _timer_loop(pool, *, name: str, enrich, calendar, wake: asyncio.Event, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            async with pool.acquire() as conn:
                await calendar.refresh(conn)  # a typhoon day declared meanwhile holds for an order's new deadline
                async with conn.transaction():
                    claimed = await fire_due_timers(conn, worker=name, batch=BATCH, enrich=enrich,
                                                    clock=calendar.clock)
                async with conn.transaction():
                    escalated = await supervision.escalate_overdue_orders(conn, clock=calendar.clock, batch=BATCH)
                if claimed == BATCH or escalated == BATCH:
                    continue
                due = await _next_wake(conn)
        except UNAVAILABLE_ERRORS as exc:
            log.warning("database unavailable (%s); retrying", type(exc).__name__)
            await asyncio.sleep(1.0)
            continue
        await _sleep(wake, due)


async def _sms_loop(pool, *, gateway: SmsGateway, settings: Settings, wake: asyncio.Event,
                    stop: asyncio.Event) -> None:
    """Apart from the timers: a slow or hanging gateway never holds back an SLA timer."""
    while not stop.is_set():
        try:
            tried = await sms.send_due(pool, gateway=gateway, max_attempts=settings.sms_max_attempts,
                                       retry_base_s=settings.sms_retry_seconds, batch=SMS_BATCH)
            if tried == SMS_BATCH:
                continue
            async with pool.acquire() as conn:
                due = await sms.next_attempt(conn)
        except UNAVAILABLE_ERRORS as exc:
            log.warning("database unavailable (%s); retrying", type(exc).__name__)
            await asyncio.sleep(1.0)
            continue
        await _sleep(wake, due)


async def run_worker(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    name = f"{socket.gethostname()}:{os.getpid()}"
    from classifier.embedders import load_embedder
    from hotline.intake.enrich import make_enricher
    from hotline.runtime import load_calendar, load_live_router

    embedder = await asyncio.to_thread(load_embedder, settings.embedder)
    pool = await create_pool(settings, settings.database_url)
    # the dispatch-history model once, like the API: it routes the posts intake routed by the rules alone
    enrich = make_enricher(embedder, await load_live_router(settings, pool))
    calendar = await load_calendar(pool)  # an escalated 督办单's new deadline counts working days
    gateway = sms_gateway(settings)
    timers_wake, sms_wake = asyncio.Event(), asyncio.Event()

    def on_notify(*_) -> None:
        timers_wake.set()
        sms_wake.set()

    listener = await connect(settings.database_url)
    await listener.add_listener("hotline_timers", on_notify)
    log.info("worker %s started%s", name, "" if gateway else " (no SMS gateway: messages stay in the outbox)")
    loops = [_timer_loop(pool, name=name, enrich=enrich, calendar=calendar, wake=timers_wake, stop=stop)]
    if gateway is not None:
        loops.append(_sms_loop(pool, gateway=gateway, settings=settings, wake=sms_wake, stop=stop))

    async def stopper() -> None:
        await stop.wait()
        on_notify()  # the loops see the stop at once instead of after their sleep

    try:
        await asyncio.gather(*loops, stopper())
    finally:
        if gateway is not None:
            await gateway.close()
        await listener.close()
        await pool.close()
