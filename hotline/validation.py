"""Field checks shared by every request schema: no NUL bytes, no blank text."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL bytes")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


CleanStr = Annotated[str, AfterValidator(_no_nul)]
NonBlankStr = Annotated[str, AfterValidator(_no_nul), AfterValidator(_not_blank)]
