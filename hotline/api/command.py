"""The command view's API (数据驾驶舱, 大屏) for supervisors, and the public monthly ranking for everyone."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from hotline.api.deps import ReadConn, require_roles
from hotline.auth.tokens import Principal
from hotline.command import service
from hotline.command.service import Days
from hotline.infra.errors import InvalidField
from hotline.intake.schemas import Channel
from hotline.infra.validation import day_out_of_range

router = APIRouter(prefix="/api/v1", tags=["command view"])
Supervisor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]
MAX_DAYS = 366
DistrictCode = Annotated[str | None, Query(pattern=r"^\d{6}$", description="district code, e.g. 330302")]
Measure = Literal[tuple(service.DRILL_MEASURES)]  # type: ignore[valid-type]


def _days(
    from_: Annotated[date | None, Query(alias="from", description="first local day, YYYY-MM-DD")] = None,
    to: Annotated[date | None, Query(description="last local day, included")] = None,
) -> tuple[Days, Days]:
    """The chosen days and the ones compared with them: by default this month so far against the same days of last
    month (上月同期); a chosen range against as many days just before it."""
    for field, day in (("from", from_), ("to", to)):
        if day is not None and (problem := day_out_of_range(day)):
            raise InvalidField(field, problem)
    if from_ is None and to is None:
        return service.month_to_date(service.today())
    if from_ is None or to is None:
        raise InvalidField("from" if from_ is None else "to", "give both from and to, or neither")
    if to < from_:
        raise InvalidField("to", f"{to} is before from ({from_})")
    if (to - from_).days >= MAX_DAYS:
        raise InvalidField("from", f"a period is at most {MAX_DAYS} days")
    days = Days(from_, to)
    return days, days.previous()


ChosenDays = Annotated[tuple[Days, Days], Depends(_days)]


def _month(month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM; default: last month")]
           = None) -> date:
    today = service.today()
    if month is None:
        return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    year, number = (int(part) for part in month.split("-"))
    if not 1 <= number <= 12:
        raise InvalidField("month", "must be a month 01-12")
    chosen = date(year, number, 1)
    if problem := day_out_of_range(chosen):
        raise InvalidField("month", problem)
    if chosen > today:
        raise InvalidField("month", "must not be in the future")
    return chosen


RankingMonth = Annotated[date, Depends(_month)]


async def _read(conn, work):
    # several reads of one view: one snapshot keeps them about the same events
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        return await work()


@router.get("/command/tiles")
async def tiles(_: Supervisor, conn: ReadConn, days: ChosenDays, district: DistrictCode = None) -> dict[str, Any]:
    """Each figure of feedback/definitions.py with its target, the previous period and the direction."""
    return await _read(conn, lambda: service.tiles(conn, days=days[0], previous=days[1], district=district))


@router.get("/command/trends")
async def trends(_: Supervisor, conn: ReadConn, days: ChosenDays, district: DistrictCode = None) -> dict[str, Any]:
    return await _read(conn, lambda: service.trends(conn, days=days[0], district=district))


@router.get("/command/map")
async def city_map(_: Supervisor, conn: ReadConn, days: ChosenDays, district: DistrictCode = None) -> dict[str, Any]:
    """Per district: contacts, satisfaction, overdue now; with a district, its streets."""
    return await _read(conn, lambda: service.city_map(conn, days=days[0], district=district))


@router.get("/command/ranking")
async def ranking(_: Supervisor, conn: ReadConn, month: RankingMonth) -> dict[str, Any]:
    """The month's 红黑榜 as the centre sees it (举报 included)."""
    return await _read(conn, lambda: service.ranking(conn, month=month, public=False))


@router.get("/command/tickets")
async def drill(
    _: Supervisor, conn: ReadConn, days: ChosenDays,
    measure: Annotated[Measure, Query(description="the number's cohort")],
    part: Literal["all", "miss"] = "all",
    district: DistrictCode = None,
    channel: Channel | None = None,
    category: Annotated[str | None, Query(max_length=50, description="level-1 category name")] = None,
    department: Annotated[str | None, Query(max_length=64)] = None,
    street: Annotated[str | None, Query(pattern=r"^\d{9}$")] = None,
    unit_district: Annotated[str | None, Query(pattern=r"^\d{6}$", description=(
        "tickets handled by this district's own units (its government, departments, streets)"))] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=service.PAGE_SIZE_MAX)] = 20,
) -> dict[str, Any]:
    """The tickets behind a number: its cohort (`all`) or the part short of the aim (`miss`); newest first."""
    return await _read(conn, lambda: service.drill(
        conn, measure=measure, part=part, days=None if measure in service.NOW_MEASURES else days[0],
        district=district, channel=channel, category=category or None, department=department or None,
        street=street, page=page, page_size=page_size, unit_district=unit_district))


@router.get("/command/wallboard")
async def wallboard(_: Supervisor, conn: ReadConn) -> dict[str, Any]:
    """The wallboard's numbers now (the page itself is pushed them; see /command/wallboard/stream)."""
    return await _read(conn, lambda: service.wallboard(conn, day=service.today()))


@router.get("/command/wallboard/stream", response_class=StreamingResponse)
async def wallboard_stream(request: Request, _: Supervisor) -> StreamingResponse:
    """Server-Sent Events: `wallboard` events with the numbers, pushed when tickets change (never polled)."""
    return StreamingResponse(request.app.state.wallboard.stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/public/ranking")
async def public_ranking(conn: ReadConn, month: RankingMonth) -> dict[str, Any]:
    """向社会公布: the month's ranking and rates without 举报 and without anything of a person (no login)."""
    return await _read(conn, lambda: service.ranking(conn, month=month, public=True))
