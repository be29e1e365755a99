"""The ticket core: state changes with their event, reads with the reader's rights applied.

Services never commit: the caller owns the transaction, so a state change and its event land together.
"""
from __future__ import annotations

from typing import Any

import asyncpg

from hotline.auth.tokens import Principal, actor_role  # actor_role re-exported for older callers
from hotline.infra.errors import Forbidden, InvalidField, NotFound
from hotline.text.pii import parse_id_number, parse_phone
from hotline.infra.sql import load_queries
from hotline.tickets.states import next_status

Q = load_queries(__file__)
PAGE_SIZE_MAX = 100


async def record_event(
    conn: asyncpg.Connection, *, ticket_id: int, action: str, from_status: str | None, to_status: str,
    actor: Principal | None, reason: str | None = None, data: dict[str, Any] | None = None,
) -> asyncpg.Record:
    return await conn.fetchrow(
        Q.insert_event, ticket_id, action, from_status, to_status,
        actor.user_id if actor else None, actor_role(actor),
        actor.department_code if actor else None, reason, data or {},
    )


async def record_events(conn: asyncpg.Connection, *, events: list[dict[str, Any]], actor: Principal | None) -> None:
    """Several events by one actor in one round trip; each is record_event's keyword arguments but the actor."""
    await conn.executemany(Q.insert_event, [
        (e["ticket_id"], e["action"], e["from_status"], e["to_status"], actor.user_id if actor else None,
         actor_role(actor), actor.department_code if actor else None, e.get("reason"), e.get("data") or {})
        for e in events])


async def ticket_for_action(conn: asyncpg.Connection, ticket_number: str) -> asyncpg.Record:
    """The ticket an action (classify, dispatch, sign, reply, call back, reopen, supervise ...) works on."""
    ticket = await conn.fetchrow(Q.ticket_for_action, ticket_number)
    if ticket is None:
        raise NotFound(f"ticket {ticket_number} not found", field="ticket_number")
    return ticket


async def transition(
    conn: asyncpg.Connection, *, ticket_id: int, action: str, actor: Principal | None,
    reason: str | None = None, data: dict[str, Any] | None = None,
) -> asyncpg.Record:
    """Move the ticket by `action` (or raise IllegalTransition) and log it; returns the locked row."""
    row = await conn.fetchrow(Q.lock_ticket, ticket_id)
    if row is None:
        raise NotFound(f"ticket {ticket_id} not found")
    target = next_status(row["status"], action)
    await conn.execute(Q.set_status, ticket_id, target)
    await record_event(
        conn, ticket_id=ticket_id, action=action, from_status=row["status"], to_status=target,
        actor=actor, reason=reason, data=data,
    )
    return row


OFFICE_ROLES = frozenset({"agent", "supervisor", "admin"})


def may_read(viewer: Principal | None, ticket: asyncpg.Record) -> bool:
    """The hotline's own staff read every ticket; a department only those it holds now (a department that
    returned a ticket, or had it re-dispatched away, no longer reads it); no other role reads any."""
    if viewer is None:
        return False
    if viewer.role == "department":
        return viewer.department_code in ticket["departments"]
    return viewer.role in OFFICE_ROLES


def may_see_personal_data(viewer: Principal | None, ticket: asyncpg.Record, *, revealed: bool = False) -> bool:
    """Departments never see citizen data; a report's (举报) reporter is hidden from everyone unless a
    supervisor reveals it (`revealed`: the reveal, with its reason, is already logged)."""
    if viewer is None or viewer.role not in OFFICE_ROLES:
        return False
    if ticket["confidential"]:
        return revealed and viewer.role in ("supervisor", "admin")
    return True


async def get_ticket(conn: asyncpg.Connection, *, ticket_number: str, viewer: Principal | None) -> asyncpg.Record:
    ticket = await conn.fetchrow(Q.ticket_by_number, ticket_number)
    if ticket is None:
        raise NotFound(f"ticket {ticket_number} not found", field="ticket_number")
    if not may_read(viewer, ticket):
        # Same answer as a missing ticket would leak existence; 403 is honest and says nothing more.
        raise Forbidden(f"ticket {ticket_number} is not visible to you")
    return ticket


def number_query(q: str) -> tuple[str, str] | None:
    """(kind, canonical digits) when a search is a whole phone or ID number, which finds a person."""
    if not any(c.isdigit() for c in q):
        return None
    for kind, parse in (("phone", parse_phone), ("id_number", parse_id_number)):
        try:
            value = parse(q)
        except ValueError:
            continue
        return ("mobile" if value.startswith("1") else "landline") if kind == "phone" else kind, value
    return None


async def list_tickets(
    conn: asyncpg.Connection, *, viewer: Principal, status: str | None = None, channel: str | None = None,
    department: str | None = None, q: str | None = None, page: int = 1, page_size: int = 20,
    reason: str | None = None,
) -> tuple[list[asyncpg.Record], int, int]:
    """A page of tickets, their total, and how many confidential tickets a number search left out (the hotline's
    staff see those only when they give a reason)."""
    office = viewer.role in OFFICE_ROLES
    if viewer.role == "department":
        if department and department != viewer.department_code:
            raise Forbidden("a department sees only its own tickets", field="department")
        department = viewer.department_code
    elif not office:
        raise Forbidden("this role reads no tickets", role=viewer.role)
    pattern = None
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
    number = number_query(q) if q and office else None
    withhold = number is not None and not reason
    rows = await conn.fetch(
        Q.list_tickets, status, channel, department, q, pattern, office, page_size, (page - 1) * page_size,
        number[1] if number else None, withhold,
    )
    total = rows[0]["total"] if rows else 0
    withheld = await conn.fetchval(Q.count_withheld, number[1]) if withhold else 0
    return rows, total, withheld


async def ticket_events(conn: asyncpg.Connection, *, ticket_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(Q.ticket_events, ticket_id)


async def ticket_suggestions(conn: asyncpg.Connection, *, ticket_id: int) -> dict[str, Any]:
    """What the models proposed at intake: type, category and urgency with confidence; departments with reasons."""
    return {
        "classification": [dict(r) for r in await conn.fetch(Q.classification_suggestions, ticket_id)],
        "routes": [dict(r) for r in await conn.fetch(Q.routing_suggestions, ticket_id)],
        "repeats": [dict(r) for r in await conn.fetch(Q.repeat_candidates, ticket_id)],
    }


async def merge_ticket(
    conn: asyncpg.Connection, *, ticket_number: str, into_number: str, actor: Principal, reason: str | None,
) -> None:
    """A repeat contact (重复件/催办) joins the open ticket it repeats; the parent's log counts the contact."""
    child = await conn.fetchrow(Q.ticket_by_number, ticket_number)
    parent = await conn.fetchrow(Q.ticket_by_number, into_number)
    if child is None or parent is None:
        raise NotFound(f"ticket {ticket_number if child is None else into_number} not found", field="into")
    if child["id"] == parent["id"]:
        raise InvalidField("into", "a ticket cannot be merged into itself")
    if parent["status"] in ("closed", "merged", "answered"):
        raise InvalidField("into", f"ticket {into_number} is {parent['status']}; merge into an open ticket")
    await transition(conn, ticket_id=child["id"], action="merge", actor=actor, reason=reason,
                     data={"into": into_number})
    await conn.execute(Q.set_merged_into, child["id"], parent["id"])
    await record_event(conn, ticket_id=parent["id"], action="repeat_contact", from_status=parent["status"],
                       to_status=parent["status"], actor=actor, reason=reason,
                       data={"ticket_number": ticket_number, "channel": child["channel"]})
