"""Admins manage the API keys of outside Open311 systems: list them, make one (the key is shown once), disable
one with a reason. Who made or disabled a key, when and why, stays on its row."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from hotline.api.deps import Conn, require_roles
from hotline.auth.tokens import Principal
from hotline.open311 import service
from hotline.infra.validation import CleanStr, NonBlankStr

router = APIRouter(prefix="/api/v1/admin/open311-keys", tags=["open311"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]
KeyId = Annotated[int, Path(ge=1, le=2**63 - 1, description="a key's id")]  # a bigint column


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: NonBlankStr = Field(max_length=100, description="the outside system, e.g. 温州市民App")
    note: CleanStr | None = Field(default=None, max_length=500, description="contact person, purpose")


class DisableIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: NonBlankStr = Field(max_length=500)


class KeyOut(BaseModel):
    id: int
    name: str
    note: str | None
    key_prefix: str
    created_at: datetime
    created_by: str | None  # None: made with `hotline open311 key`
    disabled_at: datetime | None
    disabled_by: str | None
    disabled_reason: str | None
    requests: int


class NewKeyOut(BaseModel):
    id: int
    name: str
    note: str | None
    key_prefix: str
    created_at: datetime
    key: str = Field(description="shown only now: only its hash is kept")


@router.get("", response_model=list[KeyOut])
async def list_keys(conn: Conn, _: Admin) -> list:
    return [dict(r) for r in await service.list_keys(conn)]


@router.post("", response_model=NewKeyOut, status_code=201)
async def create_key(body: KeyIn, conn: Conn, actor: Admin) -> dict:
    async with conn.transaction():
        row, key = await service.create_key(conn, name=body.name, note=body.note, actor=actor)
    return {**dict(row), "key": key}


@router.post("/{key_id}/disable", response_model=KeyOut)
async def disable_key(key_id: KeyId, body: DisableIn, conn: Conn, actor: Admin) -> dict:
    async with conn.transaction():
        await service.disable_key(conn, key_id=key_id, reason=body.reason, actor=actor)
    return next(dict(r) for r in await service.list_keys(conn) if r["id"] == key_id)
