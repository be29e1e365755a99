"""The staff session cookie and its CSRF guard: who is logged in to the pages, and proof a page sent the request.

The session cookie holds the same JWT the API issues. Its CSRF token is an HMAC of that JWT, so it cannot be
chosen by an attacker; pages read it from the `hotline_csrf` cookie and echo it in the `X-CSRF-Token` header.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from fastapi import Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from hotline.api.deps import SESSION_COOKIE
from hotline.auth.tokens import Principal, read_token
from hotline.config import Settings
from hotline.errors import Unauthorized

CSRF_COOKIE = "hotline_csrf"
CSRF_HEADER = "x-csrf-token"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The login form checks its own pre-session token (a session may not exist yet when it posts).
_SELF_CHECKED_PATHS = frozenset({"/login"})


def csrf_token_for(session_token: str, *, secret: str) -> str:
    return hmac.new(secret.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def _cookie_options(settings: Settings) -> dict:
    return {"path": "/", "samesite": "strict", "secure": settings.environment == "production"}


def start_session(response: Response, *, session_token: str, settings: Settings) -> None:
    options = _cookie_options(settings)
    max_age = settings.token_ttl_minutes * 60
    response.set_cookie(SESSION_COOKIE, session_token, max_age=max_age, httponly=True, **options)
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


def session_principal(request: Request) -> Principal | None:
    """The staff member behind the session cookie, or None when absent, expired or forged."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return read_token(token, secret=request.app.state.settings.secret_key)
    except Unauthorized:
        return None


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
        if "authorization" in headers or not session_token:
            await self.app(scope, receive, send)
            return
        expected = csrf_token_for(session_token, secret=self.secret_key)
        if tokens_match(expected, headers.get(CSRF_HEADER)):
            await self.app(scope, receive, send)
            return
        await _send_forbidden(send)


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
