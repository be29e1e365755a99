"""Durable timers: two workers fire every due timer exactly once; a worker that dies mid-batch loses nothing."""
import asyncio

from hotline.db import connect
from hotline.timers.service import fire_due_timers
from hotline.worker import run_worker
from tests.conftest import make_settings

TICKETS = 150


async def seed_due_timers(conn, count: int) -> None:
    await conn.execute(
        """WITH t AS (
               INSERT INTO tickets (ticket_number, channel, status, type, content, content_masked, received_at,
                                    lead_department, sign_by, reply_by)
               SELECT 'TM' || g, 'phone', 'accepted', 'complaint', '测试', '测试', now(), 'zjj', now(), now()
               FROM generate_series(1, $1) g RETURNING id)
           INSERT INTO timers (ticket_id, kind, due_at) SELECT id, 'reply_overdue', now() - interval '1 second' FROM t""",
        count,
    )


async def test_two_workers_fire_each_timer_once(fresh_db_url, tmp_path):
    conn = await connect(fresh_db_url)
    await seed_due_timers(conn, TICKETS)
    settings = make_settings(fresh_db_url, tmp_path)
    stop = asyncio.Event()
    workers = [asyncio.create_task(run_worker(settings, stop=stop)) for _ in range(2)]
    for _ in range(300):
        if not await conn.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NULL"):
            break
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(*workers)
    assert await conn.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NOT NULL") == TICKETS
    per_ticket = await conn.fetch(
        "SELECT ticket_id, count(*) AS n FROM ticket_events WHERE action = 'sla_overdue' GROUP BY ticket_id")
    assert len(per_ticket) == TICKETS and {r["n"] for r in per_ticket} == {1}
    assert await conn.fetchval("SELECT count(*) FROM supervision_orders WHERE cause = 'reply_overdue'") == TICKETS
    await conn.close()


async def test_a_batch_interrupted_before_commit_is_fired_later(fresh_db_url):
    conn = await connect(fresh_db_url)
    await seed_due_timers(conn, 10)
    try:
        async with conn.transaction():
            assert await fire_due_timers(conn, worker="doomed") == 10
            raise RuntimeError("worker killed")
    except RuntimeError:
        pass
    assert await conn.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NULL") == 10
    assert await conn.fetchval("SELECT count(*) FROM ticket_events") == 0
    async with conn.transaction():
        assert await fire_due_timers(conn, worker="survivor") == 10
    assert await conn.fetchval("SELECT count(DISTINCT fired_by) FROM timers") == 1
    await conn.close()


async def test_a_stopped_clock_fires_nothing(fresh_db_url):
    conn = await connect(fresh_db_url)
    await seed_due_timers(conn, 3)
    await conn.execute("UPDATE tickets SET status = 'replied'")
    async with conn.transaction():
        await fire_due_timers(conn, worker="w")
    assert await conn.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NOT NULL") == 3
    assert await conn.fetchval("SELECT count(*) FROM ticket_events") == 0
    await conn.close()


async def test_a_worker_escalates_a_supervision_order_left_unanswered_past_its_deadline(fresh_db_url, tmp_path):
    conn = await connect(fresh_db_url)
    await seed_due_timers(conn, 1)
    await conn.execute("UPDATE timers SET due_at = now() + interval '1 day'")  # only the order is due
    order_id = await conn.fetchval(
        "INSERT INTO supervision_orders (ticket_id, department_code, cause, note, due_at) "
        "SELECT id, 'zjj', 'manual', '请三日内反馈', now() - interval '1 second' FROM tickets RETURNING id")
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(make_settings(fresh_db_url, tmp_path, embedder="hashing"), stop=stop))
    try:
        for _ in range(100):
            if await conn.fetchval("SELECT level FROM supervision_orders WHERE id = $1", order_id) == 2:
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await worker
    order = await conn.fetchrow("SELECT level, status, due_at > now() AS ahead FROM supervision_orders WHERE id = $1",
                                order_id)
    assert (order["level"], order["status"], order["ahead"]) == (2, "open", True)
    assert await conn.fetchval("SELECT count(*) FROM ticket_events WHERE action = 'supervision_escalated'") == 1
    await conn.close()
