"""`hotline worker`: fires due SLA timers, escalates 督办单 past their deadline, enriches new tickets and sends
queued SMS; any number of workers may run, each timer, order, job and message is handled once.

Three loops share the process: SLA timers and overdue 督办单 are claimed in batches; enrichment jobs (the E5
vector, repeat candidates, deferred routing) one at a time with the model run outside any transaction, on a thread
of low CPU priority; SMS (when a gateway is configured) one message at a time, so a slow gateway holds back nothing
else. Deadlines come first: the SLA loop never waits for enrichment, and an enrichment job starts only while no SLA
timer or order is due and none falls due before the job can be expected to end, so a backlog of it cannot take the
CPU or the database from them. Each loop sleeps until its next due job or a NOTIFY on its channel, whichever is
first (a new timer, order deadline or SMS wakes both the SLA and the SMS loop).
"""
from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
import socket
import sys
from datetime import datetime, timezone

import asyncpg

from hotline.callbacks import supervision
from hotline.calendar_days.live import LiveCalendar
from hotline.config import Settings
from hotline.infra.db import UNAVAILABLE_ERRORS, connect, create_pool
from hotline.intake.enrich import Enricher
from hotline.sms import service as sms
from hotline.sms.gateway import HttpJsonGateway, SmsGateway
from hotline.timers.service import (
    complete_enrichment, fire_due_timers, lease_enrichment, next_due, next_enrichment_due, retry_enrichment,
)

log = logging.getLogger(__name__)
MAX_SLEEP_S = 5.0
BATCH = 200
SMS_BATCH = 50
ERROR_PAUSE_S = 1.0
PARENT_CHECK_S = 1.0
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class SlaGate:
    """What the SLA loop tells the enrichment loop: whether timers are being fired, and when the next falls due."""

    def __init__(self) -> None:
        self.changed = asyncio.Event()
        self._busy = True
        self._next_due: float | None = None  # on the event loop's clock
        self._job_s = 0.5  # how long an enrichment job takes, learnt as they run

    def firing(self) -> None:
        self._busy = True
        self.changed.set()

    def waiting(self, next_due: datetime | None) -> None:
        self._busy = False
        self._next_due = None if next_due is None else \
            asyncio.get_running_loop().time() + (next_due - datetime.now(timezone.utc)).total_seconds()
        self.changed.set()

    def job_took(self, seconds: float) -> None:
        self._job_s = 0.8 * self._job_s + 0.2 * seconds

    def hold_s(self) -> float | None:
        """0 when an enrichment job may start now; else how long to wait before asking again (None: until the
        SLA loop says something). A job starts only if it should end, with room to spare, before the next timer."""
        if self._busy:
            return None
        if self._next_due is None:
            return 0.0
        remaining = self._next_due - asyncio.get_running_loop().time()
        return 0.0 if remaining > 2 * self._job_s else max(remaining, 0.0) + 0.05


def end_with_parent(parent_pid: int) -> None:
    """Have the kernel send this process SIGTERM when its parent dies, however it dies (Linux); if the parent is
    already gone, end now. Elsewhere run_worker's watch of the parent pid does the same within a second."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            log.warning("cannot ask the kernel to end this worker with its parent; watching the parent instead")
    if os.getppid() != parent_pid:
        raise SystemExit(f"the parent process {parent_pid} has already ended")


def sms_gateway(settings: Settings) -> SmsGateway | None:
    """The configured gateway, or None: messages then wait in the outbox."""
    if not settings.sms_gateway_url:
        return None
    return HttpJsonGateway(settings.sms_gateway_url, token=settings.sms_gateway_token)


async def run_worker(settings: Settings, *, stop: asyncio.Event | None = None, parent_pid: int | None = None) -> None:
    stop = stop or asyncio.Event()
    name = f"{socket.gethostname()}:{os.getpid()}"
    from classifier.embedders import load_embedder
    from hotline.runtime import load_calendar, load_live_router

    embedder = await asyncio.to_thread(load_embedder, settings.embedder)
    pool = await create_pool(settings, settings.database_url)
    # the dispatch-history model once, like the API: it routes the posts intake routed by the rules alone
    enricher = Enricher(embedder, await load_live_router(settings, pool), background=True)
    calendar = await load_calendar(pool)  # an automatic or escalated 督办单's deadline counts working days
    gateway = sms_gateway(settings)
    timers_wake, enrich_wake, sms_wake, gate = asyncio.Event(), asyncio.Event(), asyncio.Event(), SlaGate()

    def on_timers_notify(*_) -> None:  # one channel for timers, order deadlines and new SMS
        timers_wake.set()
        sms_wake.set()

    listener = await connect(settings.database_url)
    await listener.add_listener("hotline_timers", on_timers_notify)
    await listener.add_listener("hotline_enrich", lambda *_: enrich_wake.set())
    log.info("worker %s started%s", name, "" if gateway else " (no SMS gateway: messages stay in the outbox)")
    try:
        loops = [_sla_loop(pool, name, calendar, stop, timers_wake, gate),
                 _enrichment_loop(pool, name, enricher, stop, enrich_wake, gate)]
        if gateway is not None:
            loops.append(_sms_loop(pool, gateway, settings, stop, sms_wake))
        if parent_pid is not None:
            loops.append(_watch_parent(parent_pid, stop))
        await asyncio.gather(*loops)
    finally:
        enricher.close()
        if gateway is not None:
            await gateway.close()
        await listener.close()
        await pool.close()


async def _sla_loop(pool: asyncpg.Pool, name: str, calendar: LiveCalendar, stop: asyncio.Event,
                    wake: asyncio.Event, gate: SlaGate) -> None:
    while not stop.is_set():
        wake.clear()  # before looking: a NOTIFY from now on wakes the next sleep
        gate.firing()  # no enrichment job starts until the due timers and orders are handled
        try:
            async with pool.acquire() as conn:
                await calendar.refresh(conn)  # a typhoon day declared meanwhile holds for an order's new deadline
                try:
                    async with conn.transaction():
                        claimed = await fire_due_timers(conn, worker=name, batch=BATCH, clock=calendar.clock)
                except UNAVAILABLE_ERRORS:
                    raise
                except Exception:
                    log.exception("a batch of SLA timers failed; firing them one at a time")
                    async with conn.transaction():
                        claimed = await fire_due_timers(conn, worker=name, batch=BATCH, clock=calendar.clock,
                                                        isolated=True)
                async with conn.transaction():
                    escalated = await supervision.escalate_overdue_orders(conn, clock=calendar.clock, batch=BATCH)
                if claimed == BATCH or escalated == BATCH:
                    continue
                due = await _next_wake(conn)
        except Exception as error:
            _log_loop_error("SLA timers", error)
            gate.waiting(None)
            await _sleep(stop, wake, ERROR_PAUSE_S)
            continue
        gate.waiting(due)
        await _sleep(stop, wake, _until(due))


async def _enrichment_loop(pool: asyncpg.Pool, name: str, enricher: Enricher, stop: asyncio.Event,
                           wake: asyncio.Event, gate: SlaGate) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        gate.changed.clear()
        hold = gate.hold_s()
        if hold != 0.0:
            await _first(gate.changed, stop, timeout=hold)
            continue
        wake.clear()
        try:
            async with pool.acquire() as conn:
                started = loop.time()
                if await enrich_next_ticket(conn, worker=name, enricher=enricher):
                    gate.job_took(loop.time() - started)
                    continue
                due = await next_enrichment_due(conn)
        except Exception as error:
            _log_loop_error("enrichment", error)
            await _sleep(stop, wake, ERROR_PAUSE_S)
            continue
        await _sleep(stop, wake, _until(due))


async def _sms_loop(pool: asyncpg.Pool, gateway: SmsGateway, settings: Settings, stop: asyncio.Event,
                    wake: asyncio.Event) -> None:
    """Apart from the timers: a slow or hanging gateway never holds back an SLA timer."""
    while not stop.is_set():
        wake.clear()
        try:
            tried = await sms.send_due(pool, gateway=gateway, max_attempts=settings.sms_max_attempts,
                                       retry_base_s=settings.sms_retry_seconds, batch=SMS_BATCH)
            if tried == SMS_BATCH:
                continue
            async with pool.acquire() as conn:
                due = await sms.next_attempt(conn)
        except Exception as error:
            _log_loop_error("SMS", error)
            await _sleep(stop, wake, ERROR_PAUSE_S)
            continue
        await _sleep(stop, wake, _until(due))


async def _next_wake(conn: asyncpg.Connection) -> datetime | None:
    """The SLA loop's next work: a timer or an order deadline, whichever is first."""
    moments = [await next_due(conn), await supervision.next_deadline(conn)]
    return min((m for m in moments if m is not None), default=None)


async def enrich_next_ticket(conn: asyncpg.Connection, *, worker: str, enricher: Enricher) -> bool:
    """Lease one due enrichment job, run the models outside any transaction, then store the result and mark the
    job done in one transaction. A job that fails is logged and tried again later with backoff; returns whether
    there was a job."""
    job = await lease_enrichment(conn)
    if job is None:
        return False
    try:
        enrichment = await enricher.prepare(conn, job["ticket_id"])
        async with conn.transaction():
            if await complete_enrichment(conn, job=job, worker=worker):
                await enricher.store(conn, enrichment)
    except UNAVAILABLE_ERRORS:
        raise  # the lease runs out and the job is taken again once the database is back
    except Exception as error:
        delay = await retry_enrichment(conn, job=job, error=error)
        log.exception("enriching ticket %s failed (attempt %d); trying again in %d s",
                      job["ticket_id"], job["attempts"], delay)
    return True


async def enrich_due_tickets(conn: asyncpg.Connection, *, worker: str, enricher: Enricher) -> int:
    """Every enrichment job due now, one at a time, as the worker does them; returns how many were taken."""
    taken = 0
    while await enrich_next_ticket(conn, worker=worker, enricher=enricher):
        taken += 1
    return taken


async def _watch_parent(parent_pid: int, stop: asyncio.Event) -> None:
    while not stop.is_set():
        if os.getppid() != parent_pid:  # reparented: the process that started this worker is gone
            log.warning("parent process %d ended; stopping", parent_pid)
            stop.set()
            return
        await _first(stop, timeout=PARENT_CHECK_S)


def _log_loop_error(loop: str, error: Exception) -> None:
    if isinstance(error, UNAVAILABLE_ERRORS):
        log.warning("%s: database unavailable (%s); retrying", loop, type(error).__name__)
    else:
        log.error("%s: unexpected error; retrying", loop, exc_info=error)


def _until(due: datetime | None) -> float:
    if due is None:
        return MAX_SLEEP_S
    return max(0.05, min(MAX_SLEEP_S, (due - datetime.now(timezone.utc)).total_seconds()))


async def _sleep(stop: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
    """Until `seconds` pass, a NOTIFY wakes this loop, or the worker is stopped."""
    await _first(wake, stop, timeout=seconds)


async def _first(*events: asyncio.Event, timeout: float | None = None) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
