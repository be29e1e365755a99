"""Deferred intake work, done by a worker so intake stays fast: the ticket's text vector, and the open
tickets in the same district that say nearly the same thing (repeat candidates)."""
from __future__ import annotations

import anyio
import asyncpg

from classifier.embedders import Embedder
from hotline.intake.repeats import find_repeats, store_vector
from hotline.sql import load_queries

Q = load_queries(__file__)


def make_enricher(embedder: Embedder):
    async def enrich(conn: asyncpg.Connection, ticket_id: int) -> None:
        ticket = await conn.fetchrow(Q.ticket_for_enrichment, ticket_id)
        text = "\n".join(part for part in (ticket["title"], ticket["content"]) if part)
        vector = await anyio.to_thread.run_sync(lambda: embedder.embed([text])[0])
        await store_vector(conn, ticket_id=ticket_id, embedder=embedder.name, vector=vector)
        await find_repeats(conn, ticket_id=ticket_id, phone=None, district_code=ticket["district_code"],
                           vector=vector, embedder=embedder.name)

    return enrich
