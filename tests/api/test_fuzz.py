"""Schemathesis fuzzes every operation in the OpenAPI spec in-process, as an agent: no request may get a 5xx.

The default run sends a few generated requests per operation (under a minute); HOTLINE_FUZZ=1 sends more.
"""
import os
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi

from hotline.app import create_app
from tests.conftest import TEST_PASSWORD, clone_database, make_settings

EXAMPLES_PER_OPERATION = 100 if os.environ.get("HOTLINE_FUZZ") else 10

# The spec is read from an app that is never started: the database only exists once the fixtures run.
# (schemathesis.pytest.from_fixture would defer this, but it breaks on pytest 9.)
SPEC_APP = create_app(make_settings("postgresql://spec-only/unused", Path(tempfile.gettempdir())))
# Only the random-generation phase: the coverage phase alone sends hundreds of requests per operation.
FUZZING_ONLY = SchemathesisConfig.from_dict({"phases": {"examples": {"enabled": False},
                                                        "coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(SPEC_APP.openapi(), config=FUZZING_ONLY)
schema.app = SPEC_APP  # selects the in-process ASGI transport; every call names the started app


class StartedOnce:
    """The app with its lifespan run once for the whole module.

    Schemathesis ends an ASGI app's lifespan after every test, that is after every operation, and starting
    ours (pool, embedder, knowledge index) again each time was where the minutes went. This wrapper runs the
    real lifespan at the first start-up, in schemathesis' own event loop, and ends it only when asked.
    """

    def __init__(self, app):
        self.app = app
        self.lifespan = None
        self.closing = False

    async def __call__(self, scope, receive, send):
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.lifespan is None:
                    self.lifespan = self.app.router.lifespan_context(self.app)
                    await self.lifespan.__aenter__()
                await send({"type": "lifespan.startup.complete"})
            else:
                if self.closing and self.lifespan is not None:
                    await self.lifespan.__aexit__(None, None, None)
                    self.lifespan = None
                await send({"type": "lifespan.shutdown.complete"})
                return


@pytest.fixture(scope="module")
async def fuzzed_app(pg_server_url, template_db, tmp_path_factory):
    """The app on a database of its own (fuzzing creates tickets). The hashing embedder: fuzzing looks for
    server errors, not for search quality, and the real model's cold passage cache made single searches slow."""
    db_url = await clone_database(pg_server_url, template_db)
    app = StartedOnce(create_app(make_settings(db_url, tmp_path_factory.mktemp("fuzz"), embedder="hashing")))
    yield app
    app.closing = True
    with asgi.get_client(app):
        pass
    asgi.shutdown_lifespans()


def _agent_login(app) -> dict[str, str]:
    with asgi.get_client(app) as client:
        response = client.post("/api/v1/auth/token", data={"username": "agent", "password": TEST_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="module")
def agent_headers(fuzzed_app):
    return _agent_login(fuzzed_app)


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case, fuzzed_app, agent_headers):
    # Logout ends the session it is called with: it gets one of its own, so every other operation stays fuzzed.
    headers = _agent_login(fuzzed_app) if case.path == "/api/v1/auth/logout" else agent_headers
    case.call_and_validate(app=fuzzed_app, headers=headers, checks=[not_a_server_error])
