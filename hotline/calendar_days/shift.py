"""The arithmetic of 时限顺延: a running clock's moments moved by exactly the working time a newly declared day off
took from them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from timelimits.calendar import WorkCalendar


@dataclass(frozen=True)
class DayShift:
    """One day set as holiday: `before` is the centre's calendar without that day set, `after` with it."""

    day: date
    before: WorkCalendar
    after: WorkCalendar

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, time(0), tzinfo=ZoneInfo(self.after.timezone))

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(days=1)

    def move(self, moment: datetime, clock_start: datetime) -> datetime:
        """`moment` (a deadline or a warning of a clock started at `clock_start`) as if the day had been off when
        the clock started: the working time left from the day's start (or the clock's, if later) is counted again
        without the day. A moment before the day stays where it is."""
        if moment <= self.starts_at:
            return moment
        counted_from = max(self.starts_at, clock_start)
        left = self.before.working_minutes_between(counted_from, moment)
        return self.after.add_working_time(counted_from, max(left, 0.0))
