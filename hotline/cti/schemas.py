"""What a PBX posts (events in the shape of Zammad's generic CTI API) and what the call log shows."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Literal

from pydantic import AliasChoices, AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from hotline.infra.validation import CleanStr, NonBlankStr, instant_out_of_range

# Zammad names the first two events newCall and answer; both spellings are taken.
EVENT_NAMES = {"ringing": "ringing", "newCall": "ringing", "answered": "answered", "answer": "answered",
               "hangup": "hangup"}
EventName = Literal["ringing", "newCall", "answered", "answer", "hangup"]
TransferTarget = Literal["110", "119", "120", "12315", "other"]
_CLOCK_SKEW = timedelta(minutes=5)


class CtiEventIn(BaseModel):
    """One call event. `agent` is the staff username or the extension mapped to one; `at` defaults to now."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    event: EventName
    call_id: NonBlankStr = Field(max_length=250, validation_alias=AliasChoices("call_id", "callId"))
    from_: NonBlankStr = Field(max_length=40, alias="from", validation_alias=AliasChoices("from", "from_"))
    to: CleanStr | None = Field(default=None, max_length=40)
    agent: NonBlankStr | None = Field(default=None, max_length=64,
                                      validation_alias=AliasChoices("agent", "answeringNumber"))
    at: AwareDatetime | None = None
    direction: Literal["in", "out"] = "in"
    cause: CleanStr | None = Field(default=None, max_length=40, description="hangup: normalClearing, cancel, ...")
    queue: CleanStr | None = Field(default=None, max_length=100)
    # A call the 110 centre put through (110转办): the ticket filed keeps channel 110. Default: from == "110".
    channel: Literal["phone", "110"] | None = None

    @field_validator("at")
    @classmethod
    def _at_in_range(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if problem := instant_out_of_range(value):
            raise ValueError(problem)
        if value > datetime.now(timezone.utc) + _CLOCK_SKEW:
            raise ValueError("must not be in the future")
        return value

    @property
    def kind(self) -> str:
        return EVENT_NAMES[self.event]


class CtiEventOut(BaseModel):
    call_id: str
    event: str
    state: Literal["ringing", "answered", "ended"]
    duplicate: bool  # the same event for this call arrived before (a PBX retry): nothing changed
    agent: str | None
    waited_s: float | None
    talked_s: float | None


class CallOut(BaseModel):
    """One row of the call log. `from` is in clear for the agent who took the call, masked for other readers."""

    model_config = ConfigDict(populate_by_name=True)

    ref: int  # the row's id: /cti/calls/{ref}/caller
    call_id: str
    from_: str = Field(alias="from", serialization_alias="from")
    from_masked: bool
    to: str | None
    direction: str
    channel: str
    agent: str | None
    queue: str | None
    ringing_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    end_cause: str | None
    state: Literal["ringing", "answered", "ended", "missed"]
    waited_s: float | None
    talked_s: float | None
    ticket_number: str | None
    transfers: list[str]  # where the caller was sent on: 110, 119, 120, 12315, other hotlines' names


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: NonBlankStr = Field(max_length=100, description="the PBX, e.g. 市热线中心 Asterisk")
    note: CleanStr | None = Field(default=None, max_length=500)


class TokenOut(BaseModel):
    id: int
    name: str
    note: str | None
    token_prefix: str
    created_at: datetime
    created_by: str | None
    last_used_at: datetime | None
    disabled_at: datetime | None
    disabled_by: str | None
    disabled_reason: str | None
    calls: int


class NewTokenOut(BaseModel):
    id: int
    name: str
    note: str | None
    token_prefix: str
    created_at: datetime
    token: str = Field(description="shown only now: only its hash is kept")


class DisableIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: NonBlankStr = Field(max_length=500)


class ExtensionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: NonBlankStr = Field(max_length=64)


class ExtensionOut(BaseModel):
    extension: str
    username: str
    updated_at: datetime


class TransferIn(BaseModel):
    """A caller sent on to another hotline: where, the number told to the caller, and why."""

    model_config = ConfigDict(extra="forbid")
    target: TransferTarget
    target_name: NonBlankStr | None = Field(default=None, max_length=100, description="for other: its name")
    number_given: NonBlankStr | None = Field(default=None, max_length=40,
                                             description="default: the target's number (110, 119, 120, 12315)")
    reason: NonBlankStr = Field(max_length=500)
    call_id: NonBlankStr | None = Field(default=None, max_length=250)
    ticket_number: NonBlankStr | None = Field(default=None, max_length=32)


class TransferOut(BaseModel):
    id: int
    target: str
    target_name: str | None
    number_given: str
    reason: str
    call_id: str | None
    ticket_number: str | None
    agent: str
    transferred_at: datetime


class AgentMetricsOut(BaseModel):
    agent: str
    calls: int
    answered: int
    missed: int
    avg_wait_s: float | None
    avg_talk_s: float | None
    transfers: int
    contacts_added: int  # 催办 / 补充 added to open tickets instead of new ones


class CallMetricsOut(BaseModel):
    period_from: datetime
    period_to: datetime
    waiting_now: int   # ringing, not answered, not ended (right now, whatever the period)
    talking_now: int
    calls: int
    answered: int
    missed: int
    avg_wait_s: float | None
    avg_talk_s: float | None
    transfers_by_target: dict[str, int]
    agents: list[AgentMetricsOut]
