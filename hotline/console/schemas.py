"""What the console sends with a ticket (auto-filled fields, template answers) and its own requests."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hotline.cti.numbers import canonical_number
from hotline.infra.validation import CleanStr, NonBlankStr

ContactKind = Literal["urge", "supplement"]  # 催办 / 补充情况


class FilledFields(BaseModel):
    """The fields auto-fill proposes and the agent confirms or corrects (each may stay empty)."""

    model_config = ConfigDict(extra="forbid")
    time: CleanStr | None = Field(default=None, max_length=100)
    place: CleanStr | None = Field(default=None, max_length=200)
    object: CleanStr | None = Field(default=None, max_length=200)
    appeal: CleanStr | None = Field(default=None, max_length=300)
    phones: list[NonBlankStr] = Field(default_factory=list, max_length=5)
    district_code: CleanStr | None = Field(default=None, max_length=32)
    street_code: CleanStr | None = Field(default=None, max_length=32)

    @field_validator("phones")
    @classmethod
    def _phones(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            number = canonical_number(value)
            if number is None:
                raise ValueError(f"not a mobile or landline number: {value[:20]}")
            out.append(number)
        return out


class IntakeDetailsIn(BaseModel):
    """Sent with a phone ticket by the console: what the agent confirmed, what auto-fill had proposed, the category
    the agent chose while the caller spoke (the ticket's category) and the answers to its questions (code ->
    values)."""

    model_config = ConfigDict(extra="forbid")
    fields: FilledFields = Field(default_factory=FilledFields)
    suggested: FilledFields = Field(default_factory=FilledFields)
    category: NonBlankStr | None = Field(default=None, max_length=200)
    template_answers: dict[str, list[CleanStr]] = Field(default_factory=dict, max_length=20)


class ContactIn(BaseModel):
    """A repeat caller's contact added to their open ticket instead of a second ticket."""

    model_config = ConfigDict(extra="forbid")
    kind: ContactKind
    content: NonBlankStr | None = Field(default=None, max_length=5000, description="what the caller added or said")
    channel: Literal["phone", "web", "app", "wechat", "letter", "visit", "110", "email"] = "phone"
    external_id: NonBlankStr = Field(max_length=128, description="the contact's own id: a retry adds nothing")
    call_id: NonBlankStr | None = Field(default=None, max_length=250)


class ContactOut(BaseModel):
    ticket_number: str
    kind: str
    status: str
    urge_count: int
    supplement_count: int
    created: bool


class PhraseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category_path: NonBlankStr | None = Field(default=None, max_length=200, description="None: every category")
    title: NonBlankStr = Field(max_length=40)
    body: NonBlankStr = Field(max_length=1000)
    position: int = Field(default=0, ge=0, le=1000)
    reason: CleanStr | None = Field(default=None, max_length=500)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: NonBlankStr = Field(max_length=500)


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    questions: list[dict] = Field(max_length=20)
    reason: CleanStr | None = Field(default=None, max_length=500)


class AutofillIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: NonBlankStr = Field(max_length=20_000)
    address: CleanStr | None = Field(default=None, max_length=500)
