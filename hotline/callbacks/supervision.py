"""督办单: the supervisor's orders to a late or unsatisfying department, listed with the reader's rights."""
from __future__ import annotations

import asyncio

import asyncpg

from hotline.auth.tokens import Principal
from hotline.errors import Conflict, Forbidden, NotFound
from hotline.sql import load_queries
from hotline.intake.redact import redact
from hotline.tickets.protection import is_protected, reporter_of
from hotline.tickets.service import record_event

Q = load_queries(__file__)
LIST_LIMIT = 500


async def list_orders(
    conn: asyncpg.Connection, *, viewer: Principal, status: str | None, order_id: int | None = None,
) -> list[dict]:
    """The orders the viewer may see; a department reads a 举报's order note redacted like the ticket's text."""
    department = viewer.department_code if viewer.role == "department" else None
    rows = [dict(r) for r in await conn.fetch(Q.list_supervision_orders, status, department, LIST_LIMIT, order_id)]
    if department:
        protected = [r for r in rows if r["note"] and is_protected(r)]
        notes = await asyncio.to_thread(lambda: [redact(r["note"], reporter_of(r)) for r in protected])
        for row, note in zip(protected, notes):
            row["note"] = note
    return rows


async def issue_order(conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, note: str) -> int:
    """A manual order to the ticket's lead department, logged on the ticket."""
    if actor.role not in ("supervisor", "admin"):
        raise Forbidden("only a supervisor issues supervision orders", role=actor.role)
    ticket = await conn.fetchrow(Q.ticket_for_callback, ticket_number)
    if ticket is None:
        raise NotFound(f"ticket {ticket_number} not found", field="ticket_number")
    if ticket["lead_department"] is None:
        raise Conflict(f"ticket {ticket_number} has no lead department to supervise", current_status=ticket["status"])
    order_id = await conn.fetchval(Q.open_supervision_order, ticket["id"], ticket["lead_department"], "manual",
                                   note, actor.user_id)
    await record_event(conn, ticket_id=ticket["id"], action="supervision_order", from_status=ticket["status"],
                       to_status=ticket["status"], actor=actor, reason=note,
                       data={"order_id": order_id, "department": ticket["lead_department"], "cause": "manual"})
    return order_id
