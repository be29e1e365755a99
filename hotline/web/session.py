"""The staff session cookie and its CSRF guard: who is logged in to the pages, and proof a page sent the request.

The session cookie holds the same JWT the API issues. Its CSRF token is an HMAC of the token's session id, so it
cannot be chosen by an attacker and stays the same while the session's token is renewed; pages read it from the
`hotline_csrf` cookie and echo it in the `X-CSRF-Token` header.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from datetime import timedelta

from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hotline.api.deps import SESSION_COOKIE, checked_claims, renew_session_if_due
from hotline.auth.sessions import end_session as end_stored_session
from hotline.auth.tokens import Principal, read_claims, session_id_of
from hotline.config import Settings
from hotline.infra.errors import Unauthorized

CSRF_COOKIE = "hotline_csrf"
CSRF_HEADER = "x-csrf-token"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The login form checks its own pre-session token (a session may not exist yet when it posts).
_SELF_CHECKED_PATHS = frozenset({"/login"})


def csrf_token_for(session_token: str, *, secret: str) -> str:
    # Bound to the session id, so a renewed token keeps the page's CSRF token; a cookie we did not sign binds to
    # its own bytes (the request is refused either way unless the page echoes the matching value).
    bound = session_id_of(session_token, secret=secret) or "raw:" + session_token
    return hmac.new(secret.encode(), b"csrf:" + bound.encode(), hashlib.sha256).hexdigest()


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def _cookie_options(settings: Settings) -> dict:
    return {"path": "/", "samesite": "strict", "secure": settings.environment == "production"}


def _set_session_cookie(response: Response, session_token: str, settings: Settings) -> None:
    response.set_cookie(SESSION_COOKIE, session_token, max_age=settings.token_ttl_minutes * 60, httponly=True,
                        **_cookie_options(settings))


def start_session(response: Response, *, session_token: str, settings: Settings) -> None:
    options = _cookie_options(settings)
    max_age = settings.session_max_hours * 3600 + settings.token_ttl_minutes * 60
    _set_session_cookie(response, session_token, settings)
    # Readable by the page's script on purpose: that is how it proves it runs on our origin.
    response.set_cookie(CSRF_COOKIE, csrf_token_for(session_token, secret=settings.secret_key),
                        max_age=max_age, httponly=False, **options)


def set_login_csrf(response: Response, token: str, *, settings: Settings) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=False, **_cookie_options(settings))


def end_session(response: Response, *, settings: Settings) -> None:
    options = _cookie_options(settings)
    response.delete_cookie(SESSION_COOKIE, httponly=True, **options)
    response.delete_cookie(CSRF_COOKIE, **options)


def forget_stale_session(request: Request, response: Response, principal: Principal | None) -> None:
    """Drop a session cookie that no longer verifies, so it does not make public API calls fail with 401."""
    if principal is None and request.cookies.get(SESSION_COOKIE):
        response.delete_cookie(SESSION_COOKIE, httponly=True, **_cookie_options(request.app.state.settings))


async def session_principal(request: Request) -> Principal | None:
    """The staff member behind the session cookie, or None when absent, expired, forged, ended by logout, or
    when the account was disabled or moved since (checked against `users`, like every API request)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        claims = await checked_claims(request, token)
    except Unauthorized:
        return None
    renew_session_if_due(request, claims)
    return claims.principal


async def end_page_session(request: Request) -> None:
    """Logout from a page: the session (and every token renewed from it) is refused from now on."""
    token = request.cookies.get(SESSION_COOKIE)
    settings: Settings = request.app.state.settings
    if not token:
        return
    try:
        claims = read_claims(token, secret=settings.secret_key)
    except Unauthorized:
        return  # expired or forged: nothing left to end
    expires_at = claims.session_started_at + timedelta(hours=settings.session_max_hours,
                                                       minutes=settings.token_ttl_minutes)
    async with request.app.state.pool.acquire() as conn:
        await end_stored_session(conn, claims=claims, expires_at=expires_at)
    request.app.state.sessions.forget()


class SessionRenewalMiddleware:
    """Sets the renewed session cookie that request handling asked for (`request.state.renewed_session`)."""

    def __init__(self, app: ASGIApp, *, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def renewing_send(message: Message) -> None:
            renewed = (scope.get("state") or {}).get("renewed_session")
            if message["type"] == "http.response.start" and renewed:
                cookie = Response()
                _set_session_cookie(cookie, renewed, self.settings)
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in cookie.raw_headers if k == b"set-cookie"]
            await send(message)

        await self.app(scope, receive, renewing_send)


class CsrfMiddleware:
    """Refuse state-changing requests authenticated by the session cookie unless they carry its CSRF token.

    Requests with an Authorization header (API clients) and requests without the cookie are left alone:
    a browser never attaches a bearer token by itself, so only the cookie can be ridden by another site.
    """

    def __init__(self, app: ASGIApp, *, secret_key: str):
        self.app = app
        self.secret_key = secret_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _UNSAFE_METHODS or scope["path"] in _SELF_CHECKED_PATHS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        session_token = _cookie(headers.get("cookie", ""), SESSION_COOKIE)
        # Only a bearer token with a value is an API client; an empty or odd header does not skip the check.
        if _bearer_token(headers.get("authorization")) or not session_token:
            await self.app(scope, receive, send)
            return
        expected = csrf_token_for(session_token, secret=self.secret_key)
        if tokens_match(expected, headers.get(CSRF_HEADER)):
            await self.app(scope, receive, send)
            return
        await _send_forbidden(send)


def _bearer_token(header: str | None) -> str | None:
    scheme, _, token = (header or "").strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value or None
    return None


async def _send_forbidden(send: Send) -> None:
    body = json.dumps({"error": {
        "code": "csrf_failed",
        "message": "cookie-authenticated requests must send the X-CSRF-Token header from the hotline_csrf cookie",
    }}).encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
