"""A category's question template (the Open311 service definition and the agent console's questions) and the
checking of answers to it."""
from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from hotline.infra.validation import NonBlankStr

Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
LIST_TYPES = frozenset({"singlevaluelist", "multivaluelist"})
# Codes and keys travel in form field names (attribute[CODE]) and URLs: plain ASCII.
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
MAX_STRING_CHARS = 200
MAX_TEXT_CHARS = 2000
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$")


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: Key
    name: NonBlankStr = Field(max_length=60)


class Question(BaseModel):
    """One question: `description` is what a person reads (Chinese), `code` what systems send."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: Code
    description: NonBlankStr = Field(max_length=100)
    datatype: Datatype
    required: bool = False
    datatype_description: NonBlankStr | None = Field(default=None, max_length=200)
    values: tuple[Choice, ...] = ()

    @model_validator(mode="after")
    def _values_fit_datatype(self) -> "Question":
        if (self.datatype in LIST_TYPES) != bool(self.values):
            raise ValueError("a list question needs values and any other question none")
        if len({choice.key for choice in self.values}) != len(self.values):
            raise ValueError("value keys must be unique")
        return self


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    questions: tuple[Question, ...] = Field(max_length=20)

    @model_validator(mode="after")
    def _unique_codes(self) -> "Template":
        if len({q.code for q in self.questions}) != len(self.questions):
            raise ValueError("question codes must be unique")
        return self


def _check_one(question: Question, given: list[str]) -> tuple[Any, str | None]:
    """An answer in its stored form, or the reason (Chinese) it is refused."""
    if question.datatype == "multivaluelist":
        keys = {choice.key for choice in question.values}
        unknown = [value for value in given if value not in keys]
        if unknown:
            return None, f"不是可选的值：{unknown[0][:40]}（可选：{'、'.join(sorted(keys))}）"
        return sorted(set(given)), None
    if len(given) > 1:
        return None, "只能填写一个值"
    value = given[0]
    if question.datatype == "singlevaluelist":
        keys = {choice.key for choice in question.values}
        return (value, None) if value in keys else (None, f"不是可选的值（可选：{'、'.join(sorted(keys))}）")
    if question.datatype == "number":
        try:
            number = float(value)
        except ValueError:
            return None, "应为数字"
        if not math.isfinite(number) or abs(number) > 1e12:
            return None, "数字超出范围"
        return (int(number) if number.is_integer() else number), None
    if question.datatype == "datetime":
        if not _DATETIME.match(value):
            return None, "应为 ISO 8601 日期时间，例如 2025-03-01T22:30:00+08:00"
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None, "不是有效的日期时间"
        if not 1900 <= moment.year <= 2100:
            return None, "日期时间超出范围"
        return value, None
    limit = MAX_STRING_CHARS if question.datatype == "string" else MAX_TEXT_CHARS
    if len(value) > limit:
        return None, f"不能超过 {limit} 个字符"
    if question.datatype == "string" and ("\n" in value or "\r" in value):
        return None, "不能换行"
    if "\x00" in value:
        return None, "含有不允许的字符"
    return value, None


def check_answers(
    questions: tuple[Question, ...], answers: dict[str, list[str]], *, field: str = "attribute[{code}]",
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Answers (code -> values given) checked against the questions: (stored answers, [{field, reason}])."""
    by_code = {q.code: q for q in questions}
    stored: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    for code in answers:
        if code not in by_code:
            problems.append({"field": field.format(code=code[:40]), "reason": "该服务类型没有这个问题"})
    for question in questions:
        given = [value.strip() for value in answers.get(question.code, []) if value.strip()]
        if not given:
            if question.required:
                problems.append({"field": field.format(code=question.code),
                                 "reason": f"必填：{question.description}"})
            continue
        value, reason = _check_one(question, given)
        if reason:
            problems.append({"field": field.format(code=question.code), "reason": reason})
        else:
            stored[question.code] = value
    return stored, problems


def describe_answers(questions: tuple[Question, ...], stored: dict[str, Any]) -> list[str]:
    """Stored answers as the lines a person reads, in the template's order: "声源：建筑施工"."""
    lines = []
    for question in questions:
        if question.code not in stored:
            continue
        value = stored[question.code]
        names = {choice.key: choice.name for choice in question.values}
        if question.datatype == "multivaluelist":
            shown = "、".join(names[key] for key in value)
        elif question.datatype == "singlevaluelist":
            shown = names[value]
        else:
            shown = str(value)
        lines.append(f"{question.description}：{shown}")
    return lines
