"""Durable timers in two queues: SLA clocks scheduled with the deadline and cancelled when the clock stops, each
fired exactly once; and deferred enrichment of new tickets, leased one job at a time and retried with backoff."""
from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache
from typing import Any

import asyncpg

from hotline.auth.tokens import SYSTEM
from hotline.callbacks.supervision import open_orders, order_row
from hotline.infra.db import UNAVAILABLE_ERRORS
from hotline.infra.sql import load_queries
from hotline.tickets.service import record_events
from hotline.seeds import SLA_POLICIES
from timelimits.sla import SlaClock

Q = load_queries(__file__)
log = logging.getLogger(__name__)
SIGN_KINDS = ["sign_warning", "sign_overdue"]
REPLY_KINDS = ["reply_warning", "reply_overdue"]
# Which ticket states keep each clock running; a timer that finds its clock stopped fires as a no-op.
CLOCK_RUNNING = {"sign": {"dispatched", "reopened"}, "reply": {"dispatched", "accepted", "reopened"}}
ENRICHMENT_LEASE_S = 120  # a job outlives its worker by this long at most; E5 takes well under a second a ticket
MAX_RETRY_DELAY_S = 3600


def retry_delay_s(attempts: int) -> int:
    """30 s after the first failure, doubling, at most an hour: a broken job keeps being tried, rarely."""
    return min(MAX_RETRY_DELAY_S, 30 * 2 ** max(0, attempts - 1))


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


async def schedule(conn: asyncpg.Connection, *, ticket_id: int, due: dict[str, datetime]) -> None:
    """Insert timers by kind, e.g. {"sign_warning": t1, "sign_overdue": t2}."""
    for kind, due_at in due.items():
        await conn.execute(Q.insert_timer, ticket_id, kind, due_at)


async def cancel(conn: asyncpg.Connection, *, ticket_id: int, kinds: list[str]) -> None:
    await conn.execute(Q.cancel_timers, ticket_id, kinds)


@lru_cache(maxsize=1)
def _statutory_clock() -> SlaClock:
    """For callers without the process's live calendar: the statutory one (an order's deadline only)."""
    return SlaClock.from_file(SLA_POLICIES)


def _effects(timer: asyncpg.Record, sla: SlaClock) -> tuple[dict[str, Any] | None, tuple | None]:
    """What firing a timer writes: its event (or None when its clock has stopped) and the 督办单 an overdue
    deadline opens for the late department (or None), with its answer deadline on `sla`'s calendar."""
    if timer["kind"] == "callback_overdue":
        if timer["status"] != "replied":
            return None, None
        # the 回访 is the centre's own work: logged, no 督办单 to a department
        return {"ticket_id": timer["ticket_id"], "action": "callback_overdue", "from_status": "replied",
                "to_status": "replied",
                "data": {"clock": "callback", "deadline": timer["due_at"].isoformat(), "timer_id": timer["id"]}}, None
    clock, _, stage = timer["kind"].partition("_")
    if timer["status"] not in CLOCK_RUNNING.get(clock, ()):
        return None, None
    deadline = timer["sign_by"] if clock == "sign" else timer["reply_by"]
    event = {"ticket_id": timer["ticket_id"], "action": f"sla_{stage}", "from_status": timer["status"],
             "to_status": timer["status"],
             "data": {"clock": clock, "deadline": deadline.isoformat() if deadline else None, "timer_id": timer["id"]}}
    order = None
    if stage == "overdue" and timer["lead_department"]:
        order = order_row(ticket_id=timer["ticket_id"], ticket_status=timer["status"],
                          department=timer["lead_department"], cause=timer["kind"], note="超时自动督办", actor=SYSTEM,
                          clock=sla)
    return event, order


async def _write(conn: asyncpg.Connection, timers: list[asyncpg.Record], worker: str, sla: SlaClock) -> None:
    """Fire timers: their events, 督办单 (each with its own event) and marks, a few round trips for the lot."""
    effects = [_effects(timer, sla) for timer in timers]
    events = [event for event, _ in effects if event is not None]
    orders = [order for _, order in effects if order is not None]
    if events:
        await record_events(conn, events=events, actor=SYSTEM)
    if orders:
        await open_orders(conn, orders=orders)
    await conn.execute(Q.mark_fired, [timer["id"] for timer in timers], worker)


async def fire_due_timers(conn: asyncpg.Connection, *, worker: str, batch: int = 200, isolated: bool = False,
                          clock: SlaClock | None = None) -> int:
    """Claim and fire up to `batch` due SLA timers in the caller's transaction; returns how many were claimed.

    `clock` (the working calendar) sets the answer deadline of a 督办单 an overdue clock issues (default: the
    statutory calendar).

    `isolated` fires each under a savepoint, for a batch that failed as a whole: a timer that fails again is
    logged and postponed with backoff, and the others fire.
    """
    timers = await conn.fetch(Q.claim_due_timers, batch)
    sla = clock or _statutory_clock()
    if not isolated:
        if timers:
            await _write(conn, timers, worker, sla)
        return len(timers)
    for timer in timers:
        try:
            async with conn.transaction():
                await _write(conn, [timer], worker, sla)
        except UNAVAILABLE_ERRORS:
            raise
        except Exception as error:
            delay = retry_delay_s(timer["attempts"] + 1)
            log.exception("timer %s (%s, ticket %s) failed; trying again in %d s",
                          timer["id"], timer["kind"], timer["ticket_id"], delay)
            await conn.execute(Q.postpone_timer, timer["id"], delay, describe(error))
    return len(timers)


async def next_due(conn: asyncpg.Connection) -> datetime | None:
    """When the next SLA timer falls due (enrichment is not counted: it has its own loop)."""
    return await conn.fetchval(Q.next_due)


async def lease_enrichment(conn: asyncpg.Connection, *, lease_s: float = ENRICHMENT_LEASE_S) -> asyncpg.Record | None:
    """Take one due enrichment job (id, ticket_id, attempts) for `lease_s`; run outside a transaction, so the
    lease and the attempt are kept even if the worker dies during the job."""
    return await conn.fetchrow(Q.lease_enrichment, lease_s)


async def complete_enrichment(conn: asyncpg.Connection, *, job: asyncpg.Record, worker: str) -> bool:
    """Mark the job done in the caller's transaction, which also stores its result; False when this attempt no
    longer holds it (its lease ran out and another worker took it)."""
    return await conn.fetchval(Q.complete_enrichment, job["id"], job["attempts"], worker) is not None


async def retry_enrichment(conn: asyncpg.Connection, *, job: asyncpg.Record, error: BaseException) -> int:
    """Put a failed job back for later; returns the delay in seconds."""
    delay = retry_delay_s(job["attempts"])
    await conn.execute(Q.retry_enrichment, job["id"], job["attempts"], delay, describe(error))
    return delay


async def next_enrichment_due(conn: asyncpg.Connection) -> datetime | None:
    return await conn.fetchval(Q.next_enrichment_due)
