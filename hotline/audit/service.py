"""Logs and lists every time staff see a citizen's personal data in clear (reads and supervisor reveals)."""
from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any

import asyncpg

from hotline.auth.tokens import Principal
from hotline.text.pii import mask_text
from hotline.intake.redact import redact
from hotline.infra.sql import load_queries
from hotline.tickets.protection import is_protected, reporter_of
from hotline.tickets.service import OFFICE_ROLES, may_see_personal_data, number_query

Q = load_queries(__file__)
# reveal: a supervisor's reveal of a 举报 reporter; read: a ticket shown unmasked; events: its timeline shown
# unmasked; search: a ticket found by a phone or ID number.
KINDS = ("reveal", "read", "events", "search")
NUMBER_SEARCH_REASON = "按号码检索"
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def holds_personal_data(ticket: Any) -> bool:
    """A ticket whose unmasked view differs from the masked one: citizen fields or PII found in the text."""
    citizen = (ticket["citizen_name"], ticket["citizen_phone"], ticket["citizen_id_number"])
    return any(citizen) or ticket["content"] != ticket["content_masked"]


async def log_access(
    conn: asyncpg.Connection, *, ticket_id: int, viewer: Principal, kind: str, reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> asyncpg.Record:
    return await conn.fetchrow(
        Q.insert_access, ticket_id, kind, viewer.user_id, viewer.username, viewer.role, reason, detail or {},
    )


async def log_number_search(conn: asyncpg.Connection, *, viewer: Principal, q: str | None, rows: list,
                            reason: str | None) -> None:
    """A search by a whole phone or ID number finds people: every ticket it returned that holds personal data is
    logged like a reveal (who, when, the kind of number — never the number —, why)."""
    if not q or viewer.role not in OFFICE_ROLES:
        return
    number = number_query(q)
    if number is None:
        return
    for row in rows:
        if holds_personal_data(row):
            await log_access(conn, ticket_id=row["id"], viewer=viewer, kind="search",
                             reason=reason or NUMBER_SEARCH_REASON, detail={"query_kind": number[0]})


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)[0]
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _is_moment(value: str) -> bool:
    """An ISO timestamp an event carries (a deadline, a retry time): data, not anyone's words, and its digits
    would read as a number to the redactor."""
    if not MOMENT.match(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _redacted(value: Any, reporter) -> Any:
    if isinstance(value, str):
        return value if _is_moment(value) else redact(value, reporter)
    if isinstance(value, list):
        return [_redacted(v, reporter) for v in value]
    return value


def _department_events(events: list[dict[str, Any]], ticket: Any) -> list[dict[str, Any]]:
    reporter = reporter_of(ticket)
    for event in events:
        event["reason"] = _redacted(event["reason"], reporter)
        event["data"] = {key: _redacted(value, reporter) for key, value in event["data"].items()
                         if key != "external_id"}  # a channel's message id can be an e-mail address
    return events


async def events_for(conn: asyncpg.Connection, *, viewer: Principal, ticket: Any,
                     events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A ticket's timeline for its reader. Staff write notes, replies and reasons freely: a reader not entitled
    sees numbers masked, a department reading a 举报 sees every text redacted like the ticket's; an unmasked
    timeline holding personal data is logged as a read of it."""
    if viewer.role == "department" and is_protected(ticket):
        return await asyncio.to_thread(_department_events, events, ticket)
    masked = [{**e, "reason": _masked(e["reason"]), "data": {k: _masked(v) for k, v in e["data"].items()}}
              for e in events]
    if not may_see_personal_data(viewer, ticket):
        return masked
    if masked != events:
        await log_access(conn, ticket_id=ticket["id"], viewer=viewer, kind="events")
    return events


async def unmasked_for(conn: asyncpg.Connection, viewer: Principal, ticket: Any) -> bool:
    """Whether `viewer` is shown `ticket` unmasked; logs the read when that exposes personal data."""
    reveal = may_see_personal_data(viewer, ticket)
    if reveal and holds_personal_data(ticket):
        await log_access(conn, ticket_id=ticket["id"], viewer=viewer, kind="read")
    return reveal


async def list_access(
    conn: asyncpg.Connection, *, ticket_number: str | None = None, kind: str | None = None,
    username: str | None = None, limit: int = 50, offset: int = 0,
) -> list[asyncpg.Record]:
    return await conn.fetch(Q.list_access, ticket_number, kind, username, limit, offset)


ADMIN_AREAS = ("user", "calendar", "open311_key")


async def admin_changes(conn: asyncpg.Connection, *, area: str | None = None, limit: int = 200) -> list[asyncpg.Record]:
    """What admins (and supervisors, for the calendar) changed: who, when, what, why; newest first."""
    return await conn.fetch(Q.admin_changes, area, limit)
