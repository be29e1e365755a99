"""Dispatch and the department's side of a ticket: 派单, 签收, 退单, 延期, 办结答复, and the agent's 直接答复.

Each function checks who may act, moves the ticket through the state machine with its event, and keeps
deadlines and timers in step, all inside the caller's transaction.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from hotline.infra import clock
from hotline.auth.tokens import Principal
from hotline.city import service as city
from hotline.callbacks.service import open_callback
from hotline.infra.errors import Conflict, Forbidden, InvalidField, NotFound
from hotline.sms.service import queue_ticket_notice
from hotline.infra.sql import load_queries
from hotline.tickets import protection
from hotline.tickets.service import record_event, ticket_for_action, transition
from hotline.timers import service as timers
from timelimits.sla import SlaClock

Q = load_queries(__file__)


def _now() -> datetime:
    return clock.now()  # the real time, or the demo story's moment


async def _require_lead(conn: asyncpg.Connection, ticket: asyncpg.Record, actor: Principal) -> None:
    """Only the department holding the ticket as lead (主办) may sign, return, extend or reply."""
    if actor.role != "department":
        raise Forbidden("only the responsible department may do this", role=actor.role)
    role = await conn.fetchval(Q.holds_ticket, ticket["id"], actor.department_code)
    if role != "lead":
        raise Forbidden(f"ticket {ticket['ticket_number']} is not held by your department as lead")


async def _check_department(conn: asyncpg.Connection, code: str, field: str) -> None:
    if not await city.department_exists(conn, code):
        raise InvalidField(field, f"unknown department code {code!r}")


async def classify_ticket(
    conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, type_: str, category: str | None,
    urgency: str,
) -> None:
    """The agent confirms or corrects type, category and urgency; the event is the training signal."""
    ticket = await ticket_for_action(conn, ticket_number)
    if category and not await city.category_exists(conn, category):
        raise InvalidField("category", f"unknown category {category!r}")
    if ticket["type"] == "report" and type_ != "report":
        await protection.keep_protection_after_type_change(conn, ticket_id=ticket["id"])
    await conn.execute(Q.set_classification, ticket["id"], type_, category, urgency)
    # Classified as 举报 (even after dispatch): the department copy exists from now on.
    await protection.ensure_redacted(conn, ticket_id=ticket["id"])
    await record_event(
        conn, ticket_id=ticket["id"], action="classify", from_status=ticket["status"], to_status=ticket["status"],
        actor=actor, data={"type": type_, "category": category, "urgency": urgency,
                           "before": {"type": ticket["type"], "category": ticket["category_path"],
                                      "urgency": ticket["urgency"]}},
    )


async def dispatch_ticket(
    conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, department: str,
    co_departments: list[str], note: str | None, sla: SlaClock,
) -> dict[str, datetime]:
    ticket = await ticket_for_action(conn, ticket_number)
    if ticket["type"] is None:
        raise InvalidField("type", "confirm the ticket's type before dispatch (it sets the time limits)")
    await _check_department(conn, department, "department")
    for code in co_departments:
        await _check_department(conn, code, "co_departments")
    if department in co_departments:
        raise InvalidField("co_departments", "the lead department cannot also be a co-department")
    await protection.ensure_redacted(conn, ticket_id=ticket["id"])  # at the latest now, before any department reads
    await transition(conn, ticket_id=ticket["id"], action="dispatch", actor=actor, reason=note,
                     data={"department": department, "co_departments": co_departments})
    await conn.execute(Q.release_departments, ticket["id"])
    await conn.execute(Q.assign_department, ticket["id"], department, "lead")
    for code in co_departments:
        await conn.execute(Q.assign_department, ticket["id"], code, "co")
    due = sla.deadlines(_now(), ticket["type"], ticket["urgency"])
    await conn.execute(Q.set_dispatch, ticket["id"], department, due["sign_by"], due["reply_by"])
    await timers.cancel(conn, ticket_id=ticket["id"], kinds=timers.SIGN_KINDS + timers.REPLY_KINDS)
    await timers.schedule(conn, ticket_id=ticket["id"], due={
        "sign_warning": due["warn_sign_at"], "sign_overdue": due["sign_by"],
        "reply_warning": due["warn_reply_at"], "reply_overdue": due["reply_by"],
    })
    return due


async def sign_ticket(conn: asyncpg.Connection, *, ticket_number: str, actor: Principal) -> None:
    ticket = await ticket_for_action(conn, ticket_number)
    await _require_lead(conn, ticket, actor)
    await transition(conn, ticket_id=ticket["id"], action="sign", actor=actor)
    await timers.cancel(conn, ticket_id=ticket["id"], kinds=timers.SIGN_KINDS)


async def return_ticket(conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, reason: str) -> None:
    """退单: a mis-routed ticket goes back to the dispatch queue with the department's reason."""
    ticket = await ticket_for_action(conn, ticket_number)
    await _require_lead(conn, ticket, actor)
    await transition(conn, ticket_id=ticket["id"], action="return", actor=actor, reason=reason,
                     data={"department": actor.department_code})
    await conn.execute(Q.release_departments, ticket["id"])
    await conn.execute(Q.clear_lead, ticket["id"])
    await timers.cancel(conn, ticket_id=ticket["id"], kinds=timers.SIGN_KINDS + timers.REPLY_KINDS)


async def reply_ticket(conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, content: str,
                       sla: SlaClock) -> None:
    ticket = await ticket_for_action(conn, ticket_number)
    await _require_lead(conn, ticket, actor)
    on_time = ticket["reply_by"] is None or _now() <= ticket["reply_by"]
    await transition(conn, ticket_id=ticket["id"], action="reply", actor=actor,
                     data={"content": content, "on_time": on_time})
    await timers.cancel(conn, ticket_id=ticket["id"], kinds=timers.REPLY_KINDS)
    await open_callback(conn, ticket_id=ticket["id"], calendar=sla.calendar)  # 回访 for every reply
    await queue_ticket_notice(conn, ticket_id=ticket["id"], template="ticket_replied")


async def answer_ticket(conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, content: str) -> None:
    """直接答复: the agent answers a consultation at first contact and the ticket is done."""
    ticket = await ticket_for_action(conn, ticket_number)
    await transition(conn, ticket_id=ticket["id"], action="answer", actor=actor, data={"content": content})


async def request_extension(
    conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, working_days: int, reason: str,
) -> asyncpg.Record:
    ticket = await ticket_for_action(conn, ticket_number)
    await _require_lead(conn, ticket, actor)
    if ticket["status"] != "accepted":
        raise Conflict("an extension can be asked for only on a signed ticket not yet replied",
                       current_status=ticket["status"], action="request_extension")
    try:
        async with conn.transaction():  # savepoint: the unique index may refuse a second pending request
            request = await conn.fetchrow(
                Q.insert_extension_request, ticket["id"], actor.department_code, working_days, reason,
                actor.user_id, ticket["reply_by"],
            )
    except asyncpg.UniqueViolationError:
        raise Conflict("an extension request for this ticket is already waiting for approval",
                       reason="extension_pending") from None
    await record_event(
        conn, ticket_id=ticket["id"], action="extension_requested", from_status=ticket["status"],
        to_status=ticket["status"], actor=actor, reason=reason,
        data={"request_id": request["id"], "working_days": working_days},
    )
    return request


async def decide_extension(
    conn: asyncpg.Connection, *, request_id: int, actor: Principal, approve: bool, note: str | None,
    sla: SlaClock,
) -> asyncpg.Record:
    """A supervisor approves (the reply deadline moves; the original stays on record) or rejects, saying why."""
    if not approve and not note:
        raise InvalidField("note", "required when rejecting")
    request = await conn.fetchrow(Q.lock_extension_request, request_id)
    if request is None:
        raise NotFound(f"extension request {request_id} not found")
    if request["status"] != "pending":
        raise Conflict(f"extension request {request_id} was already {request['status']}",
                       current_status=request["status"])
    ticket = await ticket_for_action(conn, request["ticket_number"])
    new_reply_by: datetime | None = None
    if approve and ticket["reply_by"] is not None:
        new_reply_by = sla.extend(ticket["reply_by"], request["working_days"])
        await conn.execute(Q.set_reply_by, ticket["id"], new_reply_by)
        await timers.cancel(conn, ticket_id=ticket["id"], kinds=timers.REPLY_KINDS)
        # The warning comes when 75 % of the granted working time is used, like the first deadline's.
        granted = sla.calendar.working_minutes_between(ticket["reply_by"], new_reply_by)
        warn_at = sla.calendar.add_working_time(ticket["reply_by"], granted * sla.warn_fraction)
        await timers.schedule(conn, ticket_id=ticket["id"],
                              due={"reply_warning": warn_at, "reply_overdue": new_reply_by})
    decided = await conn.fetchrow(
        Q.decide_extension_request, request_id, "approved" if approve else "rejected", actor.user_id, note,
        new_reply_by,
    )
    data: dict[str, Any] = {"request_id": request_id, "working_days": request["working_days"]}
    if new_reply_by:
        data |= {"reply_by_before": ticket["reply_by"].isoformat(), "reply_by_after": new_reply_by.isoformat()}
    await record_event(
        conn, ticket_id=ticket["id"], action="extension_approved" if approve else "extension_rejected",
        from_status=ticket["status"], to_status=ticket["status"], actor=actor, reason=note, data=data,
    )
    return decided


async def list_extension_requests(
    conn: asyncpg.Connection, *, viewer: Principal, status: str | None, ticket_number: str | None = None,
) -> list[asyncpg.Record]:
    department = viewer.department_code if viewer.role == "department" else None
    return await conn.fetch(Q.list_extension_requests, status, department, ticket_number)
