"""Request and response bodies for callbacks, the supervisor's review, the citizen's link and supervision orders."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hotline.intake.pii import mask_text
from hotline.validation import NonBlankStr

Satisfaction = Literal["satisfied", "basically_satisfied", "unsatisfied"]
CallbackStatus = Literal["due", "overdue", "done", "not_callable", "awaiting_review"]
OrderStatus = Literal["open", "answered", "closed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CallbackIn(_Strict):
    reached: bool
    resolved: bool | None = None
    satisfaction: Satisfaction | None = None
    comment: NonBlankStr | None = Field(default=None, max_length=2000)
    refused: bool = False  # reached, but the citizen declines to evaluate (拒绝回访)


class PublicCallbackIn(_Strict):
    resolved: bool
    satisfaction: Satisfaction
    comment: NonBlankStr | None = Field(default=None, max_length=2000)


class ReviewIn(_Strict):
    reason: NonBlankStr = Field(max_length=1000)


class SupervisionOrderIn(_Strict):
    note: NonBlankStr = Field(max_length=1000)


class CallbackOut(BaseModel):
    id: int
    ticket_number: str
    ticket_status: str
    title: str | None
    department_code: str | None
    due_at: datetime
    status: str
    overdue: bool
    attempts: int
    reached: bool | None
    resolved: bool | None
    satisfaction: str | None
    not_callable_reason: str | None
    answered_via: str | None
    review: str | None
    replied_at: datetime
    completed_at: datetime | None


class CallbackLinkOut(BaseModel):
    ticket_number: str
    token: str  # shown once, to be sent to the citizen; only its hash is stored
    path: str  # the citizen's page, for the SMS
    api_path: str  # the same answer for an app
    due_at: datetime


class PublicCallbackOut(BaseModel):
    ticket_number: str
    title: str | None
    reply: str | None
    answered: bool
    satisfaction_choices: list[str] = ["satisfied", "basically_satisfied", "unsatisfied"]


class SupervisionOrderOut(BaseModel):
    id: int
    ticket_number: str
    department_code: str
    department_name: str
    cause: str
    note: str | None
    status: str
    issued_by: str | None
    created_at: datetime
    answered_at: datetime | None


def present_callback(row: Any) -> CallbackOut:
    values = dict(row)
    if values["title"]:
        values["title"] = mask_text(values["title"])[0]
    return CallbackOut(**values)
