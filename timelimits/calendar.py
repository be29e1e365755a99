"""Working-time arithmetic on the Chinese statutory calendar, 调休 make-up working days included."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

from timelimits.holidays import holidays_by_law

log = logging.getLogger(__name__)

DEFAULT_WORKING_HOURS = ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30)))
DEFAULT_TIMEZONE = "Asia/Shanghai"


@lru_cache(maxsize=4096)
def statutory_workday(day: date) -> bool | None:
    """The State Council calendar's answer for `day`, or None for a year the library does not know."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


@lru_cache(maxsize=64)
def _warn_unknown_year(year: int) -> None:
    # Once per year: the fallback is honest but silently wrong around that year's holidays.
    log.warning("chinese_calendar has no statutory holidays for %s; counting Monday-Friday as workdays except the "
                "holidays fixed by law (bridge days and 调休 are unknown until the centre sets them)", year)


class WorkCalendar:
    """Working days and hours of a hotline's departments.

    Days follow `chinese_calendar` (holidays and 调休 make-up days) for the years it knows; outside
    them Monday-Friday count as workdays except the holidays the law fixes (timelimits.holidays), and a warning is
    logged once per year. `extra_workdays` and
    `extra_holidays` override both, e.g. a newly announced year or a local typhoon day off.
    """

    def __init__(
        self,
        working_hours: Iterable[tuple[time, time]] = DEFAULT_WORKING_HOURS,
        timezone: str = DEFAULT_TIMEZONE,
        extra_workdays: Iterable[date] = (),
        extra_holidays: Iterable[date] = (),
    ):
        self.working_hours = tuple(sorted((start, end) for start, end in working_hours))
        self.timezone = timezone
        self.extra_workdays = frozenset(extra_workdays)
        self.extra_holidays = frozenset(extra_holidays)
        if not self.working_hours:
            raise ValueError("working_hours: at least one period is needed")
        for (start, end), following in zip(self.working_hours, self.working_hours[1:] + ((None, None),)):
            if not start < end:
                raise ValueError(f"working_hours: period {start}-{end} must end after it starts")
            if following[0] is not None and following[0] < end:
                raise ValueError(f"working_hours: period {start}-{end} overlaps the next one")
        if self.extra_workdays & self.extra_holidays:
            raise ValueError("extra_workdays and extra_holidays share a day")
        self._zone = ZoneInfo(timezone)

    @property
    def minutes_per_day(self) -> float:
        """Length of one full working day; a 'working day' of a time limit is this many working minutes."""
        return sum(_minutes(end) - _minutes(start) for start, end in self.working_hours)

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        statutory = statutory_workday(day)
        if statutory is None:
            _warn_unknown_year(day.year)
            return day.weekday() < 5 and day not in holidays_by_law(day.year)
        return statutory

    def add_working_time(self, start: datetime, minutes: float) -> datetime:
        """The moment `minutes` working minutes after `start` (an aware datetime) have elapsed."""
        if minutes < 0:
            raise ValueError(f"minutes: must be >= 0, got {minutes}")
        start = self._local(start, "start")
        left = timedelta(minutes=minutes)
        if not left:
            return start
        for period_start, period_end in self._periods_from(start.date()):
            period_start = max(period_start, start)
            if period_end <= period_start:
                continue
            if period_end - period_start >= left:
                return period_start + left
            left -= period_end - period_start
        raise AssertionError("unreachable: the working periods never end")

    def add_working_days(self, start: datetime, days: float) -> datetime:
        """`days` full working days after `start`: Tuesday 10:00 + 1 is Wednesday 10:00, holidays skipped."""
        if days < 0:
            raise ValueError(f"days: must be >= 0, got {days}")
        return self.add_working_time(start, days * self.minutes_per_day)

    def working_minutes_between(self, a: datetime, b: datetime) -> float:
        """Working minutes from `a` to `b`; negative when `b` is before `a`."""
        a, b = self._local(a, "a"), self._local(b, "b")
        if b < a:
            return -self.working_minutes_between(b, a)
        total = timedelta()
        for period_start, period_end in self._periods_from(a.date()):
            if period_start >= b:
                break
            overlap = min(period_end, b) - max(period_start, a)
            if overlap > timedelta():
                total += overlap
        return total / timedelta(minutes=1)

    def _periods_from(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """Working periods as aware datetimes, in order, from the start of `day` onwards."""
        while True:
            if self.is_workday(day):
                for start, end in self.working_hours:
                    yield (
                        datetime.combine(day, start, tzinfo=self._zone),
                        datetime.combine(day, end, tzinfo=self._zone),
                    )
            day += timedelta(days=1)

    def _local(self, moment: datetime, field: str) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{field}: needs a timezone (an aware datetime), got naive {moment.isoformat()}")
        return moment.astimezone(self._zone)


def _minutes(moment: time) -> float:
    return moment.hour * 60 + moment.minute + moment.second / 60
