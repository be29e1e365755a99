"""kill -9 during a burst: the API mid-submission and a worker mid-firing. After a restart, every acknowledged
submission exists exactly once and every due timer fired exactly once."""
from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone

import psutil

from hotline.bench.load import free_port
from hotline.infra.db import connect
from hotline.timers.service import schedule
from tests.faults.conftest import (
    HOTLINE, ApiProcess, Burst, product_env, start_worker, stop_processes, submit_until_acknowledged,
)

SUBMISSIONS = 100
TIMER_TICKETS = 300


async def test_every_acknowledged_submission_exists_once_after_the_api_is_killed(fresh_db_url, tmp_path):
    env = product_env(fresh_db_url, tmp_path)
    worker = start_worker(env)  # embeds each new ticket from its durable enrich timer
    api = ApiProcess(env)
    run = uuid.uuid4().hex[:8]
    external_ids = [f"fault-{run}-{i}" for i in range(SUBMISSIONS)]
    burst = Burst()

    async def kill_and_restart_mid_burst() -> None:
        while len(burst.acknowledged) < SUBMISSIONS // 4:
            await asyncio.sleep(0.02)
        api.kill()  # SIGKILL: requests in flight are lost, some after their transaction committed
        await asyncio.to_thread(api.start)

    conn = await connect(fresh_db_url)
    try:
        api.start()
        await asyncio.gather(
            submit_until_acknowledged(api.url, external_ids, clients=8, burst=burst),
            kill_and_restart_mid_burst(),
        )
        for _ in range(600):
            if not await conn.fetchval("SELECT count(*) FROM timers WHERE kind = 'enrich' AND fired_at IS NULL"):
                break
            await asyncio.sleep(0.1)
        stored = {r["external_id"]: r for r in await conn.fetch(
            """SELECT s.external_id, t.ticket_number, count(*) OVER (PARTITION BY s.ticket_id) AS submissions
               FROM submissions s JOIN tickets t ON t.id = s.ticket_id
               WHERE s.channel = 'web' AND s.external_id = ANY($1::text[])""", external_ids)}
        tickets = await conn.fetchval("SELECT count(*) FROM tickets")
        first_events = await conn.fetch(
            "SELECT ticket_id, count(*) AS n FROM ticket_events WHERE from_status IS NULL GROUP BY ticket_id")
        enrichment = await conn.fetch(
            """SELECT t.id, (SELECT count(*) FROM timers tm WHERE tm.ticket_id = t.id AND tm.kind = 'enrich'
                                                           AND tm.fired_at IS NOT NULL) AS fired,
                            (SELECT count(*) FROM ticket_vectors v WHERE v.ticket_id = t.id) AS vectors
               FROM tickets t""")
    finally:
        api.stop()
        stop_processes([worker])
        await conn.close()

    assert burst.failed_attempts > 0, "the kill should have interrupted some submissions"
    assert all(status != 500 for _, status, _ in burst.failures), burst.failures[:3]
    assert set(burst.acknowledged) == set(external_ids)
    assert {k: r["ticket_number"] for k, r in stored.items()} == burst.acknowledged  # the ticket each client was told
    assert all(r["submissions"] == 1 for r in stored.values())
    assert tickets == SUBMISSIONS  # no ticket doubled by a retry
    assert len(first_events) == SUBMISSIONS and all(r["n"] == 1 for r in first_events)
    assert [r["id"] for r in enrichment if (r["fired"], r["vectors"]) != (1, 1)] == []  # each ticket embedded once


async def test_every_due_timer_fires_once_when_a_worker_is_killed(fresh_db_url, tmp_path):
    env = product_env(fresh_db_url, tmp_path)
    conn = await connect(fresh_db_url)
    workers = [start_worker(env), start_worker(env)]
    try:
        ticket_ids = [r["id"] for r in await conn.fetch(
            """INSERT INTO tickets (ticket_number, channel, status, type, content, content_masked, received_at,
                                    lead_department, sign_by, reply_by)
               SELECT 'FT' || g, 'phone', 'accepted', 'complaint', '路灯不亮', '路灯不亮', now(), 'zjj', now(), now()
               FROM generate_series(1, $1) g RETURNING id""", TIMER_TICKETS)]
        # Two timers per ticket falling due over the next ~3 s, scheduled as the dispatch flow schedules them.
        now = datetime.now(timezone.utc)
        async with conn.transaction():
            for i, ticket_id in enumerate(ticket_ids):
                due = now + timedelta(seconds=1 + 2 * i / TIMER_TICKETS)
                await schedule(conn, ticket_id=ticket_id,
                               due={"reply_warning": due, "reply_overdue": due + timedelta(milliseconds=200)})
        first_firer = None
        while first_firer is None:
            first_firer = await conn.fetchval("SELECT fired_by FROM timers WHERE fired_at IS NOT NULL LIMIT 1")
            await asyncio.sleep(0.05)
        # SIGKILL a worker that is firing: its open transaction (claimed timers, their events) rolls back.
        killed = next(i for i, w in enumerate(workers) if first_firer.endswith(f":{w.pid}"))
        workers[killed].kill()
        workers[killed].wait(10)
        fired_before_kill = await conn.fetchval("SELECT count(*) FROM timers WHERE fired_by = $1", first_firer)
        workers[killed] = start_worker(env)
        for _ in range(600):
            if not await conn.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL"):
                break
            await asyncio.sleep(0.1)
        timers = await conn.fetch(
            """SELECT tm.id, tm.fired_at, count(e.id) AS effects
               FROM timers tm LEFT JOIN ticket_events e
                 ON e.ticket_id = tm.ticket_id AND e.action LIKE 'sla_%' AND (e.data->>'timer_id')::bigint = tm.id
               WHERE tm.ticket_id = ANY($1::bigint[]) GROUP BY tm.id""", ticket_ids)
        orders = await conn.fetchval(
            "SELECT count(*) FROM supervision_orders WHERE ticket_id = ANY($1::bigint[]) AND cause = 'reply_overdue'",
            ticket_ids)
    finally:
        stop_processes(workers)
        await conn.close()
    assert len(timers) == 2 * TIMER_TICKETS
    assert [t["id"] for t in timers if t["fired_at"] is None] == []  # none missed
    assert [t["id"] for t in timers if t["effects"] != 1] == []  # each fired exactly once: one event per timer
    assert orders == TIMER_TICKETS  # one 督办单 per overdue ticket
    assert 0 < fired_before_kill < 2 * TIMER_TICKETS  # the killed worker was part-way through


def _ended(process: psutil.Process) -> bool:
    """Gone, or a zombie: this machine's init does not reap orphans, so an ended orphan lingers as one."""
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_a_killed_serve_takes_its_worker_with_it(fresh_db_url, tmp_path):
    env = product_env(fresh_db_url, tmp_path)
    port = free_port()
    serve = subprocess.Popen([*HOTLINE, "serve", "--worker", "--port", str(port)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    try:
        for _ in range(600):
            workers = [p for p in psutil.Process(serve.pid).children() if "worker" in p.cmdline()]
            if workers:
                worker = workers[0]
                break
            assert serve.poll() is None, "hotline serve --worker exited"
            time.sleep(0.1)
        assert worker is not None, "serve --worker started no worker"
        serve.kill()  # SIGKILL: no `finally`, no exit hooks in serve
        serve.wait(10)
        for _ in range(300):
            if _ended(worker):
                break
            time.sleep(0.1)
        assert _ended(worker), "the worker outlived the serve that started it"
    finally:
        if serve.poll() is None:
            serve.kill()
        if worker is not None and not _ended(worker):
            worker.kill()
