"""The agent's live call stream (Server-Sent Events), fed from PostgreSQL LISTEN/NOTIFY.

Any API process may receive a PBX event; each process listens on one connection of its own and wakes the streams
of the agent the event is for, which then read the agent's new `cti_events` rows. The rows, not the
notifications, are what a console is sent: a stream that reconnects (EventSource does so by itself, sending the
last event id it saw) replays what it missed, and if the listening connection is lost the streams still look
every few seconds, so no call is ever missed, only late.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import datetime
from typing import Any, AsyncIterator

import asyncpg

from hotline.cti.service import NOTIFY_CHANNEL, Q, notify_payload

log = logging.getLogger(__name__)
POLL_S = 3.0           # how often a stream looks by itself (the listener gone or a notification lost)
HEARTBEAT_S = 15.0     # a comment line keeps proxies from closing an idle stream
STREAM_MAX_S = 25.0    # a stream ends after this and the browser reconnects: a server shutdown never waits long
RETRY_MS = 1000


class CallHub:
    """One per process: the LISTEN connection and the streams waiting for their agent's events."""

    def __init__(self, database_url: str):
        self.database_url = database_url
        self._waiters: dict[int, set[asyncio.Event]] = {}
        self._conn: asyncpg.Connection | None = None
        self._connecting = asyncio.Lock()
        self._retry_at = 0.0
        self._closed = False

    async def _ensure_listening(self) -> None:
        if self._closed or (self._conn is not None and not self._conn.is_closed()):
            return
        if time.monotonic() < self._retry_at:
            return
        async with self._connecting:
            if self._conn is not None and not self._conn.is_closed():
                return
            try:
                conn = await asyncpg.connect(self.database_url, timeout=5)
                await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
                conn.add_termination_listener(lambda _: self._wake_all())
                self._conn = conn
            except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as error:
                log.warning("call stream: cannot listen (%s); streams poll every %.0f s", type(error).__name__, POLL_S)
                self._retry_at = time.monotonic() + POLL_S

    def _on_notify(self, _conn, _pid, _channel, payload: str) -> None:
        data = notify_payload(payload)
        agent = data.get("agent") if data else None
        for waiter in self._waiters.get(agent, ()) if isinstance(agent, int) else ():
            waiter.set()

    def _wake_all(self) -> None:
        for waiters in self._waiters.values():
            for waiter in waiters:
                waiter.set()

    def register(self, agent_id: int) -> asyncio.Event:
        """A flag set when an event for this agent is notified; register before reading, so nothing notified
        between the read and the wait is missed."""
        waiter = asyncio.Event()
        self._waiters.setdefault(agent_id, set()).add(waiter)
        return waiter

    def unregister(self, agent_id: int, waiter: asyncio.Event) -> None:
        waiters = self._waiters.get(agent_id)
        if waiters is not None:
            waiters.discard(waiter)
            if not waiters:
                del self._waiters[agent_id]

    async def wait(self, waiter: asyncio.Event, timeout: float) -> None:
        """Until the waiter's agent has a notified event, or `timeout` seconds."""
        await self._ensure_listening()
        try:
            await asyncio.wait_for(waiter.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    async def close(self) -> None:
        self._closed = True
        self._wake_all()
        if self._conn is not None and not self._conn.is_closed():
            await self._conn.close()


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def call_message(row: Any, *, kind: str | None = None) -> dict[str, Any]:
    """What the console is told of a call event: the number in clear (the agent is the one taking the call)."""
    return {"event": kind or row["event"], "at": row["at"], "call_ref": row["call_ref"], "call_id": row["call_id"],
            "from": row["from_number"], "channel": row["channel"], "direction": row["direction"],
            "ringing_at": row["ringing_at"], "answered_at": row["answered_at"], "ended_at": row["ended_at"],
            "end_cause": row["end_cause"],
            "waited_s": None if row["waited_s"] is None else round(max(0.0, row["waited_s"]), 1),
            "talked_s": None if row["talked_s"] is None else round(max(0.0, row["talked_s"]), 1)}


def _sse(data: dict[str, Any], *, event: str, event_id: int | None = None) -> str:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, default=_json_default))
    return "\n".join(lines) + "\n\n"


async def agent_stream(pool: asyncpg.Pool, hub: CallHub, *, agent_id: int, last_event_id: int | None,
                       max_seconds: float = STREAM_MAX_S) -> AsyncIterator[str]:
    """The SSE body for one agent's console: `ready` (with the id to resume from), the call in progress when
    the console opens afresh (`current`), then every `call` event as it happens. Connections are held only for
    each read, never while waiting."""
    yield f"retry: {RETRY_MS}\n\n"
    async with pool.acquire() as conn:
        if last_event_id is None:
            last_event_id = await conn.fetchval(Q.agent_last_event, agent_id)
            current = await conn.fetchrow(Q.agent_open_call, agent_id)
        else:
            current = None
    # The id on `ready` makes the browser resume from here even if this stream ends before any call event.
    yield _sse({"resume_from": last_event_id}, event="ready", event_id=last_event_id)
    if current is not None:
        yield _sse(call_message(current), event="current")
    deadline = time.monotonic() + max_seconds
    last_beat = time.monotonic()
    while time.monotonic() < deadline:
        waiter = hub.register(agent_id)
        try:
            async with pool.acquire() as conn:
                rows = await conn.fetch(Q.agent_events_after, agent_id, last_event_id)
            for row in rows:
                last_event_id = row["id"]
                yield _sse(call_message(row), event="call", event_id=row["id"])
            if rows:
                continue
            if time.monotonic() - last_beat >= HEARTBEAT_S:
                last_beat = time.monotonic()
                yield ": keep-alive\n\n"
            await hub.wait(waiter, min(POLL_S, max(0.0, deadline - time.monotonic())))
        finally:
            hub.unregister(agent_id, waiter)
