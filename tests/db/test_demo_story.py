"""`make run` opens on a demo city with work in every state, each step written by the real services."""
from collections import Counter

from hotline.db import connect
from hotline.seeds.run import seed_all
from tests.conftest import make_settings


async def test_the_demo_city_has_tickets_at_every_step(fresh_db_url, tmp_path):
    conn = await connect(fresh_db_url)
    try:
        summary = await seed_all(conn, make_settings(fresh_db_url, tmp_path, demo=True))
        statuses = Counter(dict(await conn.fetch("SELECT status, count(*) FROM tickets GROUP BY status")))
        actions = Counter(dict(await conn.fetch("SELECT action, count(*) FROM ticket_events GROUP BY action")))
        callbacks = Counter(dict(await conn.fetch("SELECT status, count(*) FROM callbacks GROUP BY status")))
        pending_extensions = await conn.fetchval("SELECT count(*) FROM extension_requests WHERE status = 'pending'")
        again = await seed_all(conn, make_settings(fresh_db_url, tmp_path, demo=True))
    finally:
        await conn.close()
    assert summary["demo_tickets"] == 300 and again["demo_tickets"] == 0 and "demo_story" not in again
    for status in ("received", "answered", "dispatched", "accepted", "returned", "replied", "closed"):
        assert statuses[status] > 0, f"no demo ticket is {status}: {statuses}"
    # every step is its own event, as if agents and departments had done it through the API
    assert actions["dispatch"] == summary["demo_story"]["dispatched"]
    assert actions["sign"] == summary["demo_story"]["signed"] and actions["reply"] == summary["demo_story"]["replied"]
    assert callbacks["due"] > 0 and callbacks["done"] > 0
    assert pending_extensions == summary["demo_story"]["extension"] > 0
