"""ASGI middleware: refuse oversized bodies before anything parses them, set security headers, and answer any
exception no handler took in the error schema."""
from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """`max_body_bytes` for every request but the paths in `larger_for` (path -> limit), e.g. a file import."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, larger_for: Mapping[str, int] | None = None):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.larger_for = dict(larger_for or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger_for.get(scope["path"], self.max_body_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_too_large(send, limit)
            return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                message["headers"] = list(message.get("headers", [])) + _SECURITY_HEADERS
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not response_started:
                await _send_too_large(send, limit)


async def _send_too_large(send: Send, limit: int) -> None:
    body = json.dumps({"error": {"code": "payload_too_large",
                                 "message": f"request body larger than {limit} bytes"}}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                + _SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})


class UnhandledErrorMiddleware:
    """The last word on an exception no handler took. The database going away underneath a request (also when what
    surfaces is an error of the cleanup after it) is 503 with Retry-After; anything else is 500 and logged. Both
    are answered rather than re-raised, so the client's keep-alive connection survives the error."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if response_started:
                raise
            await _send_error(send, error)


async def _send_error(send: Send, error: Exception) -> None:
    from hotline.infra.db import database_went_away

    if database_went_away(error):
        log.warning("database unavailable: %s", type(error).__name__)
        status, extra = 503, [(b"retry-after", b"5")]
        payload = {"code": "database_unavailable", "message": "the database is not answering; retry"}
    else:
        log.error("unhandled error", exc_info=error)
        status, extra = 500, []
        payload = {"code": "internal_error", "message": "internal error"}
    body = json.dumps({"error": payload}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                + extra})
    await send({"type": "http.response.body", "body": body})
