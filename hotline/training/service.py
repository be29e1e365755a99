"""Training rows from the platform's own history: what agents confirmed or corrected, and who kept a ticket."""
from __future__ import annotations

import asyncpg

from hotline.infra.sql import load_queries

Q = load_queries(__file__)


async def confirmed_categories(conn: asyncpg.Connection) -> list[dict[str, str]]:
    """One row per ticket: its text and the category path of the agent's latest classification."""
    return [{"text": r["text"], "category": r["category"].strip("/")} for r in await conn.fetch(Q.confirmed_categories)]


async def dispatch_history(conn: asyncpg.Connection) -> list[dict]:
    """One row per ticket a department signed or returned: {text, kept_by (None if nobody yet), returned_by}."""
    return [{"text": r["text"], "kept_by": r["kept_by"], "returned_by": list(r["returned_by"])}
            for r in await conn.fetch(Q.dispatch_history)]


async def suggestion_accuracy(conn: asyncpg.Connection) -> dict[str, float | int | None]:
    """How often the stored first (and top-3) suggestion was the department that kept the ticket."""
    row = await conn.fetchrow(Q.suggestion_accuracy)
    tickets = row["tickets"]
    return {"tickets": tickets,
            "top1_accuracy": round(row["top1"] / tickets, 4) if tickets else None,
            "top3_accuracy": round(row["top3"] / tickets, 4) if tickets else None}
