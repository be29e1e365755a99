"""FastAPI dependencies as `Annotated` aliases: the connections, the settings and who is calling."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated, AsyncIterator, Callable

import asyncpg
from fastapi import Depends, Request

from hotline.auth.tokens import Principal, TokenClaims, issue_token, read_claims
from hotline.config import Settings
from hotline.infra.errors import Forbidden, InvalidField, Unauthorized
from timelimits.sla import SlaClock

SESSION_COOKIE = "hotline_session"


async def checked_claims(request: Request, token: str) -> TokenClaims:
    """A token verified by signature and shape, then against its account and session as they stand now."""
    claims = read_claims(token, secret=request.app.state.settings.secret_key)
    await request.app.state.sessions.check(request.app.state.pool, claims)
    return claims


async def _claims(request: Request) -> TokenClaims | None:
    """Who is calling: the bearer token when an Authorization header is sent (an empty or malformed one is
    refused, never a fall-back to the cookie), else the page's session cookie (renewed while in use)."""
    if hasattr(request.state, "claims"):
        return request.state.claims
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Authorization header must be 'Bearer <token>'")
        claims = await checked_claims(request, token.strip())
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        try:
            claims = await checked_claims(request, cookie)
        except Unauthorized:
            return None  # a stale or ended session cookie makes a visitor anonymous; staff-only routes refuse
        renew_session_if_due(request, claims)
    request.state.claims = claims
    return claims


def renew_session_if_due(request: Request, claims: TokenClaims) -> None:
    """A page session past half its token's life gets a fresh token (same session id) on this response, until
    session_max_hours after login; the session middleware sets the cookie."""
    settings: Settings = request.app.state.settings
    now = datetime.now(timezone.utc)
    if claims.expires_at - now > timedelta(minutes=settings.token_ttl_minutes) / 2:
        return
    if now - claims.session_started_at > timedelta(hours=settings.session_max_hours):
        return
    request.state.renewed_session = issue_token(
        claims.principal, secret=settings.secret_key, ttl_minutes=settings.token_ttl_minutes, epoch=claims.epoch,
        session_id=claims.session_id, session_started_at=claims.session_started_at)


async def _connection(request: Request, _: Annotated[TokenClaims | None, Depends(_claims)]
                      ) -> AsyncIterator[asyncpg.Connection]:
    # Who is calling is settled first: the session check takes a pooled connection of its own for a moment, and
    # must never wait for one while this request holds another (a full pool would deadlock).
    async with request.app.state.pool.acquire() as conn:
        yield conn


async def _read_connection(request: Request, _: Annotated[TokenClaims | None, Depends(_claims)]
                           ) -> AsyncIterator[asyncpg.Connection]:
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


async def _principal(claims: Annotated[TokenClaims | None, Depends(_claims)]) -> Principal | None:
    return claims.principal if claims else None


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
Claims = Annotated[TokenClaims | None, Depends(_claims)]


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
