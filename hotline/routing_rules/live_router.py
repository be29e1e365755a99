"""The process's router over the routing tables, rebuilt when the rules' version has moved.

Like the knowledge index's change feed: before routing, a process compares the history's highest id with the
version it built from (one indexed query) and reloads the rules when another process has edited them, so an
edit made through any API process is used by all of them from their next ticket, without a restart.
"""
from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from hotline.city import service as city
from hotline.routing_rules import service
from routing.router import Router


class LiveRouter:
    def __init__(self, *, model=None):
        self.model = model  # the dispatch-history model (routing.model.DepartmentModel), when one is trained
        self.version: int | None = None  # None: never loaded (e.g. the database was down at start-up)
        self.router = Router(model=model)
        self._lock = asyncio.Lock()

    async def refresh(self, conn: asyncpg.Connection) -> bool:
        """Rebuild from the tables if they changed since the last look; returns whether it did."""
        latest = await service.rules_version(conn)
        if latest == self.version:
            return False
        async with self._lock:
            if latest == self.version:
                return False
            rules = await service.router_rules(conn)
            departments = [dict(r) for r in await city.active_departments(conn)]
            districts = [dict(r) for r in await city.districts(conn)]
            # swapped whole: a route() running in a worker thread keeps the router it started with
            self.router = Router(**rules, districts=districts, departments=departments, model=self.model)
            self.version = latest
            return True

    def route(self, text: str, **context: Any) -> list[dict]:
        return self.router.route(text, **context)
