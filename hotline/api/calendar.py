"""The centre's working calendar over HTTP: office staff read the set days (agents quote deadlines); supervisors
and admins set a day as workday or holiday, or remove it, with a reason kept in the history, and shift the open
tickets' deadlines over a holiday (时限顺延)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Response

from hotline.api.deps import Conn, Sla, require_roles
from hotline.auth.tokens import Principal
from hotline.calendar_days import service
from hotline.calendar_days.schemas import (
    CalendarChangeOut, CalendarDayIn, CalendarDayOut, CalendarYearOut, DeadlineShiftIn, DeadlineShiftOut,
)
from hotline.infra.validation import NonBlankStr

router = APIRouter(prefix="/api/v1/calendar", tags=["calendar"])
Office = Annotated[Principal, Depends(require_roles("agent", "supervisor", "admin"))]
Supervisor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]
Year = Annotated[int, Query(ge=service.MIN_YEAR, le=service.MAX_YEAR)]
CITY_ZONE = ZoneInfo("Asia/Shanghai")


@router.get("/days", response_model=CalendarYearOut)
async def list_days(conn: Conn, _: Office, year: Year | None = None) -> dict:
    return await service.list_days(conn, year=year or dt.datetime.now(CITY_ZONE).year)


@router.get("/days/history", response_model=list[CalendarChangeOut])
async def day_history(conn: Conn, _: Office, year: Year | None = None) -> list:
    return await service.day_history(conn, year=year)


@router.put("/days/{date}", response_model=CalendarDayOut)
async def set_day(date: dt.date, body: CalendarDayIn, conn: Conn, actor: Supervisor) -> dict:
    async with conn.transaction():
        return await service.set_day(conn, day=date, kind=body.kind, reason=body.reason, actor=actor)


@router.delete("/days/{date}", status_code=204)
async def remove_day(date: dt.date, conn: Conn, actor: Supervisor,
                     reason: Annotated[NonBlankStr, Query(max_length=200)]) -> Response:
    async with conn.transaction():
        await service.remove_day(conn, day=date, reason=reason, actor=actor)
    return Response(status_code=204)


@router.post("/days/{date}/shift-deadlines", response_model=DeadlineShiftOut)
async def shift_deadlines(date: dt.date, body: DeadlineShiftIn, conn: Conn, actor: Supervisor, sla: Sla) -> dict:
    """时限顺延: the day, set as holiday after open tickets' deadlines were computed, is given back to them.

    Every sign or reply clock that runs in working time (not an emergency's natural time), of a ticket dispatched
    (or reopened) before the day ended and before the day became a holiday, whose deadline lies after the day's
    start, moves by exactly the working time the day took from it; its pending warning and overdue timers move
    alike, and so does a 回访 still due of a reply made before; each ticket gets a `deadline_shifted` event.
    Once per holiday (409 after); a day more than 30 days past is refused. Removing the day later is allowed and
    does NOT move the deadlines back.
    """
    async with conn.transaction():
        return await service.shift_deadlines(conn, day=date, reason=body.reason, actor=actor, sla=sla)
