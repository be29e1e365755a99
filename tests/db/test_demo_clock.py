"""The demo seed's clock: inside `acting_at` the services and the database (queries and column defaults) act at the
past moment; outside it, and in every other transaction, time is the real one."""
from datetime import datetime, timedelta, timezone

import pytest

from hotline.infra import clock


async def test_the_database_and_the_services_follow_the_demo_moment_and_then_the_real_clock(conn):
    moment = datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc)
    async with conn.transaction():  # the fixture's transaction rolls all of it back
        path = await conn.fetchval("SELECT current_setting('search_path')")
        async with clock.acting_at(conn, moment):
            assert clock.now() == moment
            assert await conn.fetchval("SELECT now()") == moment
            # a column default (bound when the table was made) reads it too
            set_at = await conn.fetchval("INSERT INTO calendar_days (day, kind, reason) "
                                         "VALUES ('2099-01-02', 'holiday', '测试') RETURNING set_at")
            assert set_at == moment
        assert await conn.fetchval("SELECT current_setting('search_path')") == path
        assert abs(await conn.fetchval("SELECT now()") - datetime.now(timezone.utc)) < timedelta(minutes=5)
        assert abs(clock.now() - datetime.now(timezone.utc)) < timedelta(seconds=5)
    with pytest.raises(ValueError, match="in the past"):
        async with clock.acting_at(conn, datetime.now(timezone.utc) + timedelta(hours=1)):
            pass
