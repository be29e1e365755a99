"""Durable timers: SLA clocks scheduled with the deadline and cancelled when the clock stops, and deferred
enrichment of new tickets; each fires exactly once."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Awaitable, Callable

import asyncpg

from hotline.auth.tokens import SYSTEM
from hotline.callbacks.supervision import open_order
from hotline.sql import load_queries
from hotline.tickets.service import record_event
from routing.sla import SlaClock

Q = load_queries(__file__)
Enrich = Callable[[asyncpg.Connection, int], Awaitable[None]]
SIGN_KINDS = ["sign_warning", "sign_overdue"]
REPLY_KINDS = ["reply_warning", "reply_overdue"]
# Which ticket states keep each clock running; a timer that finds its clock stopped fires as a no-op.
CLOCK_RUNNING = {"sign": {"dispatched", "reopened"}, "reply": {"dispatched", "accepted", "reopened"}}


async def schedule(conn: asyncpg.Connection, *, ticket_id: int, due: dict[str, datetime]) -> None:
    """Insert timers by kind, e.g. {"sign_warning": t1, "sign_overdue": t2}."""
    for kind, due_at in due.items():
        await conn.execute(Q.insert_timer, ticket_id, kind, due_at)


async def cancel(conn: asyncpg.Connection, *, ticket_id: int, kinds: list[str]) -> None:
    await conn.execute(Q.cancel_timers, ticket_id, kinds)


@lru_cache(maxsize=1)
def _statutory_clock() -> SlaClock:
    """For callers without the process's live calendar: the statutory one (an order's deadline only)."""
    return SlaClock.from_seed()


async def _fire(conn: asyncpg.Connection, timer: asyncpg.Record, enrich: Enrich | None, sla: SlaClock) -> None:
    if timer["kind"] == "enrich":
        if enrich is None:
            raise RuntimeError("an enrich timer needs a worker with an embedder")
        await enrich(conn, timer["ticket_id"])
        return
    if timer["kind"] == "callback_overdue":
        if timer["status"] == "replied":  # the 回访 is the centre's own work: logged, no 督办单 to a department
            await record_event(
                conn, ticket_id=timer["ticket_id"], action="callback_overdue", from_status="replied",
                to_status="replied", actor=SYSTEM,
                data={"clock": "callback", "deadline": timer["due_at"].isoformat(), "timer_id": timer["id"]},
            )
        return
    clock, _, stage = timer["kind"].partition("_")
    if timer["status"] not in CLOCK_RUNNING.get(clock, ()):
        return
    deadline = timer["sign_by"] if clock == "sign" else timer["reply_by"]
    await record_event(
        conn, ticket_id=timer["ticket_id"], action=f"sla_{stage}", from_status=timer["status"],
        to_status=timer["status"], actor=SYSTEM,
        data={"clock": clock, "deadline": deadline.isoformat() if deadline else None, "timer_id": timer["id"]},
    )
    if stage == "overdue" and timer["lead_department"]:
        await open_order(conn, ticket_id=timer["ticket_id"], ticket_status=timer["status"],
                         department=timer["lead_department"], cause=timer["kind"], note="超时自动督办", actor=SYSTEM,
                         clock=sla)


async def fire_due_timers(conn: asyncpg.Connection, *, worker: str, batch: int = 200,
                          enrich: Enrich | None = None, clock: SlaClock | None = None) -> int:
    """Claim and fire up to `batch` due timers in the caller's transaction; returns how many were claimed.

    `enrich(conn, ticket_id)` does the model work deferred from intake (the text's vector, similar tickets);
    `clock` (the working calendar) sets the answer deadline of a 督办单 an overdue clock issues.
    """
    timers = await conn.fetch(Q.claim_due_timers, batch)
    for timer in timers:
        await _fire(conn, timer, enrich, clock or _statutory_clock())
        await conn.execute(Q.mark_fired, timer["id"], worker)
    return len(timers)


async def next_due(conn: asyncpg.Connection) -> datetime | None:
    return await conn.fetchval(Q.next_due)
