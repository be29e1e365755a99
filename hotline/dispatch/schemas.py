"""Request and response bodies for dispatch and the department's actions."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hotline.infra.validation import NonBlankStr

TicketType = Literal["consult", "complaint", "report", "suggestion", "help", "praise"]
Urgency = Literal["emergency", "urgent", "normal"]
DepartmentCode = Field(min_length=1, max_length=64)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClassificationIn(_Strict):
    type: TicketType
    category: NonBlankStr | None = Field(default=None, max_length=200)
    urgency: Urgency = "normal"


class DispatchIn(_Strict):
    department: NonBlankStr = DepartmentCode
    co_departments: list[NonBlankStr] = Field(default_factory=list, max_length=10)
    note: NonBlankStr | None = Field(default=None, max_length=1000)


class ReasonIn(_Strict):
    reason: NonBlankStr = Field(max_length=1000)


class ContentIn(_Strict):
    content: NonBlankStr = Field(max_length=5000)


class ExtensionIn(_Strict):
    working_days: int = Field(ge=1, le=30)
    reason: NonBlankStr = Field(max_length=1000)


class DecisionIn(_Strict):
    note: NonBlankStr | None = Field(default=None, max_length=1000)


class DeadlinesOut(BaseModel):
    sign_by: datetime
    reply_by: datetime


class ActionOut(BaseModel):
    ticket_number: str
    status: str
    lead_department: str | None
    sign_by: datetime | None
    reply_by: datetime | None


class EarlierExtension(BaseModel):
    """An extension already granted on the same ticket, shown beside a further request."""
    working_days: int
    reason: str
    created_at: datetime
    decided_at: datetime | None
    reply_by_before: datetime | None
    reply_by_after: datetime | None


class ExtensionOut(BaseModel):
    id: int
    ticket_number: str | None = None
    department_code: str
    working_days: int
    reason: str
    status: str
    reply_by_before: datetime | None
    reply_by_after: datetime | None
    created_at: datetime
    decided_at: datetime | None
    decision_note: str | None
    earlier: list[EarlierExtension] = []  # approved requests before this one, oldest first

    @field_validator("earlier", mode="before")
    @classmethod
    def _json(cls, value):
        return json.loads(value) if isinstance(value, str) else value
