"""Deferred intake work, done by a worker so intake stays fast: the ticket's text vector, the open tickets in the
same district that say nearly the same thing (repeat candidates), and the dispatch-history model's department
suggestions for the posts intake routed by the rules alone."""
from __future__ import annotations

import json

import anyio
import asyncpg

from classifier.embedders import Embedder
from hotline.intake.repeats import find_repeats, store_vector
from hotline.routing_rules.live_router import LiveRouter
from hotline.sql import load_queries

Q = load_queries(__file__)


def make_enricher(embedder: Embedder, router: LiveRouter | None = None):
    async def enrich(conn: asyncpg.Connection, ticket_id: int) -> None:
        ticket = await conn.fetchrow(Q.ticket_for_enrichment, ticket_id)
        text = "\n".join(part for part in (ticket["title"], ticket["content"]) if part)
        vector = await anyio.to_thread.run_sync(lambda: embedder.embed([text])[0])
        await store_vector(conn, ticket_id=ticket_id, embedder=embedder.name, vector=vector)
        await find_repeats(conn, ticket_id=ticket_id, phone=None, district_code=ticket["district_code"],
                           vector=vector, embedder=embedder.name)
        if router is not None and router.defers_model(ticket["channel"]) and not ticket["routed_by_model"]:
            await route_with_model(conn, router, ticket_id, ticket, text)

    return enrich


async def route_with_model(conn: asyncpg.Connection, router: LiveRouter, ticket_id: int, ticket: asyncpg.Record,
                           text: str) -> None:
    """Route again with the context intake used, now with the model, and store it as the ticket's latest set."""
    await router.refresh(conn)  # rules edited through any process since intake apply here too
    routes = await anyio.to_thread.run_sync(lambda: router.route(
        text, category=ticket["category"], category_confidence=float(ticket["category_confidence"]),
        address=ticket["address"], district_code=ticket["district_code"], street_code=ticket["street_code"]))
    if routes:
        await conn.execute(Q.insert_model_routes, ticket_id, [r["department"] for r in routes],
                           [float(r["score"]) for r in routes],
                           [json.dumps(r["reasons"], ensure_ascii=False) for r in routes], router.model_version)
