"""The centre's calendar days: a day set as workday or holiday over the statutory calendar, or removed, each
change kept in history.

Each change writes one `calendar_day_history` row in the caller's transaction; the history's highest id is the
calendar's version, which every process compares before computing a deadline (see live.py).
"""
from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from hotline.auth.tokens import Principal
from hotline.calendar_days.schemas import DayKind
from hotline.errors import InvalidField, NotFound
from hotline.sql import load_queries
from routing.calendar import statutory_workday

Q = load_queries(__file__)
MIN_YEAR, MAX_YEAR = 2000, 2100
HISTORY_LIMIT = 500


def statutory_known(year: int) -> bool:
    """Whether the statutory library has the State Council's holidays for `year` (else Monday-Friday is assumed)."""
    return statutory_workday(date(year, 1, 1)) is not None


def _statutory_kind(day: date) -> DayKind | None:
    workday = statutory_workday(day)
    return None if workday is None else "workday" if workday else "holiday"


def _check_day(day: date) -> None:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidField("date", f"year must be between {MIN_YEAR} and {MAX_YEAR}, got {day.year}")


def public_day(row: asyncpg.Record | dict) -> dict[str, Any]:
    """A set day as the API shows it, with what the statutory calendar alone would say (None: year unknown)."""
    return {"date": row["day"], "kind": row["kind"], "reason": row["reason"], "statutory": _statutory_kind(row["day"]),
            "set_by": row["set_by"], "set_at": row["set_at"]}


def _setting(row: asyncpg.Record | None) -> dict[str, str] | None:
    return None if row is None else {"kind": row["kind"], "reason": row["reason"]}


async def list_days(conn: asyncpg.Connection, *, year: int) -> dict[str, Any]:
    rows = await conn.fetch(Q.days_of_year, year)
    return {"year": year, "statutory_known": statutory_known(year), "days": [public_day(r) for r in rows]}


async def set_day(conn: asyncpg.Connection, *, day: date, kind: DayKind, reason: str,
                  actor: Principal) -> dict[str, Any]:
    """The day becomes a workday or a holiday for every deadline computed from now on; setting it again as it is
    changes nothing and writes no history."""
    _check_day(day)
    reason = reason.strip()
    await conn.execute(Q.lock_calendar)
    current = await conn.fetchrow(Q.day, day)
    after = {"kind": kind, "reason": reason}
    if _setting(current) == after:
        return public_day(current)
    row = await conn.fetchrow(Q.upsert_day, day, kind, reason, actor.user_id)
    await conn.execute(Q.insert_history, day, "set", _setting(current), after, reason, actor.user_id)
    return public_day({**dict(row), "set_by": actor.username})


async def remove_day(conn: asyncpg.Connection, *, day: date, reason: str, actor: Principal) -> None:
    """The day follows the statutory calendar again (Monday-Friday in a year the library does not know)."""
    _check_day(day)
    await conn.execute(Q.lock_calendar)
    current = await conn.fetchrow(Q.day, day)
    if current is None:
        raise NotFound(f"{day.isoformat()} is not set in the centre's calendar", field="date")
    await conn.execute(Q.delete_day, day)
    await conn.execute(Q.insert_history, day, "remove", _setting(current), None, reason.strip(), actor.user_id)


async def day_history(conn: asyncpg.Connection, *, year: int | None) -> list[dict[str, Any]]:
    """The latest changes first, of one year's days or of all."""
    return [{**dict(r), "date": r["day"]} for r in await conn.fetch(Q.history, year, HISTORY_LIMIT)]


async def calendar_version(conn: asyncpg.Connection) -> int:
    return await conn.fetchval(Q.calendar_version)


async def calendar_overrides(conn: asyncpg.Connection) -> dict[str, list[date]]:
    """Every set day as the keyword arguments of `routing.calendar.WorkCalendar`."""
    rows = await conn.fetch(Q.all_days)
    return {"extra_workdays": [r["day"] for r in rows if r["kind"] == "workday"],
            "extra_holidays": [r["day"] for r in rows if r["kind"] == "holiday"]}
