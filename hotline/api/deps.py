"""FastAPI dependencies as `Annotated` aliases: the connections, the settings and who is calling."""
from __future__ import annotations

from typing import Annotated, AsyncIterator, Callable

import asyncpg
from fastapi import Depends, Request

from hotline.auth.tokens import Principal, read_token
from hotline.config import Settings
from hotline.errors import Forbidden, InvalidField, Unauthorized
from routing.sla import SlaClock

SESSION_COOKIE = "hotline_session"


async def _connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    async with request.app.state.pool.acquire() as conn:
        yield conn


async def _read_connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    pool = request.app.state.read_pool
    try:
        conn = await pool.acquire()
    except asyncpg.PostgresError as error:  # a replica refusing the login or lacking the database is down for us
        raise ConnectionError(f"the read replica refused the connection: {type(error).__name__}") from error
    try:
        yield conn
    finally:
        await pool.release(conn)


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _principal(request: Request) -> Principal | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if token:
        if scheme.lower() != "bearer":
            raise Unauthorized("Authorization header must be 'Bearer <token>'")
        return read_token(token, secret=request.app.state.settings.secret_key)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        return read_token(cookie, secret=request.app.state.settings.secret_key)
    except Unauthorized:
        return None  # a stale session cookie makes a visitor anonymous; staff-only routes still refuse


def _staff(principal: Annotated[Principal | None, Depends(_principal)]) -> Principal:
    if principal is None:
        raise Unauthorized("log in first")
    return principal


Conn = Annotated[asyncpg.Connection, Depends(_connection)]
# For read-only endpoints that tolerate a second of replication lag: the replica's pool when one is set, else
# the primary's. Nothing that writes (audit rows, counters) and no citizen's lookup of a fresh ticket uses it.
ReadConn = Annotated[asyncpg.Connection, Depends(_read_connection)]
AppSettings = Annotated[Settings, Depends(_settings)]


async def _sla(request: Request, conn: Conn) -> SlaClock:
    """The time limits over the working calendar as any process last set it: one cheap version query on the
    request's own connection, so a typhoon day declared through another process holds for this deadline."""
    calendar = request.app.state.runtime.calendar
    await calendar.refresh(conn)
    return calendar.clock


Sla = Annotated[SlaClock, Depends(_sla)]
MaybeStaff = Annotated[Principal | None, Depends(_principal)]
Staff = Annotated[Principal, Depends(_staff)]


def require_roles(*roles: str) -> Callable[[Principal], Principal]:
    def check(principal: Staff) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"this action needs the role {' or '.join(roles)}", role=principal.role)
        return principal

    return check


async def _public_rate_limit(request: Request, principal: MaybeStaff) -> None:
    """Public callers (no staff login) share a per-address budget on intake, chat and answers.

    The connection is held only for the count: a dependency holding one for the whole request would starve
    the pool for flows that take their own (intake), and deadlock under load.
    """
    if principal is not None:
        return
    from hotline.abuse.service import hit_rate_limit

    address = request.client.host if request.client else "unknown"
    async with request.app.state.pool.acquire() as conn:
        await hit_rate_limit(conn, key=f"public:{address}",
                             limit=request.app.state.settings.public_requests_per_minute)


PublicRateLimit = Depends(_public_rate_limit)


async def _public_search_rate_limit(request: Request, principal: MaybeStaff) -> None:
    """Anonymous knowledge search has a per-address budget of its own: every search embeds the query, so an
    unthrottled caller slows everyone's intake. Staff (an agent typing as the caller speaks) are not counted, and
    a citizen's searches leave the budget of their chat and filing alone."""
    if principal is not None:
        return
    from hotline.abuse.service import hit_rate_limit

    address = request.client.host if request.client else "unknown"
    async with request.app.state.pool.acquire() as conn:
        await hit_rate_limit(conn, key=f"search:{address}",
                             limit=request.app.state.settings.public_searches_per_minute)


PublicSearchRateLimit = Depends(_public_search_rate_limit)


def refuse_nul_parameters(request: Request) -> None:
    """Every route's path and query parameters: a NUL byte (which PostgreSQL refuses in text) is a bad request
    naming the parameter, never a server error."""
    for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
        if isinstance(value, str) and "\x00" in value:
            raise InvalidField(name, "must not contain NUL bytes")
