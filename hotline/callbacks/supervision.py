"""督办单: the supervisor's orders to a late or unsatisfying department and their loop: the department answers
(反馈), the supervisor closes (办结) or escalates (升级), and an order left unanswered past its deadline escalates
by itself (the order row is its own durable timer). Every step is one transaction with its ticket event."""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import asyncpg

from hotline.infra import clock
from hotline.auth.tokens import SYSTEM, Principal, actor_role
from hotline.infra.errors import Conflict, Forbidden, NotFound
from hotline.text.pii import mask_text
from hotline.intake.redact import redact
from hotline.infra.sql import load_queries
from hotline.tickets.protection import is_protected, reporter_of
from hotline.tickets.service import record_event, ticket_for_action
from timelimits.sla import SlaClock

Q = load_queries(__file__)
LIST_LIMIT = 500
LEVELS = {1: "一般督办", 2: "重点督办", 3: "挂牌督办"}
TOP_LEVEL = max(LEVELS)
# Who else receives an escalated order: the department's head, then the city government's inspection office.
COPIED_TO = {2: "承办单位主要负责人", 3: "市政府督查室"}
ANSWER_WORKING_DAYS = {1: 3, 2: 2, 3: 1}  # the department's time to answer at each level
AUTO_ESCALATION_REASON = "逾期未反馈，自动升级"
FREE_TEXT = ("note", "answer", "close_note")  # written by staff; may quote the citizen


def _now() -> datetime:
    return clock.now()  # the real time, or the demo story's moment


async def list_orders(
    conn: asyncpg.Connection, *, viewer: Principal, status: str | None, order_id: int | None = None,
    ticket_number: str | None = None,
) -> list[dict[str, Any]]:
    """The orders the viewer may see; a department reads them as it reads the ticket: numbers masked, and a
    protected ticket's (举报, confidential) title and every note redacted like the ticket's text."""
    department = viewer.department_code if viewer.role == "department" else None
    rows = [dict(r) for r in await conn.fetch(Q.list_supervision_orders, status, department, LIST_LIMIT, order_id,
                                              ticket_number)]
    if department and rows:
        await asyncio.to_thread(lambda: [_for_department(row) for row in rows])
    return rows


def _for_department(row: dict[str, Any]) -> None:
    """Rewrite an order row in place for the supervised department (CPU work: run it off the event loop)."""
    if is_protected(row):
        reporter = reporter_of(row)
        # the ticket's stored (reviewed) copy when there is one, as the department's ticket view shows it
        row["title"] = row["title_redacted"] if row["has_copy"] else redact(row["title"], reporter)
        for key in FREE_TEXT:
            row[key] = redact(row[key], reporter)
    else:
        for key in FREE_TEXT:
            if row[key]:
                row[key] = mask_text(row[key])[0]


async def open_order(
    conn: asyncpg.Connection, *, ticket_id: int, ticket_status: str, department: str, cause: str, note: str,
    actor: Principal, clock: SlaClock, working_days: int | None = None,
) -> int | None:
    """A new order with its answer deadline and its `supervision_order` event; None when the automatic order of
    this cause is already there (one per ticket, department and cause)."""
    return await conn.fetchval(Q.open_supervision_order, *order_row(
        ticket_id=ticket_id, ticket_status=ticket_status, department=department, cause=cause, note=note, actor=actor,
        clock=clock, working_days=working_days))


def order_row(
    *, ticket_id: int, ticket_status: str, department: str, cause: str, note: str, actor: Principal, clock: SlaClock,
    working_days: int | None = None,
) -> tuple:
    """open_supervision_order's arguments: the order, its answer deadline and its event."""
    due_at = clock.calendar.add_working_days(_now(), working_days or ANSWER_WORKING_DAYS[1])
    data = {"department": department, "cause": cause, "level": 1, "due_at": due_at.isoformat()}
    return (ticket_id, department, cause, note, actor.user_id, due_at, ticket_status, actor_role(actor),
            actor.department_code, data)


async def open_orders(conn: asyncpg.Connection, *, orders: list[tuple]) -> None:
    """Many orders (rows from `order_row`) in one round trip, as a batch of overdue clocks issues them; an
    automatic order already there is skipped with its event."""
    await conn.executemany(Q.open_supervision_order, orders)


async def issue_order(
    conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, note: str, clock: SlaClock,
    working_days: int | None = None,
) -> int:
    """A manual order to the ticket's lead department, logged on the ticket."""
    if actor.role not in ("supervisor", "admin"):
        raise Forbidden("only a supervisor issues supervision orders", role=actor.role)
    ticket = await ticket_for_action(conn, ticket_number)
    if ticket["lead_department"] is None:
        raise Conflict(f"ticket {ticket_number} has no lead department to supervise", current_status=ticket["status"])
    return await open_order(conn, ticket_id=ticket["id"], ticket_status=ticket["status"],
                            department=ticket["lead_department"], cause="manual", note=note, actor=actor,
                            clock=clock, working_days=working_days)


async def _locked(conn: asyncpg.Connection, order_id: int) -> asyncpg.Record:
    order = await conn.fetchrow(Q.lock_order, order_id)
    if order is None:
        raise NotFound(f"supervision order {order_id} not found", field="order_id")
    return order


async def _event(conn: asyncpg.Connection, order: asyncpg.Record, action: str, actor: Principal,
                 reason: str | None, **data: Any) -> None:
    await record_event(conn, ticket_id=order["ticket_id"], action=action, from_status=order["ticket_status"],
                       to_status=order["ticket_status"], actor=actor, reason=reason,
                       data={"order_id": order["id"], "department": order["department_code"], **data})


async def answer_order(conn: asyncpg.Connection, *, order_id: int, actor: Principal, answer: str) -> None:
    """反馈: the department says what it has done; the order waits for the supervisor."""
    order = await _locked(conn, order_id)
    if actor.role != "department" or actor.department_code != order["department_code"]:
        raise Forbidden("only the supervised department answers its order", role=actor.role)
    if order["status"] != "open":
        raise Conflict(f"supervision order {order_id} is {order['status']}; only an open order is answered",
                       current_status=order["status"], action="answer_order")
    await conn.execute(Q.answer_order, order_id, answer, actor.user_id)
    await _event(conn, order, "supervision_answered", actor, None, answer=answer, level=order["level"])


async def close_order(conn: asyncpg.Connection, *, order_id: int, actor: Principal, note: str | None) -> None:
    """办结: the supervisor accepts the answer (or ends an order the ticket's progress made moot)."""
    order = await _locked(conn, order_id)
    if order["status"] == "closed":
        raise Conflict(f"supervision order {order_id} is already closed", current_status="closed",
                       action="close_order")
    await conn.execute(Q.close_order, order_id, actor.user_id, note)
    await _event(conn, order, "supervision_closed", actor, note, level=order["level"])


async def _raise_level(conn: asyncpg.Connection, order: asyncpg.Record, *, actor: Principal, reason: str,
                       clock: SlaClock) -> None:
    level = order["level"] + 1
    due_at = clock.calendar.add_working_days(_now(), ANSWER_WORKING_DAYS[level])
    await conn.execute(Q.escalate_order, order["id"], level, due_at)
    await _event(conn, order, "supervision_escalated", actor, reason, level=level, level_name=LEVELS[level],
                 copied_to=COPIED_TO[level], due_at=due_at.isoformat())


async def escalate_order(
    conn: asyncpg.Connection, *, order_id: int, actor: Principal, reason: str, clock: SlaClock,
) -> None:
    """升级: one level up (重点督办 copied to the department's head, 挂牌督办 reported to the city government's
    inspection office), a shorter deadline, and the department answers again."""
    order = await _locked(conn, order_id)
    if order["status"] == "closed":
        raise Conflict(f"supervision order {order_id} is already closed", current_status="closed",
                       action="escalate_order")
    if order["level"] >= TOP_LEVEL:
        raise Conflict(f"supervision order {order_id} is already at the highest level", current_status=order["status"],
                       action="escalate_order")
    await _raise_level(conn, order, actor=actor, reason=reason, clock=clock)


async def escalate_overdue_orders(conn: asyncpg.Connection, *, clock: SlaClock, batch: int = 200) -> int:
    """Claim open orders past their deadline (SKIP LOCKED: each once, whatever the number of workers) and raise
    them a level; at the top level the lapse is recorded once. Returns how many were claimed."""
    orders = await conn.fetch(Q.claim_overdue_orders, batch)
    for order in orders:
        if order["level"] < TOP_LEVEL:
            await _raise_level(conn, order, actor=SYSTEM, reason=AUTO_ESCALATION_REASON, clock=clock)
        else:
            await conn.execute(Q.mark_lapsed, order["id"])
            await _event(conn, order, "supervision_lapsed", SYSTEM, None, level=order["level"],
                         due_at=order["due_at"].isoformat())
    return len(orders)


async def next_deadline(conn: asyncpg.Connection) -> datetime | None:
    return await conn.fetchval(Q.next_order_deadline)
