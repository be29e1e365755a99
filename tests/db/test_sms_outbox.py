"""The SMS outbox against a real local HTTP gateway: down (connection refused), then 500, then up; nothing is
lost and nothing is sent twice; retries back off; a refused or exhausted message is `failed`; two senders at
once send each message once; the worker sends on its own when a gateway is configured."""
from __future__ import annotations

import asyncio
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hotline.infra.db import connect, create_pool
from hotline.sms.gateway import HttpJsonGateway
from hotline.sms.service import queue_message, send_due
from hotline.worker import run_worker
from tests.conftest import make_settings

TOKEN = "gateway-token-123"
PHONES = ["13800000001", "13800000002", "13800000003"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalGateway:
    """A real HTTP SMS gateway on 127.0.0.1 speaking the product's JSON protocol; `status` is what it answers."""

    port: int
    status: int = 200
    requests: list[dict] = field(default_factory=list)  # every POST it received
    accepted: list[str] = field(default_factory=list)  # ids it answered 2xx (a real SMS went out)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms/send"

    def start(self) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.requests.append({**body, "auth": self.headers.get("Authorization"),
                                             "key": self.headers.get("Idempotency-Key")})
                    status = gateway.status
                    if 200 <= status < 300:
                        gateway.accepted.append(body["id"])
                answer = {"message_id": "gw-" + body["id"]} if status < 300 else {"error": "busy"}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def local_gateway():
    gateway = LocalGateway(port=free_port())  # not started: the gateway is down
    yield gateway
    gateway.stop()


async def outbox(conn) -> dict[int, dict]:
    rows = await conn.fetch("SELECT id, status, attempts, last_error, provider_message_id, next_attempt_at - now() "
                            "AS wait FROM sms_outbox ORDER BY id")
    return {r["id"]: dict(r) for r in rows}


async def time_passes(conn) -> None:
    await conn.execute("UPDATE sms_outbox SET next_attempt_at = now() WHERE status = 'queued'")


async def test_a_gateway_down_then_failing_then_up_loses_nothing_and_sends_each_message_once(
        fresh_db_url, tmp_path, local_gateway):
    conn = await connect(fresh_db_url)
    pool = await create_pool(make_settings(fresh_db_url, tmp_path), fresh_db_url)
    gateway = HttpJsonGateway(local_gateway.url, token=TOKEN)
    try:
        ids = [await queue_message(conn, ticket_id=None, template="ticket_received", recipient=phone,
                                   params={"ticket_number": f"2026050600000{i}"}) for i, phone in enumerate(PHONES)]
        send = dict(gateway=gateway, max_attempts=5, retry_base_s=600)

        assert await send_due(pool, **send) == 3  # down: connection refused
        after_down = await outbox(conn)
        assert {m["status"] for m in after_down.values()} == {"queued"}
        assert all("unreachable" in m["last_error"] and m["attempts"] == 1 for m in after_down.values())
        assert all(590 <= m["wait"].total_seconds() <= 600 for m in after_down.values())  # first retry: the base
        assert await send_due(pool, **send) == 0  # nothing is due before its retry time

        local_gateway.status = 500
        local_gateway.start()
        await time_passes(conn)
        assert await send_due(pool, **send) == 3
        after_500 = await outbox(conn)
        assert all(m["status"] == "queued" and m["attempts"] == 2 for m in after_500.values())
        assert all(m["last_error"].startswith("HTTP 500") for m in after_500.values())
        assert all(1190 <= m["wait"].total_seconds() <= 1200 for m in after_500.values())  # doubled
        assert local_gateway.accepted == []

        local_gateway.status = 200
        await time_passes(conn)
        assert await send_due(pool, **send) == 3
        sent = await outbox(conn)
        assert all(m["status"] == "sent" and m["attempts"] == 3 for m in sent.values())
        assert {m["provider_message_id"] for m in sent.values()} == {f"gw-{i}" for i in ids}
        assert sorted(local_gateway.accepted) == sorted(str(i) for i in ids)  # each once
        delivered = [r for r in local_gateway.requests if r["id"] in local_gateway.accepted]
        assert {r["to"] for r in delivered} == set(PHONES)
        assert all(r["auth"] == f"Bearer {TOKEN}" and r["key"] == r["id"] for r in delivered)
        assert all(r["text"].startswith("【温州12345】您反映的问题已受理") for r in delivered)

        await conn.execute("UPDATE sms_outbox SET next_attempt_at = now()")
        assert await send_due(pool, **send) == 0  # sent messages are never picked again
        assert len(local_gateway.requests) == 6
    finally:
        await gateway.close()
        await pool.close()
        await conn.close()


async def test_a_refused_or_exhausted_message_fails_and_a_lost_link_puts_the_callback_back(fresh_db_url, tmp_path,
                                                                                           local_gateway):
    from tests.api.test_callbacks import replied_ticket
    from tests.conftest import log_in, start_client

    app, lifespan, api = await start_client(make_settings(fresh_db_url, tmp_path, embedder="hashing"))
    gateway = HttpJsonGateway(local_gateway.url, token=TOKEN)
    try:
        tokens = await log_in(api, "agent", "dept_zjj", "supervisor")
        number = await replied_ticket(api, tokens, citizen={"phone": PHONES[0]})
        link = await api.post(f"/api/v1/tickets/{number}/callback/sms", headers=tokens["agent"])
        assert link.status_code == 201, link.text
        pool = app.state.pool
        local_gateway.status = 500
        local_gateway.start()
        # The received and replied notices go first (older); with two attempts allowed, 500 twice fails them.
        async with pool.acquire() as conn:
            await conn.execute("UPDATE sms_outbox SET next_attempt_at = now() + interval '1 hour' "
                               "WHERE template = 'callback_link'")
        assert await send_due(pool, gateway=gateway, max_attempts=2, retry_base_s=0) == 4
        notices = (await api.get("/api/v1/sms-outbox", params={"status": "failed"},
                                 headers=tokens["supervisor"])).json()
        assert sorted(m["template"] for m in notices["items"]) == ["ticket_received", "ticket_replied"]
        assert all(m["attempts"] == 2 and m["last_error"].startswith("HTTP 500") for m in notices["items"])

        local_gateway.status = 400  # the gateway refuses this message: no retry would help
        async with pool.acquire() as conn:
            await conn.execute("UPDATE sms_outbox SET next_attempt_at = now() WHERE template = 'callback_link'")
        assert await send_due(pool, gateway=gateway, max_attempts=5, retry_base_s=0) == 1
        failed = (await api.get("/api/v1/sms-outbox", params={"status": "failed", "ticket_number": number},
                                headers=tokens["supervisor"])).json()["items"]
        link_sms = next(m for m in failed if m["template"] == "callback_link")
        assert link_sms["attempts"] == 1 and "/callback/******" in link_sms["body"]
        async with pool.acquire() as conn:  # the token is gone from the stored text too
            stored = await conn.fetchval("SELECT body || params::text FROM sms_outbox WHERE id = $1", link_sms["id"])
        assert "/callback/******" in stored and stored.count("/callback/") == stored.count("/callback/******")

        desk = (await api.get("/api/v1/callback-desk", headers=tokens["agent"])).json()
        assert number in {item["ticket_number"] for item in desk["items"]}  # back on the phone list
        events = (await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["agent"])).json()
        assert events[-1]["action"] == "callback_sms_failed"
        assert local_gateway.accepted == []
    finally:
        await gateway.close()
        await api.aclose()
        await lifespan.__aexit__(None, None, None)


async def test_two_senders_at_once_send_each_message_once(fresh_db_url, tmp_path, local_gateway):
    conn = await connect(fresh_db_url)
    pool = await create_pool(make_settings(fresh_db_url, tmp_path), fresh_db_url)
    gateways = [HttpJsonGateway(local_gateway.url), HttpJsonGateway(local_gateway.url)]
    local_gateway.start()
    try:
        for i in range(40):
            await queue_message(conn, ticket_id=None, template="ticket_replied", recipient=f"139{i:08d}",
                                params={"ticket_number": f"T{i}"})
        tried = await asyncio.gather(*(send_due(pool, gateway=g, max_attempts=3, retry_base_s=0, batch=100)
                                       for g in gateways))
        assert sum(tried) == 40
        assert len(local_gateway.accepted) == 40 == len(set(local_gateway.accepted))
        assert await conn.fetchval("SELECT count(*) FROM sms_outbox WHERE status = 'sent'") == 40
    finally:
        for gateway in gateways:
            await gateway.close()
        await pool.close()
        await conn.close()


async def test_the_worker_sends_queued_messages_when_a_gateway_is_configured(fresh_db_url, tmp_path, local_gateway):
    conn = await connect(fresh_db_url)
    local_gateway.start()
    settings = make_settings(fresh_db_url, tmp_path, embedder="hashing", sms_gateway_url=local_gateway.url,
                             sms_gateway_token=TOKEN)
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop=stop))
    try:
        message_id = await queue_message(conn, ticket_id=None, template="ticket_received", recipient=PHONES[1],
                                         params={"ticket_number": "20260506000009"})
        for _ in range(100):  # woken by the insert's NOTIFY
            if await conn.fetchval("SELECT status FROM sms_outbox WHERE id = $1", message_id) == "sent":
                break
            await asyncio.sleep(0.1)
        assert local_gateway.accepted == [str(message_id)]
    finally:
        stop.set()
        await worker
        await conn.close()
