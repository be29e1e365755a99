"""Durable timers: two workers fire every due timer exactly once; a worker that dies mid-batch loses nothing."""
import asyncio

from hotline.infra.db import connect
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


async def seed_enrichment_backlog(conn, count: int) -> list[int]:
    """`count` new web tickets whose enrichment is due, older than any SLA timer (an API ran without a worker)."""
    return [r["ticket_id"] for r in await conn.fetch(
        """WITH t AS (
               INSERT INTO tickets (ticket_number, channel, status, type, content, content_masked, received_at)
               SELECT 'EN' || g, 'web', 'received', 'complaint', '小区门口路灯不亮' || g, '小区门口路灯不亮' || g, now()
               FROM generate_series(1, $1) g RETURNING id)
           INSERT INTO timers (ticket_id, kind, due_at) SELECT id, 'enrich', now() - interval '1 hour' FROM t
           RETURNING ticket_id""", count)]


async def inject_fault(conn, table: str, ticket_id: int) -> None:
    """A real database error on every write of `table` for one ticket (as a full disk or a bad row would give)."""
    await conn.execute(f"""
        CREATE FUNCTION fault_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.ticket_id = {ticket_id} THEN RAISE EXCEPTION 'injected fault in {table}'; END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER fault_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fault_{table}();""")


async def test_sla_timers_are_claimed_before_an_older_enrichment_backlog(fresh_db_url):
    conn = await connect(fresh_db_url)
    await seed_enrichment_backlog(conn, 250)
    await seed_due_timers(conn, 10)
    async with conn.transaction():
        assert await fire_due_timers(conn, worker="w", batch=200) == 10  # no enricher needed, none waited for
    assert await conn.fetchval("SELECT count(*) FROM ticket_events WHERE action = 'sla_overdue'") == 10
    assert await conn.fetchval("SELECT count(*) FROM timers WHERE kind = 'enrich' AND fired_at IS NULL") == 250
    await conn.close()


async def test_a_failing_job_is_retried_later_and_the_worker_goes_on(fresh_db_url, tmp_path):
    conn = await connect(fresh_db_url)
    backlog = await seed_enrichment_backlog(conn, 20)
    await seed_due_timers(conn, 30)
    broken_enrichment = backlog[7]
    broken_deadline = await conn.fetchval("SELECT min(ticket_id) FROM timers WHERE kind = 'reply_overdue'")
    await inject_fault(conn, "ticket_vectors", broken_enrichment)
    await inject_fault(conn, "ticket_events", broken_deadline)
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(make_settings(fresh_db_url, tmp_path, embedder="hashing"), stop=stop))
    try:
        for _ in range(300):
            pending = await conn.fetchval(
                "SELECT count(*) FROM timers WHERE fired_at IS NULL AND attempts = 0 AND due_at <= now()")
            if not pending or worker.done():
                break
            await asyncio.sleep(0.1)
        assert not worker.done(), worker.exception()  # the loop survived both faults
        failed = {r["ticket_id"]: r for r in await conn.fetch(
            "SELECT ticket_id, kind, attempts, last_error, due_at > now() AS later FROM timers WHERE fired_at IS NULL")}
        assert set(failed) == {broken_enrichment, broken_deadline}  # everything else fired or was enriched
        for row in failed.values():
            assert row["attempts"] == 1 and "injected fault" in row["last_error"] and row["later"], dict(row)
        assert await conn.fetchval("SELECT count(*) FROM ticket_vectors") == 19
        assert await conn.fetchval("SELECT count(*) FROM ticket_events WHERE action = 'sla_overdue'") == 29

        # The faults are repaired; once their back-off has passed, the same worker finishes both.
        await conn.execute("DROP TRIGGER fault_ticket_vectors ON ticket_vectors; "
                           "DROP TRIGGER fault_ticket_events ON ticket_events")
        await conn.execute("UPDATE timers SET due_at = now() WHERE fired_at IS NULL")
        await conn.execute("NOTIFY hotline_timers; NOTIFY hotline_enrich")
        for _ in range(300):
            if not await conn.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NULL") or worker.done():
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await worker
    assert await conn.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NULL") == 0
    assert await conn.fetchval("SELECT count(*) FROM ticket_vectors") == 20
    assert await conn.fetchval("SELECT count(*) FROM ticket_events WHERE action = 'sla_overdue'") == 30
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
