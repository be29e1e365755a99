"""Signed bearer tokens (JWT, HS256) that carry who the staff member is, their role and the session they belong to.

A token alone proves nothing about today: `hotline.auth.sessions` checks every one against `users` (active,
role, department, token epoch) and the ended sessions before a request is served.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt

from hotline.infra.errors import Unauthorized

ROLES = ("agent", "department", "supervisor", "admin")


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    username: str
    role: str
    department_code: str | None = None


# Who acts when nobody does: timers and automatic steps are logged as the system, never as the public.
SYSTEM = Principal(user_id=None, username="system", role="system")


def actor_role(actor: Principal | None) -> str:
    """The role an event log row names: the principal's, or "public" for a citizen without an account."""
    return actor.role if actor else "public"


@dataclass(frozen=True)
class TokenClaims:
    """A verified token: the principal it names plus what ties it to a session and an account state."""

    principal: Principal
    session_id: str
    epoch: int
    issued_at: datetime
    expires_at: datetime
    session_started_at: datetime


def new_session_id() -> str:
    return secrets.token_urlsafe(18)


def issue_token(
    principal: Principal, *, secret: str, ttl_minutes: int, epoch: int = 0, session_id: str | None = None,
    session_started_at: datetime | None = None,
) -> str:
    """A token for `principal`; a renewal passes the session's id and start so logout ends every renewal."""
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(principal.user_id),
        "name": principal.username,
        "role": principal.role,
        "dept": principal.department_code,
        "sid": session_id or new_session_id(),
        "ep": epoch,
        "iat": now,
        "sst": int((session_started_at or now).timestamp()),
        "exp": now + timedelta(minutes=ttl_minutes),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def read_claims(token: str, *, secret: str) -> TokenClaims:
    """The token's claims when its signature, expiry and every claim's shape check out; else Unauthorized."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"],
                            options={"require": ["exp", "iat", "sub", "sid", "ep"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("token expired") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("token invalid") from None
    sub, name, role, dept = claims.get("sub"), claims.get("name"), claims.get("role"), claims.get("dept")
    sid, epoch, started = claims.get("sid"), claims.get("ep"), claims.get("sst", claims["iat"])
    # A token signed with our key but shaped wrong (sub "abc", a role we do not know) is refused, never a 500.
    if not (isinstance(sub, str) and sub.isascii() and sub.isdigit() and len(sub) <= 18):
        raise Unauthorized("token invalid: sub must be a user id")
    if not isinstance(name, str) or role not in ROLES or not (dept is None or isinstance(dept, str)):
        raise Unauthorized("token invalid: unknown role or malformed claims")
    if not isinstance(sid, str) or not sid or type(epoch) is not int or type(started) not in (int, float):
        raise Unauthorized("token invalid: malformed session claims")
    return TokenClaims(
        principal=Principal(int(sub), name, role, dept), session_id=sid, epoch=epoch,
        issued_at=datetime.fromtimestamp(claims["iat"], timezone.utc),
        expires_at=datetime.fromtimestamp(claims["exp"], timezone.utc),
        session_started_at=datetime.fromtimestamp(started, timezone.utc),
    )


def session_id_of(token: str, *, secret: str) -> str | None:
    """The session id of a token we signed, expired or not (what a page's CSRF token is bound to); None when the
    token is not ours."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False})
    except jwt.InvalidTokenError:
        return None
    sid = claims.get("sid")
    return sid if isinstance(sid, str) and sid else None


def read_token(token: str, *, secret: str) -> Principal:
    """The principal a token names (signature and shape only; requests also go through the session check)."""
    return read_claims(token, secret=secret).principal
