"""Request and response bodies for the routing rules: duty-list entries, keyword rules and their history."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hotline.infra.validation import NonBlankStr

Level = Literal["city", "district", "street"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DutyRuleIn(_Strict):
    """Exactly one of `category` (a path of the category tree) or `matter_prefix` (a 事项 code prefix)."""

    category: NonBlankStr | None = Field(default=None, max_length=200)
    matter_prefix: NonBlankStr | None = Field(default=None, max_length=64)
    department: NonBlankStr = Field(max_length=64)
    level: Level = "city"
    reason: NonBlankStr | None = Field(default=None, max_length=1000)


class KeywordRuleIn(_Strict):
    """Any keyword (or a match of `pattern`, a regular expression) in the text suggests the department."""

    keywords: list[NonBlankStr] = Field(default_factory=list, max_length=50)
    pattern: NonBlankStr | None = Field(default=None, max_length=200)
    department: NonBlankStr = Field(max_length=64)
    level: Level = "city"
    priority: int = Field(default=100, ge=0, le=1000)
    districts: list[NonBlankStr] = Field(default_factory=list, max_length=20)
    reason: NonBlankStr | None = Field(default=None, max_length=1000)


class DisableIn(_Strict):
    reason: NonBlankStr = Field(max_length=1000)


class DutyRuleOut(BaseModel):
    id: int
    category: str | None
    matter_prefix: str | None
    department: str
    level: str
    active: bool
    updated_at: datetime


class KeywordRuleOut(BaseModel):
    id: int
    keywords: list[str]
    pattern: str | None
    department: str
    level: str
    priority: int
    districts: list[str]
    active: bool
    updated_at: datetime


class RuleChangeOut(BaseModel):
    id: int
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any]
    reason: str | None
    changed_by: str | None
    changed_at: datetime
