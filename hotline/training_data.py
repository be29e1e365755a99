"""Training rows from the platform's own history: what agents confirmed or corrected."""
from __future__ import annotations

import asyncpg

from hotline.sql import load_queries

Q = load_queries(__file__, "training_data.sql")


async def confirmed_categories(conn: asyncpg.Connection) -> list[dict[str, str]]:
    """One row per ticket: its text and the level-1 category of the agent's latest classification."""
    return [{"text": r["text"], "category": r["category"].split("/")[0]}
            for r in await conn.fetch(Q.confirmed_categories)]
