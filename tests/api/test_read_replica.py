"""The read replica: reports come from it, a citizen's fresh ticket and ticket work stay on the primary, none of
the endpoints that use it writes, and a replica that is down costs only the reports."""
import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from hotline.infra.db import database_url
from tests.conftest import clone_database, log_in, make_settings, start_client

CLOSED_PORT_URL = "postgresql://nobody@127.0.0.1:1/none"
# What reads from the replica (and so may lag a second): the supervisor's reports, the command view and its
# public ranking, hot issues, the audit log. (The admins' change log reads it too; a supervisor is refused first.)
REPLICA_READS = {"/api/v1/metrics", "/api/v1/metrics/league", "/api/v1/metrics/report.csv",
                 "/api/v1/metrics/report.xlsx", "/api/v1/hot-issues", "/api/v1/audit/pii-access",
                 "/api/v1/command/tiles", "/api/v1/command/trends", "/api/v1/command/map", "/api/v1/command/ranking",
                 "/api/v1/command/tickets", "/api/v1/command/wallboard", "/api/v1/public/ranking"}

REQUIRED_PARAMS = {"/api/v1/command/tickets": {"measure": "contacts"}}


def citizen_submission() -> dict:
    return {"channel": "web", "external_id": str(uuid.uuid4()), "citizen": {"name": "张三", "phone": "13812345678"},
            "title": "路灯不亮", "content": "鹿城区五马街道解放街12号门口路灯坏了一周，晚上很黑，请尽快修。",
            "address": "温州市鹿城区五马街道解放街12号"}


def api_reads(app) -> list[str]:
    """The API's GET routes without a path parameter, but for the live streams (a served stream runs for minutes;
    tests/web reads them)."""
    return sorted(path for path, ops in app.openapi()["paths"].items()
                  if path.startswith("/api/") and "get" in ops and "{" not in path and not path.endswith("/stream"))


async def test_reports_come_from_the_replica_while_a_fresh_ticket_and_its_handling_stay_on_the_primary(
        pg_server_url, template_db, fresh_db_url, tmp_path):
    replica_url = await clone_database(pg_server_url, template_db)
    # The replica's copy holds three tickets the primary does not have: whatever counts them came from it.
    _, lifespan, seeder = await start_client(make_settings(replica_url, tmp_path / "seed", embedder="hashing"))
    try:
        for _ in range(3):
            assert (await seeder.post("/api/v1/submissions", json=citizen_submission())).status_code == 201
    finally:
        await seeder.aclose()
        await lifespan.__aexit__(None, None, None)

    settings = make_settings(fresh_db_url, tmp_path / "api", embedder="hashing", read_database_url=replica_url)
    _, lifespan, client = await start_client(settings)
    try:
        tokens = await log_in(client, "agent", "supervisor")
        filed = await client.post("/api/v1/submissions", json=citizen_submission())
        assert filed.status_code == 201
        number = filed.json()["ticket_number"]

        # The citizen finds the ticket filed a moment ago: the lookup reads the primary.
        lookup = await client.post("/api/v1/public/tickets/lookup",
                                   json={"ticket_number": number, "phone_last4": "5678"})
        assert lookup.json()["found"] is True
        # Ticket work goes on on the primary.
        classified = await client.post(f"/api/v1/tickets/{number}/classification", headers=tokens["agent"],
                                       json={"type": "complaint", "category": "城乡建设", "urgency": "normal"})
        assert classified.status_code == 200, classified.text
        dispatched = await client.post(f"/api/v1/tickets/{number}/dispatch", headers=tokens["agent"],
                                       json={"department": "zhzfj"})
        assert dispatched.status_code == 200, dispatched.text

        # The supervisor's week counts the replica's three tickets, not the primary's one.
        metrics = await client.get("/api/v1/metrics", headers=tokens["supervisor"])
        assert metrics.status_code == 200 and metrics.json()["overall"]["volume"] == 3
        report = await client.get("/api/v1/metrics/report.csv", headers=tokens["supervisor"])
        assert report.status_code == 200
        health = await client.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "up", "replica": "up"}
    finally:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


def as_role(url: str, role: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{role}:{password}@{host}"))


async def test_every_replica_read_answers_on_a_role_that_can_only_read(pg_server_url, fresh_db_url, tmp_path):
    role, password = f"hotline_reader_{os.getpid()}_{uuid.uuid4().hex[:6]}", "reader-password-123"
    database = urlsplit(fresh_db_url).path.lstrip("/")
    admin = await asyncpg.connect(fresh_db_url)
    await admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    await admin.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {role}')
    await admin.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
    await admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    await admin.execute(f"ALTER ROLE {role} SET default_transaction_read_only = on")
    settings = make_settings(fresh_db_url, tmp_path, embedder="hashing",
                             read_database_url=as_role(fresh_db_url, role, password))
    _, lifespan, client = await start_client(settings)
    try:
        tokens = await log_in(client, "supervisor")
        number = (await client.post("/api/v1/submissions", json=citizen_submission())).json()["ticket_number"]
        # The supervisor's read of the citizen's details is logged on the primary, then listed from the replica.
        assert (await client.get(f"/api/v1/tickets/{number}", headers=tokens["supervisor"])).status_code == 200
        for path in sorted(REPLICA_READS):
            response = await client.get(path, params=REQUIRED_PARAMS.get(path), headers=tokens["supervisor"])
            assert response.status_code == 200, (path, response.text)
        logged = (await client.get("/api/v1/audit/pii-access", headers=tokens["supervisor"])).json()
        assert [(row["ticket_number"], row["kind"]) for row in logged] == [(number, "read")]
        for group_by in ("department", "channel", "category", "district"):
            response = await client.get("/api/v1/metrics", params={"group_by": group_by}, headers=tokens["supervisor"])
            assert response.status_code == 200, (group_by, response.text)
    finally:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)
        await admin.execute(f"DROP OWNED BY {role}")
        await admin.close()
        cluster = await asyncpg.connect(database_url(pg_server_url, "postgres"))
        await cluster.execute(f"DROP ROLE {role}")
        await cluster.close()


@pytest.mark.parametrize("replica", ["closed port", "unknown role"])
async def test_a_replica_that_is_down_costs_the_reports_only(fresh_db_url, tmp_path, replica):
    replica_url = CLOSED_PORT_URL if replica == "closed port" else as_role(fresh_db_url, "no_such_reader", "x")
    app, lifespan, client = await start_client(
        make_settings(fresh_db_url, tmp_path, embedder="hashing", read_database_url=replica_url))
    try:
        tokens = await log_in(client, "supervisor")
        # Exactly the replica's reads fail, with the usual 503; every other page of the supervisor still answers.
        unavailable = {}
        for path in api_reads(app):
            response = await client.get(path, headers=tokens["supervisor"])
            if response.status_code == 503:
                unavailable[path] = response.json()["error"]["code"]
        assert unavailable == dict.fromkeys(REPLICA_READS, "database_unavailable")
        filed = await client.post("/api/v1/submissions", json=citizen_submission())
        assert filed.status_code == 201
        ticket = await client.get(f"/api/v1/tickets/{filed.json()['ticket_number']}", headers=tokens["supervisor"])
        assert ticket.status_code == 200
        health = await client.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "degraded", "database": "up", "replica": "down"}
    finally:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)
