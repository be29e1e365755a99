"""Managing staff accounts (the admin's work): add, disable, enable, move (role, department), reset a password,
unlock. Every change writes its `user_changes` row (who, when, why, before, after) in the caller's transaction,
and a change of what the account may see ends its sessions at once (a new token epoch).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import asyncpg

from hotline.abuse import service as abuse
from hotline.auth.passwords import hash_password
from hotline.auth.service import MIN_PASSWORD_LENGTH, create_user
from hotline.auth.tokens import ROLES, Principal
from hotline.city import service as city
from hotline.infra.errors import Conflict, InvalidField, NotFound
from hotline.infra.sql import load_queries

Q = load_queries(__file__, "accounts.sql")
_UNSET: Any = object()


@dataclass(frozen=True)
class Actor:
    """Who changes an account: an admin over the API, or an operator at the command line (`cli:<os user>`)."""

    user_id: int | None
    name: str

    @classmethod
    def of(cls, principal: Principal) -> "Actor":
        return cls(principal.user_id, principal.username)


def _snapshot(row: asyncpg.Record | dict) -> dict[str, Any]:
    return {"role": row["role"], "department_code": row["department_code"], "display_name": row["display_name"],
            "active": row["active"]}


async def _locked_user(conn: asyncpg.Connection, username: str) -> asyncpg.Record:
    row = await conn.fetchrow(Q.lock_user, username)
    if row is None:
        raise NotFound(f"user {username!r} not found", field="username")
    return row


async def _audit(conn: asyncpg.Connection, *, user_id: int, action: str, actor: Actor, reason: str,
                 before: dict[str, Any], after: dict[str, Any]) -> None:
    await conn.execute(Q.insert_change, user_id, action, actor.user_id, actor.name, reason, before, after)


def _check_reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise InvalidField("reason", "must not be empty")
    return reason.strip()


async def _check_assignment(conn: asyncpg.Connection, role: str, department_code: str | None) -> None:
    if role not in ROLES:
        raise InvalidField("role", f"must be one of {', '.join(ROLES)}")
    if (role == "department") != (department_code is not None):
        raise InvalidField("department", "required for the department role and only for it")
    if department_code and not await city.department_exists(conn, department_code):
        raise InvalidField("department", f"unknown department code {department_code!r}")


async def _keep_an_admin(conn: asyncpg.Connection, user: asyncpg.Record, actor: Actor) -> None:
    """No admin removes their own access, and the last active admin stays: someone must be able to fix things."""
    if actor.user_id is not None and actor.user_id == user["id"]:
        raise Conflict("an admin cannot disable or demote their own account; ask another admin", field="username")
    if user["role"] == "admin" and user["active"] and await conn.fetchval(Q.active_admins) <= 1:
        raise Conflict("this is the last active admin account", field="username")


async def list_users(conn: asyncpg.Connection, *, role: str | None = None, department_code: str | None = None,
                     active: bool | None = None, username: str | None = None) -> list[asyncpg.Record]:
    return await conn.fetch(Q.list_users, role, department_code, active, abuse.LOGIN_WINDOW_S,
                            abuse.MAX_FAILURES_PER_USER, username)


async def user_history(conn: asyncpg.Connection, *, username: str) -> list[asyncpg.Record]:
    await _locked_user(conn, username)
    return await conn.fetch(Q.user_history, username)


def generated_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, shown once to the admin who hands it over


async def add_user(
    conn: asyncpg.Connection, *, actor: Actor, username: str, role: str, department_code: str | None,
    display_name: str | None, password: str | None, reason: str,
) -> tuple[Principal, str | None]:
    """A new account; returns it and the generated password when none was given (shown once)."""
    reason = _check_reason(reason)
    generated = generated_password() if password is None else None
    principal = await create_user(conn, username=username, password=password or generated, role=role,
                                  department_code=department_code, display_name=display_name)
    after = {"role": role, "department_code": department_code, "display_name": display_name, "active": True}
    await _audit(conn, user_id=principal.user_id, action="create", actor=actor, reason=reason, before={},
                 after=after)
    return principal, generated


async def set_active(conn: asyncpg.Connection, *, actor: Actor, username: str, active: bool, reason: str) -> None:
    """Disable (every session ends at once) or enable an account."""
    reason = _check_reason(reason)
    user = await _locked_user(conn, username)
    if user["active"] == active:
        raise Conflict(f"user {username!r} is already {'enabled' if active else 'disabled'}", field="username")
    if not active:
        await _keep_an_admin(conn, user, actor)
    before = _snapshot(user)
    after = before | {"active": active}
    await conn.execute(Q.update_user, user["id"], user["role"], user["department_code"], user["display_name"],
                       active, not active)
    await _audit(conn, user_id=user["id"], action="enable" if active else "disable", actor=actor, reason=reason,
                 before=before, after=after)


async def set_user(
    conn: asyncpg.Connection, *, actor: Actor, username: str, reason: str, role: str | None = None,
    department_code: str | None = _UNSET, display_name: str | None = _UNSET,
) -> dict[str, Any]:
    """Move an account to another role and/or department, or rename it; a move ends its sessions at once.

    Leaving the department role drops the department; giving the department role needs one."""
    reason = _check_reason(reason)
    user = await _locked_user(conn, username)
    before = _snapshot(user)
    new_role = role or user["role"]
    if department_code is _UNSET:
        department_code = user["department_code"] if new_role == "department" else None
    if display_name is _UNSET:
        display_name = user["display_name"]
    await _check_assignment(conn, new_role, department_code)
    after = before | {"role": new_role, "department_code": department_code, "display_name": display_name}
    if after == before:
        raise InvalidField("role", "nothing to change: give a new role, department or display name")
    moved = (new_role, department_code) != (user["role"], user["department_code"])
    if moved and user["role"] == "admin" and new_role != "admin":
        await _keep_an_admin(conn, user, actor)
    await conn.execute(Q.update_user, user["id"], new_role, department_code, display_name, user["active"], moved)
    await _audit(conn, user_id=user["id"], action="set", actor=actor, reason=reason, before=before, after=after)
    return after


async def reset_password(conn: asyncpg.Connection, *, actor: Actor, username: str, reason: str,
                         password: str | None = None) -> str | None:
    """A new password (generated unless given; returned when generated); the account's sessions end and its
    failed-login lock is lifted."""
    reason = _check_reason(reason)
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidField("password", f"must have at least {MIN_PASSWORD_LENGTH} characters")
    user = await _locked_user(conn, username)
    generated = generated_password() if password is None else None
    await conn.execute(Q.reset_password, user["id"], hash_password(password or generated))
    await abuse.clear_login_failures(conn, username=username)
    await _audit(conn, user_id=user["id"], action="password_reset", actor=actor, reason=reason,
                 before={}, after={})
    return generated


async def unlock_user(conn: asyncpg.Connection, *, actor: Actor, username: str, reason: str) -> None:
    """Lift the lock that failed logins put on the account."""
    reason = _check_reason(reason)
    user = await _locked_user(conn, username)
    await abuse.clear_login_failures(conn, username=username)
    await _audit(conn, user_id=user["id"], action="unlock", actor=actor, reason=reason, before={}, after={})
