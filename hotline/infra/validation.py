"""Field checks shared by every request schema: no NUL bytes, no blank text, ids and dates in range."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated

from pydantic import AfterValidator


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL bytes")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


CleanStr = Annotated[str, AfterValidator(_no_nul)]
NonBlankStr = Annotated[str, AfterValidator(_no_nul), AfterValidator(_not_blank)]


BIGINT_MAX = 2**63 - 1  # a bigserial id; a larger number names no row and PostgreSQL would refuse it
INT_MAX = 2**31 - 1  # a serial id
# No 12345 record predates this day, and far-off dates overflow date arithmetic (a +14:00 offset on 0001-01-01).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)


def parse_row_id(text: str, *, maximum: int = BIGINT_MAX) -> int | None:
    """The id a text names, or None when it is not a number a row could have."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 1 <= value <= maximum else None


def day_out_of_range(day: date) -> str | None:
    """Why a day is refused (outside the years the platform's records and calendar cover), or None."""
    if day < EARLIEST_DAY:
        return f"must not be before {EARLIEST_DAY}"
    if day > LATEST_DAY:
        return f"must not be after {LATEST_DAY}"
    return None


def instant_out_of_range(value: datetime) -> str | None:
    """The same for a moment with its time zone; one whose UTC time overflows is out of range too."""
    try:
        utc = value.astimezone(timezone.utc)
    except OverflowError:
        return f"must not be before {EARLIEST_DAY}" if value.year < 2000 else f"must not be after {LATEST_DAY}"
    return day_out_of_range(utc.date())
