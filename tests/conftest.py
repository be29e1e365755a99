"""Test fixtures: one real PostgreSQL per test session (embedded unless HOTLINE_TEST_DATABASE_URL is set),
a migrated and seeded template database, and databases cloned from it for tests that need a clean slate."""
from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
from pathlib import Path

import asyncpg
import httpx
import pytest

from hotline.config import Settings
from hotline.infra.db import database_url

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TEST_PASSWORD = "test-password-123"
# username -> (role, department)
TEST_USERS = {
    "agent": ("agent", None),
    "supervisor": ("supervisor", None),
    "admin": ("admin", None),
    "dept_zjj": ("department", "zjj"),
    "dept_zhzfj": ("department", "zhzfj"),
    "dept_gov": ("department", "gov-330302"),
}
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server_url():
    explicit = os.environ.get("HOTLINE_TEST_DATABASE_URL")
    if explicit:
        yield explicit
        return
    from hotline.infra.embedded import start_embedded

    tmp = Path(tempfile.mkdtemp(prefix="hotline-test-"))
    server = start_embedded(tmp, cleanup_mode="delete")
    yield server.get_uri("postgres")
    server.cleanup()


async def _admin(server_url: str) -> asyncpg.Connection:
    return await asyncpg.connect(database_url(server_url, "postgres"))


@pytest.fixture(scope="session")
async def template_db(pg_server_url):
    """A database migrated and seeded with the city, categories and test users (no demo tickets)."""
    from hotline.auth.service import create_user
    from hotline.category_templates.service import seed_category_templates
    from hotline.console.service import seed_quick_phrases
    from hotline.infra.db import connect
    from hotline.infra.migrate import migrate
    from hotline.kb.service import seed_knowledge
    from hotline.routing_rules.service import seed_routing_rules
    from hotline.seeds.city import seed_categories, seed_city

    name = f"hotline_tpl_{os.getpid()}"
    admin = await _admin(pg_server_url)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    conn = await connect(database_url(pg_server_url, name))
    await migrate(conn)
    async with conn.transaction():
        await seed_city(conn)
        await seed_categories(conn)
        await seed_category_templates(conn)
        await seed_quick_phrases(conn)
        await seed_routing_rules(conn)
        await seed_knowledge(conn)
        for username, (role, dept) in TEST_USERS.items():
            await create_user(conn, username=username, password=TEST_PASSWORD, role=role, department_code=dept)
    await conn.close()
    return name


async def clone_database(server_url: str, template: str) -> str:
    name = f"hotline_t{os.getpid()}_{next(_counter)}"
    admin = await _admin(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await admin.close()
    return database_url(server_url, name)


@pytest.fixture(scope="session")
async def shared_db_url(pg_server_url, template_db):
    """One database shared by tests that only add their own rows."""
    return await clone_database(pg_server_url, template_db)


@pytest.fixture
async def fresh_db_url(pg_server_url, template_db):
    """A database of its own for a test that counts rows or changes shared state."""
    return await clone_database(pg_server_url, template_db)


@pytest.fixture
async def conn(shared_db_url):
    """A connection inside a transaction that is rolled back after the test."""
    from hotline.infra.db import connect

    connection = await connect(shared_db_url)
    tx = connection.transaction()
    await tx.start()
    yield connection
    await tx.rollback()
    await connection.close()


def make_settings(db_url: str, tmp_path: Path, **overrides) -> Settings:
    return Settings(
        environment="test", database_url=db_url, data_dir=tmp_path, secret_key="test-secret-" + "x" * 32,
        # The session-wide tokens fixture outlives the 30-minute production token on a busy machine.
        **{"load_models": False, "public_requests_per_minute": 100_000, "public_searches_per_minute": 100_000,
           "open311_reads_per_minute": 100_000, "token_ttl_minutes": 240, **overrides},
    )


async def start_client(settings: Settings):
    from hotline.app import create_app

    app = create_app(settings)
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    return app, lifespan, client


@pytest.fixture(scope="session")
async def api(shared_db_url, tmp_path_factory):
    """An httpx client against create_app on the shared test database."""
    settings = make_settings(shared_db_url, tmp_path_factory.mktemp("var"))
    app, lifespan, client = await start_client(settings)
    yield client
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


async def log_in(client, *usernames: str) -> dict[str, dict[str, str]]:
    """A bearer header per user (every test user when none is named), obtained through the real login endpoint."""
    headers = {}
    for username in usernames or TEST_USERS:
        response = await client.post("/api/v1/auth/token", data={"username": username, "password": TEST_PASSWORD})
        assert response.status_code == 200, response.text
        headers[username] = {"Authorization": f"Bearer {response.json()['access_token']}"}
    return headers


@pytest.fixture(scope="session")
async def tokens(api):
    return await log_in(api)


def needs_shared_data(*names: str):
    missing = [n for n in names if not (SHARED_DATA / n).exists()]
    return pytest.mark.skipif(bool(missing), reason=f"needs ../shared/data/{', '.join(missing)}")
