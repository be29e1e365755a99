"""The process's time-limit clock over the working calendar, rebuilt when the centre's calendar days have moved.

Like the routing rules' live router: before a deadline is computed, a process compares the calendar history's
highest id with the version it built from (one indexed query) and rebuilds its clock when another process has
set or removed a day, so a typhoon day declared through any API process holds for every next deadline.
"""
from __future__ import annotations

import asyncio

import asyncpg

from hotline.calendar_days import service
from routing.calendar import WorkCalendar
from routing.sla import SlaClock


class LiveCalendar:
    def __init__(self, clock: SlaClock):
        self.clock = clock  # policies and warn fraction stay; only its calendar is rebuilt
        self.version: int | None = None  # None: never loaded (e.g. the database was down at start-up)
        self._lock = asyncio.Lock()

    async def refresh(self, conn: asyncpg.Connection) -> bool:
        """Rebuild from the table if it changed since the last look; returns whether it did."""
        latest = await service.calendar_version(conn)
        if latest == self.version:
            return False
        async with self._lock:
            if latest == self.version:
                return False
            overrides = await service.calendar_overrides(conn)
            current = self.clock.calendar
            calendar = WorkCalendar(working_hours=current.working_hours, timezone=current.timezone, **overrides)
            # swapped whole: a caller holding the previous clock finishes its computation on it
            self.clock = SlaClock(self.clock.policies, calendar, self.clock.warn_fraction)
            self.version = latest
            return True
