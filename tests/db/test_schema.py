"""The migrated schema accepts every stored query, and migrations are idempotent."""
import pytest

from hotline.infra.migrate import migrate
from hotline.infra.sql import Queries, all_query_files

QUERIES = [(path, name) for path in all_query_files() for name, _ in Queries(path).items()]


@pytest.mark.parametrize("path,name", QUERIES, ids=[f"{p.parent.name}/{p.name}:{n}" for p, n in QUERIES])
async def test_every_stored_query_prepares(conn, path, name):
    await conn.prepare(getattr(Queries(path), name))


async def test_migrating_again_applies_nothing(conn):
    assert await migrate(conn) == []
