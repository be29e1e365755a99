"""Request and response bodies for the centre's calendar days and their history."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hotline.infra.validation import NonBlankStr

DayKind = Literal["workday", "holiday"]


class CalendarDayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: DayKind
    reason: NonBlankStr = Field(max_length=200, description="e.g. 2027年元旦, 春节调休上班, 台风停工")


class CalendarDayOut(BaseModel):
    date: dt.date
    kind: DayKind
    reason: str
    statutory: DayKind | None = Field(description="what the statutory calendar alone says; null: year unknown to it")
    set_by: str | None
    set_at: dt.datetime
    deadlines_shifted_at: dt.datetime | None = Field(description="when the open tickets' deadlines were moved over "
                                                                 "this holiday (时限顺延); null: not shifted")


class CalendarYearOut(BaseModel):
    year: int
    statutory_known: bool = Field(description="false: the year's holidays are unknown, Monday-Friday less the holidays fixed by law count as "
                                              "workdays unless set here")
    days: list[CalendarDayOut]


class DaySetting(BaseModel):
    kind: DayKind
    reason: str


class CalendarChangeOut(BaseModel):
    id: int
    date: dt.date
    action: Literal["set", "remove", "shift"]
    before: DaySetting | None
    after: DaySetting | None
    reason: str
    changed_by: str | None
    changed_at: dt.datetime


class DeadlineShiftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: NonBlankStr = Field(max_length=200, description="e.g. 台风停工，在办工单时限顺延一个工作日")


class DeadlineShiftOut(BaseModel):
    date: dt.date
    tickets: int = Field(description="tickets whose sign or reply deadline moved")
    clocks: int = Field(description="deadlines moved (a ticket not yet signed may have both)")
