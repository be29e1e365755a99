"""Staff accounts: create them and check a username and password."""
from __future__ import annotations

import asyncio

import asyncpg

from hotline.auth.passwords import hash_password, verify_password
from hotline.auth.tokens import ROLES, Principal
from hotline.city import service as city
from hotline.infra.errors import Conflict, InvalidField, Unauthorized
from hotline.infra.sql import load_queries

Q = load_queries(__file__)
MIN_PASSWORD_LENGTH = 10


async def create_user(
    conn: asyncpg.Connection, *, username: str, password: str, role: str,
    department_code: str | None = None, display_name: str | None = None,
) -> Principal:
    if role not in ROLES:
        raise InvalidField("role", f"must be one of {', '.join(ROLES)}")
    if (role == "department") != (department_code is not None):
        raise InvalidField("department", "required for the department role and only for it")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidField("password", f"must have at least {MIN_PASSWORD_LENGTH} characters")
    if department_code and not await city.department_exists(conn, department_code):
        raise InvalidField("department", f"unknown department code {department_code!r}")
    try:
        row = await conn.fetchrow(
            Q.insert_user, username, hash_password(password), role, department_code, display_name
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(f"user {username!r} already exists", field="username") from None
    return Principal(row["id"], row["username"], row["role"], row["department_code"])


async def authenticate(conn: asyncpg.Connection, *, username: str, password: str) -> tuple[Principal, int]:
    """The account's principal and its token epoch (every token carries it) when the password is right."""
    row = await conn.fetchrow(Q.user_by_username, username)
    # argon2 costs tens of milliseconds of CPU on purpose: off the event loop, or guesses would stall everyone.
    ok = await asyncio.to_thread(verify_password, row["password_hash"] if row else None, password)
    if not ok or not row["active"]:
        raise Unauthorized("wrong username or password")
    return Principal(row["id"], row["username"], row["role"], row["department_code"]), row["token_epoch"]


async def editor_id(conn: asyncpg.Connection, username: str, *, roles: tuple[str, ...]) -> int | None:
    """The id of an active account with one of `roles`, for work done from the command line in its name."""
    row = await conn.fetchrow(Q.user_by_username, username)
    return row["id"] if row and row["active"] and row["role"] in roles else None
