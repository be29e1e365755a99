"""Log in: exchange a username and password for a bearer token."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel

from hotline.api.deps import AppSettings, Conn
from hotline.abuse import service as abuse
from hotline.api.deps import require_roles
from hotline.auth.service import authenticate
from hotline.auth.tokens import Principal
from hotline.errors import Unauthorized
from hotline.auth.tokens import issue_token

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str
    department_code: str | None


@router.post("/token", response_model=TokenOut)
async def login(
    request: Request, conn: Conn, settings: AppSettings,
    username: Annotated[str, Form(max_length=64)], password: Annotated[str, Form(max_length=256)],
) -> TokenOut:
    principal = await checked_login(conn, username=username, password=password, address=client_address(request))
    token = issue_token(principal, secret=settings.secret_key, ttl_minutes=settings.token_ttl_minutes)
    return TokenOut(access_token=token, role=principal.role, department_code=principal.department_code)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def checked_login(conn, *, username: str, password: str, address: str) -> Principal:
    """Authenticate unless locked out; a failure is recorded even though the request fails."""
    await abuse.check_login_allowed(conn, username=username, address=address)
    try:
        principal = await authenticate(conn, username=username, password=password)
    except Unauthorized:
        await abuse.record_login_failure(conn, username=username, address=address)
        raise
    await abuse.clear_login_failures(conn, username=username)
    return principal


@router.delete("/lockouts/{username}", status_code=204, dependencies=[Depends(require_roles("admin"))])
async def lift_lockout(username: str, conn: Conn) -> None:
    """An admin lifts a user's lock-out after failed logins."""
    await abuse.clear_login_failures(conn, username=username)
