"""The wallboard's server push: one LISTEN connection per API process hears every ticket event (a statement
trigger of migration 0019 notifies `hotline_command`), the process recomputes the wallboard once, and every screen
it serves gets the same snapshot over its own Server-Sent Events stream. No screen polls.

A burst of events becomes one snapshot (debounced), a snapshot is computed at most once a second, and nothing
is computed while no screen is open. Clocks fall overdue without an event, so an open wallboard is also
refreshed every 30 s; hot issues (clustering in a thread) are recomputed at most once a minute.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg

from hotline.command import service
from hotline.infra.db import connect
from hotline.hot_issues.service import hot_issues

log = logging.getLogger(__name__)
CHANNEL = "hotline_command"
DEBOUNCE_S = 0.5
MIN_INTERVAL_S = 1.0
REFRESH_S = 30.0
HOT_ISSUES_EVERY_S = 60.0
HOT_ISSUES_DAYS = 7
HOT_ISSUES_SHOWN = 5
KEEP_ALIVE_S = 15.0
# A stream ends after this and the browser's EventSource reconnects by itself: the reconnect renews the page's
# session cookie, and a server shutting down never waits long for open streams.
STREAM_S = 300.0
RETRY_MS = 3000


class WallboardHub:
    """Shared by every wallboard stream of one API process."""

    def __init__(self, *, database_url: str, read_pool: asyncpg.Pool, embedder: Callable[[], str]):
        self._database_url = database_url
        self._read_pool = read_pool
        self._embedder = embedder  # the running one's name: hot issues read vectors it stored
        self._dirty = asyncio.Event()
        self._published = asyncio.Condition()
        self._snapshot: str | None = None
        self._version = 0
        self._hot: list[dict[str, Any]] = []
        self._hot_at = 0.0
        self._task: asyncio.Task | None = None
        self._listener: asyncpg.Connection | None = None
        self._closing = False
        self.screens = 0

    async def stream(self) -> AsyncIterator[str]:
        """One screen's event stream: the current wallboard at once, then every new one."""
        self._start()
        self.screens += 1
        self._dirty.set()  # a screen that has just opened gets a fresh snapshot, not one from minutes ago
        try:
            yield f"retry: {RETRY_MS}\n\n"
            seen = -1
            ends = time.monotonic() + STREAM_S
            while not self._closing and time.monotonic() < ends:
                if self._snapshot is not None and self._version != seen:
                    seen = self._version
                    yield f"event: wallboard\ndata: {self._snapshot}\n\n"
                    continue
                try:
                    await asyncio.wait_for(self._next_version(seen), timeout=KEEP_ALIVE_S)
                except TimeoutError:
                    yield ": keep-alive\n\n"  # proxies close a silent connection
        finally:
            self.screens -= 1

    async def _next_version(self, seen: int) -> None:
        async with self._published:
            await self._published.wait_for(lambda: self._version != seen or self._closing)

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="wallboard-hub")

    def _heard(self, *_: Any) -> None:
        self._dirty.set()

    async def _listen(self) -> None:
        if self._listener is not None and not self._listener.is_closed():
            return
        self._listener = await connect(self._database_url)
        await self._listener.add_listener(CHANNEL, self._heard)

    async def _run(self) -> None:
        last = 0.0
        while not self._closing:
            try:
                await self._listen()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("wallboard: cannot listen for changes (%s); refreshing on the timer", type(error).__name__)
            try:
                await asyncio.wait_for(self._dirty.wait(), timeout=REFRESH_S)
                await asyncio.sleep(DEBOUNCE_S)  # the rest of a burst joins this snapshot
            except TimeoutError:
                pass
            if self.screens == 0:
                continue  # nobody is watching: the next screen asks for a fresh one
            await asyncio.sleep(max(0.0, last + MIN_INTERVAL_S - time.monotonic()))
            self._dirty.clear()
            last = time.monotonic()
            try:
                await self._publish(await self._compute())
            except Exception as error:  # a database outage must not end the push for good
                log.warning("wallboard: snapshot failed (%s)", type(error).__name__)

    async def _compute(self) -> dict[str, Any]:
        async with self._read_pool.acquire() as conn:
            snapshot = await service.wallboard(conn, day=service.today())
            if time.monotonic() - self._hot_at > HOT_ISSUES_EVERY_S:
                issues = await hot_issues(conn, days=HOT_ISSUES_DAYS, district=None, embedder=self._embedder())
                self._hot = [{"title": i["title"], "district_name": i["district_name"], "contacts": i["contacts"],
                              "callers": i["callers"]} for i in issues[:HOT_ISSUES_SHOWN]]
                self._hot_at = time.monotonic()
        return {**snapshot, "hot_issues": self._hot}

    async def _publish(self, snapshot: dict[str, Any]) -> None:
        async with self._published:
            self._snapshot = json.dumps(snapshot, ensure_ascii=False, default=str)
            self._version += 1
            self._published.notify_all()

    async def close(self) -> None:
        self._closing = True
        async with self._published:
            self._published.notify_all()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
        if self._listener is not None and not self._listener.is_closed():
            await self._listener.close()
