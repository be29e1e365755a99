"""Signed bearer tokens (JWT, HS256) that carry who the staff member is and their role."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt

from hotline.errors import Unauthorized


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    username: str
    role: str
    department_code: str | None = None


# Who acts when nobody does: timers and automatic steps are logged as the system, never as the public.
SYSTEM = Principal(user_id=None, username="system", role="system")


def issue_token(principal: Principal, *, secret: str, ttl_minutes: int) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(principal.user_id),
        "name": principal.username,
        "role": principal.role,
        "dept": principal.department_code,
        "iat": now,
        "exp": now + timedelta(minutes=ttl_minutes),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def read_token(token: str, *, secret: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("token expired") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("token invalid") from None
    return Principal(int(claims["sub"]), claims["name"], claims["role"], claims.get("dept"))
