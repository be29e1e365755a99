"""Log in (a username and password for a short-lived bearer token), see the session, log out (the session ends)."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel

from hotline.abuse import service as abuse
from hotline.api.deps import AppSettings, Claims, Conn, require_roles
from hotline.auth import sessions
from hotline.auth.service import authenticate
from hotline.auth.tokens import Principal, TokenClaims, issue_token
from hotline.infra.errors import Unauthorized

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int  # seconds; log in again after (or renew a page session by using it)
    role: str
    department_code: str | None


class SessionOut(BaseModel):
    username: str
    role: str
    department_code: str | None
    expires_at: datetime


@router.post("/token", response_model=TokenOut)
async def login(
    request: Request, settings: AppSettings,
    username: Annotated[str, Form(max_length=64)], password: Annotated[str, Form(max_length=256)],
) -> TokenOut:
    principal, epoch = await checked_login(request, username=username, password=password)
    token = issue_token(principal, secret=settings.secret_key, ttl_minutes=settings.token_ttl_minutes, epoch=epoch)
    return TokenOut(access_token=token, expires_in=settings.token_ttl_minutes * 60, role=principal.role,
                    department_code=principal.department_code)


def _signed_in(claims: Claims) -> TokenClaims:
    if claims is None:
        raise Unauthorized("log in first")
    return claims


SignedIn = Annotated[TokenClaims, Depends(_signed_in)]


@router.get("/session", response_model=SessionOut)
async def current_session(request: Request, claims: SignedIn) -> SessionOut:
    """Who is logged in; a page calls it while its user is active, which renews the page's session."""
    renewed = getattr(request.state, "renewed_session", None)
    expires_at = claims.expires_at
    if renewed:
        expires_at = datetime.now(claims.expires_at.tzinfo) + timedelta(
            minutes=request.app.state.settings.token_ttl_minutes)
    p = claims.principal
    return SessionOut(username=p.username, role=p.role, department_code=p.department_code, expires_at=expires_at)


@router.post("/logout", status_code=204)
async def logout(request: Request, conn: Conn, settings: AppSettings, claims: SignedIn) -> None:
    """End the session this token belongs to: it and every token renewed from it get 401 from now on."""
    request.state.renewed_session = None
    expires_at = claims.session_started_at + timedelta(hours=settings.session_max_hours,
                                                       minutes=settings.token_ttl_minutes)
    await sessions.end_session(conn, claims=claims, expires_at=expires_at)
    request.app.state.sessions.forget()


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def checked_login(request: Request, *, username: str, password: str) -> tuple[Principal, int]:
    """Authenticate unless the account is locked; an address with many recent failures waits first (holding no
    database connection). A failure is recorded even though the request fails."""
    address = client_address(request)
    pool = request.app.state.pool
    async with pool.acquire() as conn:
        delay = await abuse.check_login_allowed(conn, username=username, address=address)
    if delay:
        await asyncio.sleep(delay)
    async with pool.acquire() as conn:
        try:
            principal, epoch = await authenticate(conn, username=username, password=password)
        except Unauthorized:
            await abuse.record_login_failure(conn, username=username, address=address)
            raise
        await abuse.clear_login_failures(conn, username=username)
    return principal, epoch


@router.delete("/lockouts/{username}", status_code=204, dependencies=[Depends(require_roles("admin"))])
async def lift_lockout(username: str, conn: Conn) -> None:
    """An admin lifts a user's lock-out after failed logins."""
    await abuse.clear_login_failures(conn, username=username)
