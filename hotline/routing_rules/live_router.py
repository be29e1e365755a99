"""The process's router over the routing tables, rebuilt when the rules' version has moved.

Before routing, a process compares the rules' history's highest id with the version it built from and reloads
the rules when another process has edited them (hotline.infra.versioned), so an edit made through any API process is
used by all of them from their next ticket, without a restart.
"""
from __future__ import annotations

from typing import Any

import asyncpg

from hotline.city import service as city
from hotline.routing_rules import service
from hotline.infra.versioned import Versioned
from routing.router import Router

# Channels whose department suggestions nobody waits on (a dispatcher reads them later); an agent on a phone
# call, at the counter or typing a letter or a 110 transfer does.
UNWATCHED_CHANNELS = frozenset({"web", "app", "wechat", "email"})


class LiveRouter(Versioned):
    def __init__(self, *, model=None, model_version: str | None = None):
        super().__init__()
        self.model = model  # the dispatch-history model (routing.model.DepartmentModel), when one is trained
        self.model_version = model_version  # its manifest's version, stored with the suggestions it made
        self.router = Router(model=model)

    async def _version(self, conn: asyncpg.Connection) -> int:
        return await service.rules_version(conn)

    async def _rebuild(self, conn: asyncpg.Connection) -> None:
        rules = await service.router_rules(conn)
        departments = [dict(r) for r in await city.active_departments(conn)]
        districts = [dict(r) for r in await city.districts(conn)]
        # swapped whole: a route() running in a worker thread keeps the router it started with
        self.router = Router(**rules, districts=districts, departments=departments, model=self.model)

    def defers_model(self, channel: str) -> bool:
        """Whether intake routes this channel by the rules alone and leaves the model to the enrich worker: only
        a model that embeds the text is worth deferring (~54 ms a ticket for E5; a words-only one costs ~1 ms)."""
        return channel in UNWATCHED_CHANNELS and bool(getattr(self.model, "embedder", None))

    def route(self, text: str, *, with_model: bool = True, **context: Any) -> list[dict]:
        return self.router.route(text, with_model=with_model, **context)
