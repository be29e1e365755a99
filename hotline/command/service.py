"""The supervisor's command view (数据驾驶舱) and the public ranking: figures against their targets, trends, the
city map, the monthly 红黑榜 and the tickets behind every number, read from the daily rollups of migration 0019.

Every figure is defined once in feedback/definitions.py. Sums of whole local days come from the rollups, so a
view costs the same at ten million tickets as at ten thousand; only what is running now (open clocks) and a
drill-down's page read tickets.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo


import asyncpg

from feedback.definitions import (
    FIGURES, RANKING_BLACK_SCORE, RANKING_LIST_SIZE, RANKING_MIN_CALLBACKS, RANKING_MIN_ROUNDS, RANKING_RED_SCORE,
    RANKING_RULES, RANKING_WEIGHTS,
    ROLLUP_COUNTS, figure_values, ranking_score, target_met,
)
from feedback.periods import CITY_TIMEZONE, period_of_days
from hotline.metrics.report import CHANNEL_LABELS
from hotline.text.pii import mask_text
from hotline.infra.sql import load_queries

Q = load_queries(__file__)
ZONE = ZoneInfo(CITY_TIMEZONE)
WEEKS = 12
TOP_CATEGORIES = 10
EXCERPT_CHARS = 60
PAGE_SIZE_MAX = 100
# measure -> the cohort it reads; "all" and "miss" parts as defined beside each query
DRILL_MEASURES = {
    "contacts": "contacts", "repeat": "contacts", "online": "contacts", "response": "rounds",
    "callback": "replies", "resolution": "replies", "satisfaction": "replies", "handling": "replies",
    "overdue": "clocks", "warned": "clocks",
}
NOW_MEASURES = ("overdue", "warned")  # as they stand now: no period


@dataclass(frozen=True)
class Days:
    """Local days `first` to `last`, both included."""

    first: date
    last: date

    def __post_init__(self):
        if self.last < self.first:
            raise ValueError(f"to ({self.last}) is before from ({self.first})")

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Days:
        """The same number of days just before."""
        return Days(self.first - timedelta(days=self.length), self.first - timedelta(days=1))

    def as_dict(self) -> dict[str, str]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}


def today() -> date:
    return datetime.now(ZONE).date()


def month_days(month: date, *, until: date) -> Days:
    """A calendar month, cut at `until` while it is still running."""
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return Days(first, min(last, until))


def month_to_date(day: date) -> tuple[Days, Days]:
    """This month up to `day`, and the same days of last month (上月同期), cut at that month's end."""
    current = Days(day.replace(day=1), day)
    last_month = (current.first - timedelta(days=1)).replace(day=1)
    return current, Days(last_month, min(last_month.replace(day=1) + timedelta(days=current.length - 1),
                                         current.first - timedelta(days=1)))


def _zero() -> dict[str, int]:
    return dict.fromkeys(ROLLUP_COUNTS, 0)


async def _sums(conn: asyncpg.Connection, days: Days, *, grain: str = "area", key1: str | None = None,
                key2: str | None = None, district: str | None = None, reports: bool = True
                ) -> dict[tuple[Any, Any], dict[str, int]]:
    rows = await conn.fetch(Q.rollup_groups, days.first, days.last, grain, key1, key2, district, reports)
    return {(r["key1"], r["key2"]): {c: r[c] for c in ROLLUP_COUNTS} for r in rows}


_CONTACT_COUNTS = ("contacts", "online_contacts", "online_responded", "online_on_time", "online_response_s")


async def _contacts(conn: asyncpg.Connection, days: Days, *, key1: str, key2: str | None = None,
                    district: str | None = None) -> dict[tuple[Any, Any], dict[str, int]]:
    """Contacts and online first responses by one or two keys (area grain); the other counts are 0."""
    rows = await conn.fetch(Q.rollup_contacts, days.first, days.last, district, key1, key2)
    return {(r["key1"], r["key2"]): {**_zero(), **{k: r[k] for k in _CONTACT_COUNTS}} for r in rows}


async def _rounds_not_due(conn: asyncpg.Connection, since: date, *, reports: bool = True) -> list[asyncpg.Record]:
    return [r for r in await conn.fetch(Q.rounds_not_due, since) if reports or not r["report"]]


def _with_rounds_due(counts: dict[str, int], not_due: int) -> dict[str, int]:
    # rounds still inside their sign deadline are not judged yet
    return {**counts, "rounds_due": counts["rounds"] - not_due}


def _not_due_by(rows: Iterable[asyncpg.Record], days: Days, key: Callable[[asyncpg.Record], Any],
                district: str | None = None) -> dict[Any, int]:
    found: dict[Any, int] = defaultdict(int)
    for row in rows:
        if days.first <= row["day"] <= days.last and (district is None or row["district_code"] == district):
            found[key(row)] += row["rounds"]
    return found


def _total(groups: dict[tuple[Any, Any], dict[str, int]]) -> dict[str, int]:
    total = _zero()
    for counts in groups.values():
        for name in ROLLUP_COUNTS:
            total[name] += counts[name]
    return total


async def period_values(conn: asyncpg.Connection, days: Days, *, district: str | None = None,
                        not_due: list[asyncpg.Record] | None = None) -> tuple[dict[str, Any], dict[str, int]]:
    """The figures of one period (city-wide or one district) and the counts they come from."""
    counts = _total(await _sums(conn, days, district=district))
    if not_due is None:
        not_due = await _rounds_not_due(conn, days.first)
    waiting = sum(_not_due_by(not_due, days, lambda r: None, district).values())
    counts = _with_rounds_due(counts, waiting)
    return figure_values(counts), counts


async def tiles(conn: asyncpg.Connection, *, days: Days, previous: Days, district: str | None) -> dict[str, Any]:
    """Each figure with its target, the previous period and the direction of change."""
    not_due = await _rounds_not_due(conn, previous.first)
    current, counts = await period_values(conn, days, district=district, not_due=not_due)
    before, _ = await period_values(conn, previous, district=district, not_due=not_due)
    figures = []
    for figure in FIGURES:
        value, last = current[figure.name], before[figure.name]
        change = None if value is None or last is None else round(value - last, 4)
        figures.append({
            "name": figure.name, "label": figure.label, "kind": figure.kind, "definition": figure.definition,
            "value": value, "previous": last, "change": change, "better": figure.better,
            "improved": None if change in (None, 0) or figure.better is None
            else (change > 0) == (figure.better == "up"),
            "target": figure.target_text, "target_met": target_met(figure, value, last),
            "drill": {"measure": figure.drill[0], "part": figure.drill[1]},
        })
    return {
        "period": days.as_dict(), "previous_period": previous.as_dict(), "district": district,
        "figures": figures,
        "apart": {"not_callable": counts["not_callable"], "callbacks_pending": counts["callbacks_pending"],
                  "rounds_not_due": counts["rounds"] - counts["rounds_due"], "replies": counts["replies"],
                  "callbacks_done": counts["callbacks_done"], "rounds": counts["rounds_due"]},
    }


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def trends(conn: asyncpg.Connection, *, days: Days, district: str | None) -> dict[str, Any]:
    """Daily contacts by channel, the three rates and 回访率 by week, top categories against the previous period,
    and online contacts' first response against GB/T 33358's 3 minutes."""
    daily = await _contacts(conn, days, key1="day", key2="channel", district=district)
    day_list = [(days.first + timedelta(days=i)).isoformat() for i in range(days.length)]
    channels = sorted({channel for _, channel in daily if channel is not None}, key=list(CHANNEL_LABELS).index)
    by_channel = {channel: [daily.get((day, channel), {}).get("contacts", 0) for day in day_list]
                  for channel in channels}

    weeks = Days(_week_start(days.last) - timedelta(weeks=WEEKS - 1), days.last)
    not_due = await _rounds_not_due(conn, weeks.first)
    weekly = await _sums(conn, weeks, key1="week", district=district)
    waiting = _not_due_by(not_due, weeks, lambda r: _week_start(r["day"]).isoformat(), district)
    week_list = [(weeks.first + timedelta(weeks=i)).isoformat() for i in range(WEEKS)]
    weekly_values = []
    for week in week_list:
        counts = _with_rounds_due(weekly.get((week, None), _zero()), waiting.get(week, 0))
        values = figure_values(counts)
        weekly_values.append({"week": week, **{name: values[name] for name in (
            "response_rate", "resolution_rate", "satisfaction_rate", "callback_rate")}})

    previous = days.previous()
    now_categories = await _contacts(conn, days, key1="category", district=district)
    before_categories = await _contacts(conn, previous, key1="category", district=district)
    ranked = sorted(((key, counts["contacts"]) for (key, _), counts in now_categories.items()
                     if key and counts["contacts"] > 0), key=lambda kc: (-kc[1], kc[0]))[:TOP_CATEGORIES]
    categories = []
    for name, contacts in ranked:
        last = before_categories.get((name, None), {}).get("contacts", 0)
        categories.append({"category": name, "contacts": contacts, "previous": last,
                           "change": round((contacts - last) / last, 4) if last else None})

    daily_totals: dict[tuple[Any, Any], dict[str, int]] = {}
    for (day, _), counts in daily.items():  # the days' totals over their channels
        total = daily_totals.setdefault((day, None), _zero())
        for name in _CONTACT_COUNTS:
            total[name] += counts[name]
    online = []
    for day in day_list:
        counts = daily_totals.get((day, None), _zero())
        responded = counts["online_responded"]
        online.append({
            "day": day, "contacts": counts["online_contacts"], "on_time": counts["online_on_time"],
            "rate": figure_values(counts)["online_response_rate"],
            "mean_minutes": round(counts["online_response_s"] / responded / 60, 1) if responded else None,
        })
    return {
        "period": days.as_dict(), "previous_period": previous.as_dict(), "district": district,
        "days": day_list, "channels": [{"code": c, "label": CHANNEL_LABELS.get(c, c), "contacts": by_channel[c]}
                                       for c in channels],
        "weeks": weekly_values, "categories": categories, "online": online,
    }


async def city_map(conn: asyncpg.Connection, *, days: Days, district: str | None) -> dict[str, Any]:
    """Per district: contacts and satisfaction in the period, overdue now; the chosen district's streets."""
    names = {r["code"]: r["name"] for r in await conn.fetch(Q.district_names)}
    by_district = await _sums(conn, days, key1="district")
    overdue = await conn.fetch(Q.overdue_now)
    overdue_by: dict[Any, int] = defaultdict(int)
    overdue_street: dict[Any, int] = defaultdict(int)
    for row in overdue:
        overdue_by[row["district_code"]] += row["overdue"]
        overdue_street[row["street_code"]] += row["overdue"]
    districts = []
    for code, name in names.items():
        counts = by_district.get((code, None), _zero())
        values = figure_values(counts)
        districts.append({"code": code, "name": name, "contacts": counts["contacts"],
                          "overdue": overdue_by.get(code, 0), "satisfaction_rate": values["satisfaction_rate"],
                          "callbacks_done": counts["callbacks_done"]})
    unlocated = by_district.get((None, None), _zero())["contacts"]
    streets = []
    if district is not None:
        street_counts = await _sums(conn, days, grain="street", key1="street", district=district)
        for row in await conn.fetch(Q.street_names, district):
            contacts = street_counts.get((row["code"], None), _zero())["contacts"]
            streets.append({"code": row["code"], "name": row["name"], "contacts": contacts,
                            "overdue": overdue_street.get(row["code"], 0)})
        streets.sort(key=lambda s: (-s["contacts"], -s["overdue"], s["code"]))
    return {"period": days.as_dict(), "district": district, "districts": districts,
            "unlocated_contacts": unlocated, "overdue_unlocated": overdue_by.get(None, 0), "streets": streets}


def _rank(units: list[dict[str, Any]]) -> None:
    """Ranks by score with ties sharing a rank (1, 1, 3); marks the 红榜 and 黑榜; units without enough cases last."""
    ranked = [u for u in units if u["score"] is not None]
    ranked.sort(key=lambda u: (-u["score"], -u["rounds"], u["code"]))
    for position, unit in enumerate(ranked, start=1):
        unit["rank"] = ranked[position - 2]["rank"] if position > 1 and unit["score"] == ranked[position - 2]["score"] \
            else position
    last_rank = ranked[-1]["rank"] if ranked else 0
    for unit in ranked:
        red = unit["rank"] <= RANKING_LIST_SIZE and unit["score"] >= RANKING_RED_SCORE
        # the last places (with their ties) once enough units are ranked, and any unit scoring too low
        last = len(ranked) > 2 * RANKING_LIST_SIZE and unit["rank"] > last_rank - RANKING_LIST_SIZE
        black = not red and (last or unit["score"] < RANKING_BLACK_SCORE)
        unit["list"] = "red" if red else "black" if black else None
    units.sort(key=lambda u: (u["score"] is None, u.get("rank") or 0, -u["rounds"], u["code"]))


def _unit(code: str, name: str, counts: dict[str, int]) -> dict[str, Any]:
    values = figure_values(counts)
    enough = counts["rounds_due"] >= RANKING_MIN_ROUNDS and counts["callbacks_done"] >= RANKING_MIN_CALLBACKS
    return {
        "code": code, "name": name, "rounds": counts["rounds_due"], "callbacks_done": counts["callbacks_done"],
        "dispatches": counts["dispatches"], "replies": counts["replies"],
        **{name: values[name] for name in RANKING_WEIGHTS}, "callback_rate": values["callback_rate"],
        "score": ranking_score(values) if enough else None, "rank": None, "list": None,
    }


async def ranking(conn: asyncpg.Connection, *, month: date, public: bool) -> dict[str, Any]:
    """The month's 红黑榜 of municipal departments and of districts; `public` leaves 举报 out of every count."""
    now = today()
    days = month_days(month, until=now)
    reports = not public
    by_department = await _sums(conn, days, grain="department", key1="department", reports=reports)
    waiting = _not_due_by(await _rounds_not_due(conn, days.first, reports=reports), days,
                          lambda r: r["department"])
    departments, district_counts = [], defaultdict(_zero)
    units = {r["code"]: r for r in await conn.fetch(Q.department_units)}
    for (code, _), counts in by_department.items():
        unit = units.get(code)
        if unit is None:
            continue  # not dispatched yet: no department to rank
        counts = _with_rounds_due(counts, waiting.get(code, 0))
        if unit["level"] == "city":
            departments.append(_unit(code, unit["name"], counts))
        elif unit["district_code"]:
            district = district_counts[unit["district_code"]]
            for name, value in counts.items():
                district[name] = district.get(name, 0) + value
    names = {r["code"]: r["name"] for r in await conn.fetch(Q.district_names)}
    districts = [_unit(code, names[code], district_counts.get(code) or _with_rounds_due(_zero(), 0))
                 for code in names]
    _rank(departments)
    _rank(districts)
    city, _ = await _city(conn, days, reports=reports)
    return {
        "month": days.first.strftime("%Y-%m"), "period": days.as_dict(),
        "complete": (days.first.year, days.first.month) < (now.year, now.month),
        "rules": list(RANKING_RULES), "weights": RANKING_WEIGHTS,
        "min_rounds": RANKING_MIN_ROUNDS, "min_callbacks": RANKING_MIN_CALLBACKS,
        "city": {name: city[name] for name in ("contacts", "response_rate", "resolution_rate", "satisfaction_rate",
                                               "callback_rate")},
        "departments": departments, "districts": districts,
    }


async def _city(conn: asyncpg.Connection, days: Days, *, reports: bool) -> tuple[dict[str, Any], dict[str, int]]:
    counts = _total(await _sums(conn, days, reports=reports))
    waiting = sum(_not_due_by(await _rounds_not_due(conn, days.first, reports=reports), days, lambda r: None).values())
    counts = _with_rounds_due(counts, waiting)
    return figure_values(counts), counts


def _excerpt(row: asyncpg.Record) -> str:
    # Staff pass these lists on: personal data stays masked, and a 举报 is shown by its reviewed copy.
    if row["protected"]:
        title, text = row["title_redacted"] or "", row["content_redacted"] or "（举报内容待审核）"
    else:
        title = mask_text(row["title"])[0] if row["title"] else ""
        text = row["content_masked"]
    shown = f"{title}。{text}" if title else text
    return shown if len(shown) <= EXCERPT_CHARS else shown[:EXCERPT_CHARS] + "…"


# A drill-down counts its tickets up to here and then says 超过 (the number clicked is the rollup's, exact): counting
# a whole cohort of a busy month would cost more than the list.
DRILL_COUNT_CAP = 10_000


async def drill(conn: asyncpg.Connection, *, measure: str, part: str, days: Days | None, district: str | None,
                channel: str | None, category: str | None, department: str | None, street: str | None,
                page: int, page_size: int, unit_district: str | None = None) -> dict[str, Any]:
    """The tickets behind a number: the measure's cohort (part "all") or the part that falls short ("miss").
    `unit_district` keeps the tickets a district's own units handled (its row of the 红黑榜)."""
    family = DRILL_MEASURES[measure]
    offset = (page - 1) * page_size
    departments = [department] if department else None
    if unit_district is not None:
        units = [r["code"] for r in await conn.fetch(Q.district_units, unit_district)]
        departments = [code for code in units if departments is None or code in departments]
    if family == "clocks":
        args = (district, channel, category, departments, street, measure)
        rows = await conn.fetch(Q.drill_clocks, *args, page_size, offset)
        total = await conn.fetchval(Q.count_clocks, *args, DRILL_COUNT_CAP)
    else:
        assert days is not None
        period = period_of_days(days.first, days.last)
        args = (period.start, period.end, district, channel, category, departments, street, measure, part)
        rows = await conn.fetch(getattr(Q, f"drill_{family}"), *args, page_size, offset)
        total = await conn.fetchval(getattr(Q, f"count_{family}"), *args, DRILL_COUNT_CAP)
    shown = {r["id"]: r for r in await conn.fetch(Q.tickets_shown, [r["ticket_id"] for r in rows])}
    items = []
    for row in rows:
        ticket = shown[row["ticket_id"]]
        items.append({
            "ticket_number": ticket["ticket_number"], "received_at": ticket["created_at"], "at": row["at"],
            "channel": ticket["channel"], "status": ticket["status"], "type": ticket["type"],
            "category": ticket["category_path"], "district": ticket["district_name"],
            "department": ticket["department_name"], "excerpt": _excerpt(ticket),
        })
    return {"measure": measure, "part": part, "period": days.as_dict() if days and family != "clocks" else None,
            "total": min(total, DRILL_COUNT_CAP), "more": total > DRILL_COUNT_CAP, "page": page, "page_size": page_size,
            "items": items}


async def call_log(conn: asyncpg.Connection, *, day: date) -> dict[str, Any] | None:
    """Calls waiting now, answered and abandoned today from the PBX's call log (cti_calls, written by the CTI
    event API), or None while no PBX is connected (the wallboard then says 暂未接入电话系统)."""
    row = await conn.fetchrow(Q.call_log_today, datetime.combine(day, time.min, tzinfo=ZONE))
    if not row["connected"]:
        return None
    median = row["median_wait_s"]
    return {"waiting": row["waiting"], "answered": row["answered"], "abandoned": row["abandoned"],
            "median_wait_s": None if median is None else round(median, 1)}


async def wallboard(conn: asyncpg.Connection, *, day: date) -> dict[str, Any]:
    """Today's contacts by channel, replies and callbacks, clocks overdue and warned now, this month's rates."""
    today_days = Days(day, day)
    by_channel = await _sums(conn, today_days, key1="channel")
    today_counts = _total(by_channel)
    month, _ = month_to_date(day)
    month_values, _ = await period_values(conn, month)
    overdue_rows = await conn.fetch(Q.overdue_now)
    overdue = sum(r["overdue"] for r in overdue_rows)
    by_district: dict[str, int] = defaultdict(int)
    for row in overdue_rows:
        by_district[row["district_code"]] += row["overdue"]
    names = {r["code"]: r["name"] for r in await conn.fetch(Q.district_names)}
    warned = await conn.fetchval(Q.count_clocks, None, None, None, None, None, "warned", None)
    return {
        "day": day.isoformat(), "updated_at": datetime.now(ZONE).isoformat(timespec="seconds"),
        "contacts": today_counts["contacts"],
        "channels": sorted(({"code": c, "label": CHANNEL_LABELS.get(c, c), "contacts": counts["contacts"]}
                            for (c, _), counts in by_channel.items() if c and counts["contacts"]),
                           key=lambda c: -c["contacts"]),
        "replies": today_counts["replies"], "callbacks_done": today_counts["callbacks_done"],
        "overdue": overdue, "warned": warned, "calls": await call_log(conn, day=day),
        # every district, the most overdue first: the wall shows where the clocks are running out
        "overdue_by_district": sorted(({"code": code, "name": name, "overdue": by_district.get(code, 0)}
                                       for code, name in names.items()), key=lambda d: (-d["overdue"], d["code"])),
        "month": {name: month_values[name] for name in ("response_rate", "resolution_rate", "satisfaction_rate",
                                                         "callback_rate")},
    }
