"""The admin's audit of their own area: every change to staff accounts, calendar days and Open311 keys, with who
made it, when, what it was before and after, and why."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from hotline.api.deps import ReadConn, require_roles
from hotline.audit import service as audit
from hotline.auth.tokens import Principal

router = APIRouter(prefix="/api/v1/admin/changes", tags=["admin"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]


class AdminChangeOut(BaseModel):
    area: Literal[audit.ADMIN_AREAS]  # type: ignore[valid-type]
    action: str
    subject: str  # the account's username, the calendar day, the key's name
    actor: str
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]
    changed_at: datetime


@router.get("", response_model=list[AdminChangeOut])
async def admin_changes(
    _: Admin, conn: ReadConn, area: Literal[audit.ADMIN_AREAS] | None = None,  # type: ignore[valid-type]
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AdminChangeOut]:
    return [AdminChangeOut(**dict(r)) for r in await audit.admin_changes(conn, area=area, limit=limit)]
