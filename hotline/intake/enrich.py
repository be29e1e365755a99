"""Deferred intake work, done by a worker so intake stays fast: the ticket's text vector, the open tickets in the
same district that say nearly the same thing (repeat candidates), and the dispatch-history model's department
suggestions for the posts intake routed by the rules alone."""
from __future__ import annotations

import asyncio
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

import anyio
import asyncpg
import numpy as np

from classifier.embedders import Embedder
from hotline.intake.repeats import find_repeats, store_vector
from hotline.routing_rules.live_router import LiveRouter
from hotline.infra.sql import load_queries

Q = load_queries(__file__)
T = TypeVar("T")
BACKGROUND_NICE = 10  # CFS weight 110 against 1024: deadlines and PostgreSQL come first on a busy machine


@dataclass
class Enrichment:
    """What the models made of one ticket, not yet stored."""

    ticket_id: int
    district_code: str | None
    vector: np.ndarray
    routes: list[dict[str, Any]] | None  # the model's department suggestions, when intake deferred them


class Enricher:
    """`prepare` reads the ticket and runs the models (no writes, so no transaction need be open meanwhile);
    `store` writes the result in the caller's transaction. Calling it does both, on the caller's connection."""

    def __init__(self, embedder: Embedder, router: LiveRouter | None = None, *, background: bool = False):
        self.embedder = embedder
        self.router = router
        # In a worker the models run on one thread of low CPU priority: an enrichment backlog takes the CPU the
        # SLA timers and the database leave, never the reverse.
        self._executor = ThreadPoolExecutor(1, "enrich", initializer=_lower_priority) if background else None

    async def _run(self, work: Callable[[], T]) -> T:
        if self._executor is None:
            return await anyio.to_thread.run_sync(work)
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False)

    async def prepare(self, conn: asyncpg.Connection, ticket_id: int) -> Enrichment:
        ticket = await conn.fetchrow(Q.ticket_for_enrichment, ticket_id)
        if ticket is None:
            raise LookupError(f"ticket {ticket_id} does not exist")
        text = "\n".join(part for part in (ticket["title"], ticket["content"]) if part)
        vector = await self._run(lambda: self.embedder.embed([text])[0])
        routes = None
        if self.router is not None and self.router.defers_model(ticket["channel"]) and not ticket["routed_by_model"]:
            await self.router.refresh(conn)  # rules edited through any process since intake apply here too
            routes = await self._run(lambda: _route_with_model(self.router, ticket, text))
        return Enrichment(ticket_id=ticket_id, district_code=ticket["district_code"], vector=vector, routes=routes)

    async def store(self, conn: asyncpg.Connection, enrichment: Enrichment) -> None:
        ticket_id, name = enrichment.ticket_id, self.embedder.name
        await store_vector(conn, ticket_id=ticket_id, embedder=name, vector=enrichment.vector)
        await find_repeats(conn, ticket_id=ticket_id, phone=None, district_code=enrichment.district_code,
                           vector=enrichment.vector, embedder=name)
        if enrichment.routes:
            routes = enrichment.routes
            await conn.execute(Q.insert_model_routes, ticket_id, [r["department"] for r in routes],
                               [float(r["score"]) for r in routes],
                               [json.dumps(r["reasons"], ensure_ascii=False) for r in routes],
                               self.router.model_version)

    async def __call__(self, conn: asyncpg.Connection, ticket_id: int) -> None:
        await self.store(conn, await self.prepare(conn, ticket_id))


def make_enricher(embedder: Embedder, router: LiveRouter | None = None) -> Enricher:
    return Enricher(embedder, router)


def _route_with_model(router: LiveRouter, ticket: asyncpg.Record, text: str) -> list[dict[str, Any]]:
    """Route again with the context intake used, now with the model: the ticket's latest set once stored."""
    return router.route(
        text, category=ticket["category"], category_confidence=float(ticket["category_confidence"]),
        address=ticket["address"], district_code=ticket["district_code"], street_code=ticket["street_code"])


def _lower_priority() -> None:
    """Linux gives each thread its own nice value: this lowers the calling thread's only."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
    except (AttributeError, OSError):
        pass  # not Linux, or not permitted: the enrichment runs at normal priority
