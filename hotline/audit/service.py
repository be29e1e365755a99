"""Logs and lists every time staff see a citizen's personal data in clear (reads and supervisor reveals)."""
from __future__ import annotations

from typing import Any

import asyncpg

from hotline.auth.tokens import Principal
from hotline.sql import load_queries
from hotline.tickets.service import may_see_personal_data

Q = load_queries(__file__)
KINDS = ("reveal", "read")


def holds_personal_data(ticket: Any) -> bool:
    """A ticket whose unmasked view differs from the masked one: citizen fields or PII found in the text."""
    citizen = (ticket["citizen_name"], ticket["citizen_phone"], ticket["citizen_id_number"])
    return any(citizen) or ticket["content"] != ticket["content_masked"]


async def log_access(
    conn: asyncpg.Connection, *, ticket_id: int, viewer: Principal, kind: str, reason: str | None = None,
) -> asyncpg.Record:
    return await conn.fetchrow(
        Q.insert_access, ticket_id, kind, viewer.user_id, viewer.username, viewer.role, reason,
    )


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
