"""The process's time-limit clock over the working calendar, rebuilt when the centre's calendar days have moved.

Like the routing rules' live router (hotline.infra.versioned): before a deadline is computed, a process compares the
calendar history's highest id with the version it built from and rebuilds its clock when another process has set
or removed a day, so a typhoon day declared through any API process holds for every next deadline.
"""
from __future__ import annotations

import asyncpg

from hotline.calendar_days import service
from hotline.infra.versioned import Versioned
from timelimits.calendar import WorkCalendar
from timelimits.sla import SlaClock


class LiveCalendar(Versioned):
    def __init__(self, clock: SlaClock):
        super().__init__()
        self.clock = clock  # policies and warn fraction stay; only its calendar is rebuilt

    async def _version(self, conn: asyncpg.Connection) -> int:
        return await service.calendar_version(conn)

    async def _rebuild(self, conn: asyncpg.Connection) -> None:
        overrides = await service.calendar_overrides(conn)
        current = self.clock.calendar
        calendar = WorkCalendar(working_hours=current.working_hours, timezone=current.timezone, **overrides)
        # swapped whole: a caller holding the previous clock finishes its computation on it
        self.clock = SlaClock(self.clock.policies, calendar, self.clock.warn_fraction)
