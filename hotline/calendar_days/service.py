"""The centre's calendar days: a day set as workday or holiday over the statutory calendar, or removed, each
change kept in history; and 时限顺延, the running deadlines of open tickets moved over a holiday set after them.

Each change writes one `calendar_day_history` row in the caller's transaction; the history's highest id is the
calendar's version, which every process compares before computing a deadline (see live.py).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from hotline.auth.tokens import Principal, actor_role
from hotline.calendar_days.schemas import DayKind
from hotline.calendar_days.shift import DayShift
from hotline.infra.errors import Conflict, InvalidField, NotFound
from hotline.infra.sql import load_queries
from hotline.timers import service as timers
from timelimits.calendar import WorkCalendar, statutory_workday
from timelimits.sla import SlaClock, policy_for

Q = load_queries(__file__)
MIN_YEAR, MAX_YEAR = 2000, 2100
HISTORY_LIMIT = 500
SHIFT_WINDOW_DAYS = 30  # an older day's deadlines have long been judged; moving them would rewrite the record
CLOCK_TIMERS = {"sign": timers.SIGN_KINDS, "reply": timers.REPLY_KINDS, "callback": ["callback_overdue"]}
DEADLINE_OF = {"sign": "sign_by", "reply": "reply_by"}


def statutory_known(year: int) -> bool:
    """Whether the statutory library has the State Council's holidays for `year` (else Monday-Friday less the holidays fixed by law)."""
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
            "set_by": row["set_by"], "set_at": row["set_at"], "deadlines_shifted_at": row["deadlines_shifted_at"]}


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
    """The day follows the statutory calendar again (in a year the library does not know: Monday-Friday less the holidays fixed by law)."""
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
    """Every set day as the keyword arguments of `timelimits.calendar.WorkCalendar`."""
    rows = await conn.fetch(Q.all_days)
    return {"extra_workdays": [r["day"] for r in rows if r["kind"] == "workday"],
            "extra_holidays": [r["day"] for r in rows if r["kind"] == "holiday"]}


async def shift_deadlines(conn: asyncpg.Connection, *, day: date, reason: str, actor: Principal,
                          sla: SlaClock) -> dict[str, Any]:
    """时限顺延: every running working-time clock of an open ticket whose deadline lies after the holiday's start
    and whose round began before the day's end (and before the day became a holiday: later deadlines already skip
    it) gets back the working time the day took; its pending timers move alike, one event per ticket.

    Natural-time clocks (emergencies) do not move. Removing the day later does not move anything back.
    """
    _check_day(day)
    zone = ZoneInfo(sla.calendar.timezone)
    today = datetime.now(zone).date()
    if day < today - timedelta(days=SHIFT_WINDOW_DAYS):
        raise InvalidField("date", f"deadlines can be shifted over a day at most {SHIFT_WINDOW_DAYS} days past")
    reason = reason.strip()
    await conn.execute(Q.lock_calendar)  # a second shift of the same day waits here, then finds it shifted
    current = await conn.fetchrow(Q.day, day)
    if current is None or current["kind"] != "holiday":
        raise Conflict(f"{day.isoformat()} is not set as a holiday in the centre's calendar", field="date",
                       kind=current["kind"] if current else None)
    if current["deadlines_shifted_at"] is not None:
        raise Conflict(f"the deadlines over {day.isoformat()} were already shifted", field="date",
                       deadlines_shifted_at=current["deadlines_shifted_at"].isoformat())
    shift = await _day_shift(conn, day, sla.calendar)
    holiday_since = await conn.fetchval(Q.holiday_since, day) or current["set_at"]
    running = sorted(set().union(*timers.CLOCK_RUNNING.values()))
    tickets = await conn.fetch(Q.running_clocks, running, shift.starts_at, min(shift.ends_at, holiday_since),
                               day.isoformat())
    moves = [m for m in (_moved_clocks(t, shift, sla) for t in tickets) if m["after"]]
    callbacks = await _moved_callbacks(conn, shift, min(shift.ends_at, holiday_since), day)
    await _move_timers(conn, moves + callbacks, shift)
    await conn.execute(Q.set_callback_due, [m["callback_id"] for m in callbacks],
                       [m["after"]["callback_due"] for m in callbacks])
    await conn.execute(Q.set_deadlines, [m["ticket"]["id"] for m in moves],
                       [m["after"].get("sign_by", m["ticket"]["sign_by"]) for m in moves],
                       [m["after"].get("reply_by", m["ticket"]["reply_by"]) for m in moves])
    moves += callbacks
    await conn.execute(Q.insert_shift_events, [m["ticket"]["id"] for m in moves],
                       [m["ticket"]["status"] for m in moves], actor.user_id, actor_role(actor), reason, [{
                           "clocks": m["clocks"], "date": day.isoformat(), "reason": reason,
                           "before": {field: m["ticket"][field].astimezone(zone).isoformat() for field in m["after"]},
                           "after": {field: at.astimezone(zone).isoformat() for field, at in m["after"].items()},
                       } for m in moves])
    await conn.execute(Q.mark_shifted, day)
    await conn.execute(Q.insert_history, day, "shift", _setting(current), _setting(current), reason, actor.user_id)
    return {"date": day, "tickets": len({m["ticket"]["id"] for m in moves}),
            "clocks": sum(len(m["clocks"]) for m in moves)}


async def _day_shift(conn: asyncpg.Connection, day: date, calendar: WorkCalendar) -> DayShift:
    overrides = await calendar_overrides(conn)
    without_day = {"extra_workdays": overrides["extra_workdays"],
                   "extra_holidays": [d for d in overrides["extra_holidays"] if d != day]}
    hours = {"working_hours": calendar.working_hours, "timezone": calendar.timezone}
    return DayShift(day, before=WorkCalendar(**hours, **without_day), after=WorkCalendar(**hours, **overrides))


def _moved_clocks(ticket: asyncpg.Record, shift: DayShift, sla: SlaClock) -> dict[str, Any]:
    """The ticket's deadlines that move, by field ({"sign_by": new, ...}), and their clocks."""
    moved: dict[str, Any] = {"ticket": ticket, "clocks": [], "after": {}}
    if policy_for(sla.policies, ticket["type"], ticket["urgency"]).basis == "natural":
        return moved  # an emergency counts natural time: a day off does not stop it
    for clock, statuses in timers.CLOCK_RUNNING.items():
        deadline = ticket[DEADLINE_OF[clock]]
        if ticket["status"] not in statuses or deadline is None or clock in ticket["shifted_clocks"]:
            continue
        after = shift.move(deadline, ticket["clock_start"])
        if after != deadline:
            moved["clocks"].append(clock)
            moved["after"][DEADLINE_OF[clock]] = after
    return moved


async def _moved_callbacks(conn: asyncpg.Connection, shift: DayShift, replied_before: datetime,
                           day: date) -> list[dict[str, Any]]:
    """回访 still due over the day (the callback team was off too), each moved like a clock started at its reply."""
    moves = []
    for callback in await conn.fetch(Q.due_callbacks, shift.starts_at, replied_before, day.isoformat()):
        due_at = shift.move(callback["due_at"], callback["replied_at"])
        if due_at != callback["due_at"]:
            ticket = {"id": callback["ticket_id"], "status": callback["status"], "callback_due": callback["due_at"],
                      "clock_start": callback["replied_at"]}
            moves.append({"ticket": ticket, "clocks": ["callback"], "after": {"callback_due": due_at},
                          "callback_id": callback["id"]})
    return moves


async def _move_timers(conn: asyncpg.Connection, moves: list[dict[str, Any]], shift: DayShift) -> None:
    """The moved clocks' pending warnings and overdue timers are cancelled and scheduled again, moved like their
    deadline (so a warning stays at its share of the clock's working time); fired ones stay fired."""
    by_ticket = {m["ticket"]["id"]: m for m in moves}
    kinds = [kind for clock_kinds in CLOCK_TIMERS.values() for kind in clock_kinds]
    pending = await conn.fetch(Q.pending_clock_timers, list(by_ticket), kinds)
    moved = []
    for timer in pending:
        move = by_ticket[timer["ticket_id"]]
        if timer["kind"].partition("_")[0] not in move["clocks"]:
            continue
        due_at = shift.move(timer["due_at"], move["ticket"]["clock_start"])
        if due_at != timer["due_at"]:
            moved.append((timer, due_at))
    await conn.execute(Q.cancel_timers, [timer["id"] for timer, _ in moved])
    await conn.execute(Q.insert_timers, [timer["ticket_id"] for timer, _ in moved],
                       [timer["kind"] for timer, _ in moved], [due_at for _, due_at in moved])
