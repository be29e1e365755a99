"""`make run` opens on a demo city with a month of work in every state, each step written by the real services at
the moment it would have happened, so the supervisor's figures are those of a plausible month."""
import time
from collections import Counter
from datetime import date, timedelta

from feedback.periods import period_of_days
from hotline.metrics.report import metrics_report
from hotline.infra.db import connect
from hotline.seeds.run import seed_all
from tests.conftest import make_settings
from tests.unit.test_event_labels import labelled_actions


async def test_the_demo_city_has_a_believable_month(fresh_db_url, tmp_path):
    conn = await connect(fresh_db_url)
    try:
        started = time.perf_counter()
        summary = await seed_all(conn, make_settings(fresh_db_url, tmp_path, demo=True))
        print(f"seed_all with the demo month: {time.perf_counter() - started:.1f} s")
        statuses = Counter(dict(await conn.fetch("SELECT status, count(*) FROM tickets GROUP BY status")))
        actions = Counter(dict(await conn.fetch("SELECT action, count(*) FROM ticket_events GROUP BY action")))
        callbacks = Counter(dict(await conn.fetch("SELECT status, count(*) FROM callbacks GROUP BY status")))
        days = await conn.fetchval(
            "SELECT count(DISTINCT (received_at AT TIME ZONE 'Asia/Shanghai')::date) FROM tickets")
        deadlines = await conn.fetchrow("""
            SELECT count(DISTINCT reply_by) AS distinct_reply_by,
                   count(*) FILTER (WHERE status IN ('dispatched', 'accepted', 'reopened')
                                    AND reply_by < now()) AS overdue,
                   count(*) FILTER (WHERE status IN ('dispatched', 'accepted', 'reopened')
                                    AND reply_by BETWEEN now() AND now() + interval '2 days') AS due_soon
            FROM tickets""")
        channels = await conn.fetchval("SELECT count(DISTINCT channel) FROM tickets")
        districts = await conn.fetchval("SELECT count(DISTINCT district_code) FROM tickets")
        orders = Counter(dict(await conn.fetch("SELECT status, count(*) FROM supervision_orders GROUP BY status")))
        extensions = Counter(dict(await conn.fetch("SELECT status, count(*) FROM extension_requests GROUP BY status")))
        today = date.today()
        month = (await metrics_report(conn, period=period_of_days(today - timedelta(days=29), today),
                                      group_by=None))["overall"]
        again = await seed_all(conn, make_settings(fresh_db_url, tmp_path, demo=True))
    finally:
        await conn.close()
    print(summary["demo_story"], statuses, callbacks, orders, extensions, dict(deadlines), sep="\n")
    print({k: v for k, v in month.items() if k != "previous"})
    assert summary["demo_tickets"] == 300 and again["demo_tickets"] == 0 and "demo_story" not in again
    for status in ("received", "answered", "dispatched", "accepted", "replied", "closed"):
        assert statuses[status] > 0, f"no demo ticket is {status}: {statuses}"
    # every step is its own event, as if agents and departments had done it through the API
    story = summary["demo_story"]
    assert actions["sign"] == story["signed"] and actions["reply"] == story["replied"]
    assert set(actions) <= labelled_actions()  # every event the month wrote has its Chinese name on the timelines
    assert days >= 28 and channels >= 5 and districts >= 5  # spread over the month, the channels and the city
    assert deadlines["distinct_reply_by"] > 100 and deadlines["overdue"] > 0 and deadlines["due_soon"] > 0
    assert callbacks["due"] > 0 and callbacks["done"] > 0 and callbacks["not_callable"] > 0
    assert orders["open"] + orders["answered"] > 0 and orders["closed"] > 0
    assert extensions["approved"] > 0 and extensions["pending"] + extensions["rejected"] > 0
    # the supervisor's month: neither perfect nor empty
    assert 0.6 < month["on_time_reply_rate"] < 0.97 and 0.6 < month["on_time_sign_rate"] < 0.97
    assert 0.6 < month["satisfaction_rate"] < 0.97 and 0.5 < month["callback_rate"] < 0.97
    assert month["handling_hours_mean"] > 4 and month["handling_hours_p90"] > month["handling_hours_mean"]
