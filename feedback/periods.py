"""Reporting periods: whole local days, and the previous period of equal length for comparison."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CITY_TIMEZONE = "Asia/Shanghai"
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    """[start, end): `end` is exclusive, so consecutive periods never share an event."""

    start: datetime
    end: datetime

    def __post_init__(self):
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period needs timezone-aware start and end")
        if not self.start < self.end:
            raise ValueError(f"a period must end after it starts ({self.start} .. {self.end})")

    def previous(self) -> Period:
        """The period of the same length that ends where this one starts."""
        return Period(self.start - (self.end - self.start), self.start)

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def period_of_days(first: date, last: date, timezone: str = CITY_TIMEZONE) -> Period:
    """The local days `first` to `last`, both included (what a supervisor means by "1 to 31 March")."""
    if last < first:
        raise ValueError(f"to ({last}) is before from ({first})")
    zone = ZoneInfo(timezone)
    return Period(datetime.combine(first, time(), zone), datetime.combine(last + timedelta(days=1), time(), zone))


def default_days(today: date, days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """The last `days` local days up to and including today."""
    return today - timedelta(days=days - 1), today
