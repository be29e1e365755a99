"""The centre's working calendar over HTTP: office staff read the set days (agents quote deadlines); supervisors
and admins set a day as workday or holiday, or remove it, with a reason kept in the history."""
from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Response

from hotline.api.deps import Conn, require_roles
from hotline.auth.tokens import Principal
from hotline.calendar_days import service
from hotline.calendar_days.schemas import CalendarChangeOut, CalendarDayIn, CalendarDayOut, CalendarYearOut
from hotline.validation import NonBlankStr

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
