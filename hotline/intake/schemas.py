"""What a contact from any channel looks like on the way in, and what intake answers."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from hotline.console.schemas import IntakeDetailsIn
from hotline.text.pii import parse_id_number, parse_phone
from hotline.infra.validation import CleanStr, NonBlankStr, instant_out_of_range

Channel = Literal["phone", "web", "app", "wechat", "letter", "visit", "110", "email"]
CHANNELS: tuple[str, ...] = Channel.__args__
STAFF_CHANNELS = frozenset({"phone", "letter", "visit", "110"})  # need an agent's token
MAX_CONTENT_CHARS = 20_000
_CLOCK_SKEW = timedelta(minutes=5)


class CitizenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: CleanStr | None = Field(default=None, max_length=50)
    phone: CleanStr | None = Field(default=None, max_length=30)
    id_number: CleanStr | None = Field(default=None, max_length=30)
    anonymous: bool = False
    confidential: bool = False

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return parse_phone(value) if value else None

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None) -> str | None:
        return parse_id_number(value) if value else None


class SubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    external_id: NonBlankStr = Field(max_length=128)
    received_at: AwareDatetime | None = None
    citizen: CitizenIn = Field(default_factory=CitizenIn)
    title: CleanStr | None = Field(default=None, max_length=200)
    content: NonBlankStr = Field(max_length=MAX_CONTENT_CHARS)
    address: CleanStr | None = Field(default=None, max_length=500)
    # The agent console's: the PBX call the ticket was filed during (the call log then names the ticket), and
    # the fields it filled from the caller's words, as the agent confirmed them.
    call_id: NonBlankStr | None = Field(default=None, max_length=250)
    details: IntakeDetailsIn | None = None

    @field_validator("received_at")
    @classmethod
    def _not_in_future(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if problem := instant_out_of_range(value):
            raise ValueError(problem)
        if value > datetime.now(timezone.utc) + _CLOCK_SKEW:
            raise ValueError("must not be in the future")
        return value


class SubmissionOut(BaseModel):
    id: int
    ticket_number: str
    status: str
