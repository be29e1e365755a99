"""Log in: exchange a username and password for a bearer token."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from pydantic import BaseModel

from hotline.api.deps import AppSettings, Conn
from hotline.auth.service import authenticate
from hotline.auth.tokens import issue_token

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str
    department_code: str | None


@router.post("/token", response_model=TokenOut)
async def login(
    conn: Conn, settings: AppSettings,
    username: Annotated[str, Form(max_length=64)], password: Annotated[str, Form(max_length=256)],
) -> TokenOut:
    principal = await authenticate(conn, username=username, password=password)
    token = issue_token(principal, secret=settings.secret_key, ttl_minutes=settings.token_ttl_minutes)
    return TokenOut(access_token=token, role=principal.role, department_code=principal.department_code)
