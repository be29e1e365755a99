"""The metric functions live whole in hotline/metrics/functions.sql: the database runs exactly those bodies, and
`migrate` re-applies the file when its text changes (and only then)."""
from __future__ import annotations

import re

from hotline.infra.db import connect
from hotline.infra.migrate import FUNCTION_FILES, migrate

DEFINITION = re.compile(r"CREATE OR REPLACE FUNCTION (\w+)\s*\(.*?\$(\w*)\$(.*?)\$\2\$", re.S)


def file_bodies() -> dict[str, str]:
    text = FUNCTION_FILES[0].read_text(encoding="utf-8")
    return {name: body for name, _, body in DEFINITION.findall(text)}


async def test_the_database_runs_the_bodies_in_the_file(fresh_db_url):
    bodies = file_bodies()
    assert {"refresh_metric_facts", "metric_facts_follow_events", "fold_metric_rollup",
            "metric_rollup_follow_tickets"} <= bodies.keys() and len(bodies) >= 15
    conn = await connect(fresh_db_url)
    try:
        running = {r["proname"]: r["prosrc"] for r in await conn.fetch(
            "SELECT proname, prosrc FROM pg_proc WHERE proname = ANY($1::text[])", list(bodies))}
        assert {name: running.get(name) for name in bodies} == bodies
        # Every metric trigger calls a function of the file.
        called = {r["proname"] for r in await conn.fetch(
            """SELECT DISTINCT p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
               WHERE NOT t.tgisinternal AND (p.proname LIKE 'metric%' OR p.proname LIKE '%first_responses%'
                                             OR p.proname LIKE 'report_groups%' OR p.proname LIKE 'callbacks_take%')""")}
        assert called and called <= bodies.keys()
    finally:
        await conn.close()


async def test_migrate_reapplies_the_file_only_when_it_changed(fresh_db_url):
    conn = await connect(fresh_db_url)
    try:
        assert await migrate(conn) == []  # nothing new
        await conn.execute("UPDATE schema_functions SET checksum = 'an older text'")
        await conn.execute("CREATE OR REPLACE FUNCTION metric_day(at timestamptz) RETURNS date "
                           "LANGUAGE sql IMMUTABLE AS $$ SELECT DATE '2000-01-01' $$")
        assert await migrate(conn) == ["metrics/functions.sql"]
        assert await conn.fetchval("SELECT prosrc FROM pg_proc WHERE proname = 'metric_day'") == \
            file_bodies()["metric_day"]
    finally:
        await conn.close()
