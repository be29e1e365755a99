"""Request and response bodies for callbacks, the supervisor's review, the citizen's link and supervision orders."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hotline.text.pii import mask_text
from hotline.infra.validation import NonBlankStr

Satisfaction = Literal["satisfied", "basically_satisfied", "unsatisfied"]
CallbackStatus = Literal["due", "overdue", "done", "not_callable", "awaiting_review"]
OrderStatus = Literal["open", "answered", "closed", "active"]  # active: open or answered


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CallbackIn(_Strict):
    reached: bool
    resolved: bool | None = None
    satisfaction: Satisfaction | None = None
    comment: NonBlankStr | None = Field(default=None, max_length=2000)
    refused: bool = False  # reached, but the citizen declines to evaluate (拒绝回访)
    retry_at: datetime | None = None  # not reached: when to call again (default two hours on, within the deadline)


class PublicCallbackIn(_Strict):
    resolved: bool
    satisfaction: Satisfaction
    comment: NonBlankStr | None = Field(default=None, max_length=2000)


class ReviewIn(_Strict):
    reason: NonBlankStr = Field(max_length=1000)


class SupervisionOrderIn(_Strict):
    note: NonBlankStr = Field(max_length=1000)
    working_days: int | None = Field(default=None, ge=1, le=30)  # the department's time to answer; default 3


class OrderAnswerIn(_Strict):
    answer: NonBlankStr = Field(max_length=2000)


class OrderCloseIn(_Strict):
    note: NonBlankStr | None = Field(default=None, max_length=1000)


class OrderEscalateIn(_Strict):
    reason: NonBlankStr = Field(max_length=1000)


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
    comment: str | None = None  # the citizen's words, masked: a number typed there is personal data
    retry_at: datetime | None = None


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
    title: str | None
    department_code: str
    department_name: str
    cause: str
    note: str | None
    status: str
    level: int  # 1 一般督办, 2 重点督办, 3 挂牌督办
    due_at: datetime | None
    overdue: bool | None
    answer: str | None
    answered_at: datetime | None
    answered_by: str | None
    escalated_at: datetime | None
    lapsed_at: datetime | None
    closed_at: datetime | None
    close_note: str | None
    issued_by: str | None
    created_at: datetime

    @field_validator("title")
    @classmethod
    def _masked_title(cls, value: str | None) -> str | None:
        return mask_text(value)[0] if value else value


def present_callback(row: Any) -> CallbackOut:
    values = dict(row)
    for key in ("title", "comment"):
        if values.get(key):
            values[key] = mask_text(values[key])[0]
    return CallbackOut(**values)


DeskList = Literal["due", "overdue", "retry", "sms"]


class DeskItemOut(BaseModel):
    id: int
    ticket_number: str
    title: str | None
    excerpt: str  # the request's opening words (masked), for tickets without a title
    category_path: str | None
    department_code: str | None
    replied_at: datetime
    due_at: datetime
    overdue: bool
    attempts: int
    retry_at: datetime | None
    link_expires_at: datetime | None
    list: DeskList


class DeskListOut(BaseModel):
    list: DeskList
    counts: dict[str, int]  # due, overdue, retry, sms
    items: list[DeskItemOut]


class DeskCallbackOut(BaseModel):
    id: int
    status: str
    due_at: datetime
    overdue: bool
    attempts: int
    retry_at: datetime | None
    link_sent_at: datetime | None
    link_expires_at: datetime | None
    sms_pending: bool | None
    reached: bool | None
    resolved: bool | None
    satisfaction: str | None
    comment: str | None
    not_callable_reason: str | None
    answered_via: str | None
    review: str | None
    department_code: str | None
    replied_at: datetime
    completed_at: datetime | None


class DeskAttemptOut(BaseModel):
    created_at: datetime
    actor_role: str
    actor_username: str | None
    retry_at: datetime | None


class DeskDetailOut(BaseModel):
    ticket_number: str
    ticket_status: str
    type: str | None
    channel: str
    category: str | None
    title: str | None
    content: str
    lead_department: str | None
    received_at: datetime
    anonymous: bool
    confidential: bool
    citizen_name: str | None
    phone_masked: str | None
    phone_kind: Literal["mobile", "landline"] | None
    reply: str | None
    replied_at: datetime
    department_code: str | None
    callback: DeskCallbackOut
    attempts: list[DeskAttemptOut]
    default_retry_at: datetime | None


class DialOut(BaseModel):
    ticket_number: str
    phone: str
    revealed_at: datetime


class CallbackSmsOut(BaseModel):
    ticket_number: str
    sms_id: int
    link_expires_at: datetime
