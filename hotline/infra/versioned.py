"""A process's copy of what some tables hold, rebuilt whole when their version has moved.

Several API and worker processes share one database: before using its copy, a process compares the tables'
version (one indexed query, e.g. the highest id of their history) with the version it built from, and rebuilds
when another process has edited them. So an edit made through any process holds in all of them at once.
"""
from __future__ import annotations

import asyncio

import asyncpg


class Versioned:
    """Subclasses say how to read the version (`_version`) and how to rebuild from the tables (`_rebuild`),
    swapping their copy whole so a caller still holding the previous one finishes its work on it."""

    def __init__(self) -> None:
        self.version: int | None = None  # None: never loaded (e.g. the database was down at start-up)
        self._lock = asyncio.Lock()

    async def refresh(self, conn: asyncpg.Connection) -> bool:
        """Rebuild from the tables if they changed since the last look; returns whether it did."""
        latest = await self._version(conn)
        if latest == self.version:
            return False
        async with self._lock:
            if latest == self.version:
                return False
            await self._rebuild(conn)
            self.version = latest
            return True

    async def _version(self, conn: asyncpg.Connection) -> int:
        raise NotImplementedError

    async def _rebuild(self, conn: asyncpg.Connection) -> None:
        raise NotImplementedError
