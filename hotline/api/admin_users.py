"""The admin's staff accounts: list, add, disable/enable, move (role, department), reset a password, unlock, and
each account's history. Admin role only; every change carries a reason and ends the account's sessions when it
changes what the account may see."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from hotline.api.deps import Conn, require_roles
from hotline.auth import accounts
from hotline.auth.tokens import ROLES, Principal
from hotline.infra.validation import NonBlankStr

router = APIRouter(prefix="/api/v1/admin/users", tags=["admin"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]
Role = Literal[ROLES]  # type: ignore[valid-type]
Username = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
Reason = Annotated[NonBlankStr, Field(max_length=500)]


class UserOut(BaseModel):
    username: str
    role: str
    department_code: str | None
    department_name: str | None
    display_name: str | None
    active: bool
    locked: bool  # failed logins lock it now
    created_at: datetime


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    role: Role
    department: str | None = Field(default=None, max_length=64)
    display_name: NonBlankStr | None = Field(default=None, max_length=100)
    password: str | None = Field(default=None, min_length=10, max_length=256,
                                 description="omitted: a password is generated and returned once")
    reason: Reason


class CreatedOut(BaseModel):
    user: UserOut
    initial_password: str | None  # only when generated; shown once


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Reason


class UserChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role | None = None
    department: str | None = Field(default=None, max_length=64,
                                   description="for the department role; omitted keeps the current one")
    display_name: NonBlankStr | None = Field(default=None, max_length=100)
    reason: Reason


class PasswordResetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str | None = Field(default=None, min_length=10, max_length=256)
    reason: Reason


class PasswordResetOut(BaseModel):
    username: str
    temporary_password: str | None  # only when generated; shown once


class ChangeOut(BaseModel):
    id: int
    action: str
    actor_name: str
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]
    changed_at: datetime


def _sessions_changed(request: Request) -> None:
    # This process drops its cached verdicts at once; the others within the checker's second.
    request.app.state.sessions.forget()


async def _user(conn, username: str) -> UserOut:
    [row] = await accounts.list_users(conn, username=username)
    return UserOut(**{k: v for k, v in dict(row).items() if k != "id"})


@router.get("", response_model=list[UserOut])
async def list_users(
    conn: Conn, _: Admin, role: Role | None = None,
    department: Annotated[str | None, Query(max_length=64)] = None, active: bool | None = None,
) -> list[UserOut]:
    rows = await accounts.list_users(conn, role=role, department_code=department, active=active)
    return [UserOut(**{k: v for k, v in dict(r).items() if k != "id"}) for r in rows]


@router.post("", response_model=CreatedOut, status_code=201)
async def add_user(body: UserIn, conn: Conn, admin: Admin) -> CreatedOut:
    async with conn.transaction():
        principal, generated = await accounts.add_user(
            conn, actor=accounts.Actor.of(admin), username=body.username, role=body.role,
            department_code=body.department, display_name=body.display_name, password=body.password,
            reason=body.reason)
    return CreatedOut(user=await _user(conn, principal.username), initial_password=generated)


@router.post("/{username}/disable", response_model=UserOut)
async def disable_user(username: str, body: ReasonIn, request: Request, conn: Conn, admin: Admin) -> UserOut:
    """The account cannot log in and every live token of it gets 401 within 2 seconds."""
    async with conn.transaction():
        await accounts.set_active(conn, actor=accounts.Actor.of(admin), username=username, active=False,
                                  reason=body.reason)
    _sessions_changed(request)
    return await _user(conn, username)


@router.post("/{username}/enable", response_model=UserOut)
async def enable_user(username: str, body: ReasonIn, request: Request, conn: Conn, admin: Admin) -> UserOut:
    async with conn.transaction():
        await accounts.set_active(conn, actor=accounts.Actor.of(admin), username=username, active=True,
                                  reason=body.reason)
    return await _user(conn, username)


@router.patch("/{username}", response_model=UserOut)
async def change_user(username: str, body: UserChangeIn, request: Request, conn: Conn, admin: Admin) -> UserOut:
    """A new role and/or department (the account's sessions end: it logs in again and sees only what the new
    assignment allows), or a new display name."""
    given = body.model_fields_set
    changes: dict[str, Any] = {}
    if "department" in given:
        changes["department_code"] = body.department
    if "display_name" in given:
        changes["display_name"] = body.display_name
    async with conn.transaction():
        await accounts.set_user(conn, actor=accounts.Actor.of(admin), username=username, reason=body.reason,
                                role=body.role, **changes)
    _sessions_changed(request)
    return await _user(conn, username)


@router.post("/{username}/password-reset", response_model=PasswordResetOut)
async def reset_password(username: str, body: PasswordResetIn, request: Request, conn: Conn,
                         admin: Admin) -> PasswordResetOut:
    async with conn.transaction():
        generated = await accounts.reset_password(conn, actor=accounts.Actor.of(admin), username=username,
                                                  reason=body.reason, password=body.password)
    _sessions_changed(request)
    return PasswordResetOut(username=username, temporary_password=generated)


@router.post("/{username}/unlock", response_model=UserOut)
async def unlock_user(username: str, body: ReasonIn, conn: Conn, admin: Admin) -> UserOut:
    async with conn.transaction():
        await accounts.unlock_user(conn, actor=accounts.Actor.of(admin), username=username, reason=body.reason)
    return await _user(conn, username)


@router.get("/{username}/history", response_model=list[ChangeOut])
async def user_history(username: str, conn: Conn, _: Admin) -> list[ChangeOut]:
    return [ChangeOut(**dict(r)) for r in await accounts.user_history(conn, username=username)]
