"""The moment the services act at: the real clock, or a past moment while the demo story replays a month.

The database side follows the same moment: `acting_at` sets `hotline.infra.clock` for the transaction and puts the
`hotline_clock` schema (migration 0020) before pg_catalog, so `now()` in every query, trigger and column default
reads it. Nothing but the demo seed ever sets it; unset, both are the real clock.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

import asyncpg

from hotline.infra.sql import load_queries

Q = load_queries(__file__, "clock.sql")
_acting_at: ContextVar[datetime | None] = ContextVar("acting_at", default=None)


def now() -> datetime:
    return _acting_at.get() or datetime.now(timezone.utc)


@asynccontextmanager
async def acting_at(conn: asyncpg.Connection, moment: datetime) -> AsyncIterator[None]:
    """Within the caller's transaction, the services and the database act at `moment` (not in the future)."""
    if moment.tzinfo is None or moment > datetime.now(timezone.utc):
        raise ValueError(f"the demo clock needs an aware moment in the past, got {moment}")
    token = _acting_at.set(moment)
    restore = await conn.fetchval(Q.set_clock, moment.isoformat())
    try:
        yield
    finally:
        _acting_at.reset(token)
        await conn.execute(Q.reset_clock, restore)
