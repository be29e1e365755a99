"""Accounts and sessions that can be ended: a disabled, moved or logged-out account's tokens are refused (on every
API process, within 2 seconds), the admin's account API keeps who/when/why, and no malformed token reaches a 500."""
import asyncio
import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import jwt

from hotline.auth.tokens import Principal, issue_token
from tests.api.test_tickets import assign
from tests.conftest import TEST_PASSWORD, log_in, make_settings, start_client

SECRET = "test-secret-" + "x" * 32
REASON = {"reason": "人员调整"}


async def new_account(api, tokens, *, role="agent", department=None) -> str:
    username = f"staff-{uuid.uuid4().hex[:8]}"
    body = {"username": username, "role": role, "password": TEST_PASSWORD, **REASON}
    if department:
        body["department"] = department
    created = await api.post("/api/v1/admin/users", json=body, headers=tokens["admin"])
    assert created.status_code == 201, created.text
    assert created.json()["initial_password"] is None  # the admin gave one
    return username


async def refused_within_two_seconds(client, headers, path="/api/v1/tickets") -> None:
    deadline = time.monotonic() + 2
    while (response := await client.get(path, headers=headers)).status_code != 401:
        assert response.status_code == 200, response.text
        assert time.monotonic() < deadline, "the token still worked 2 s after the change"


async def test_a_disabled_account_is_refused_on_every_api_process_within_two_seconds(
        api, tokens, shared_db_url, tmp_path):
    username = await new_account(api, tokens, role="supervisor")
    app, lifespan, other_process = await start_client(make_settings(shared_db_url, tmp_path, embedder="hashing"))
    try:
        token = (await log_in(api, username))[username]
        assert (await other_process.get("/api/v1/tickets", headers=token)).status_code == 200  # now cached there
        disabled = await api.post(f"/api/v1/admin/users/{username}/disable", json={"reason": "离职"},
                                  headers=tokens["admin"])
        assert disabled.status_code == 200 and disabled.json()["active"] is False
        assert (await api.get("/api/v1/tickets", headers=token)).status_code == 401  # this process: at once
        await refused_within_two_seconds(other_process, token)
        again = await api.post("/api/v1/auth/token", data={"username": username, "password": TEST_PASSWORD})
        assert again.status_code == 401
    finally:
        await other_process.aclose()
        await lifespan.__aexit__(None, None, None)
    history = (await api.get(f"/api/v1/admin/users/{username}/history", headers=tokens["admin"])).json()
    assert [(h["action"], h["actor_name"], h["reason"]) for h in history] == [
        ("disable", "admin", "离职"), ("create", "admin", "人员调整")]
    assert history[0]["before"]["active"] is True and history[0]["after"]["active"] is False


async def test_a_moved_department_user_reads_only_the_new_department(api, tokens, shared_db_url):
    username = await new_account(api, tokens, role="department", department="zjj")
    old_token = (await log_in(api, username))[username]
    submitted = await api.post("/api/v1/submissions", json={
        "channel": "web", "external_id": str(uuid.uuid4()), "content": "小区里有人违章搭建"})
    number = submitted.json()["ticket_number"]
    await assign(shared_db_url, number, "zjj")
    assert (await api.get(f"/api/v1/tickets/{number}", headers=old_token)).status_code == 200

    moved = await api.patch(f"/api/v1/admin/users/{username}", json={"department": "zhzfj", **REASON},
                            headers=tokens["admin"])
    assert moved.status_code == 200 and moved.json()["department_code"] == "zhzfj"
    assert (await api.get(f"/api/v1/tickets/{number}", headers=old_token)).status_code == 401
    new_token = (await log_in(api, username))[username]
    assert (await api.get(f"/api/v1/tickets/{number}", headers=new_token)).status_code == 403
    listed = (await api.get("/api/v1/tickets?page_size=100", headers=new_token)).json()
    assert number not in {t["ticket_number"] for t in listed["items"]}

    promoted = await api.patch(f"/api/v1/admin/users/{username}", json={"role": "agent", **REASON},
                               headers=tokens["admin"])
    assert promoted.json()["role"] == "agent" and promoted.json()["department_code"] is None
    assert (await api.get("/api/v1/tickets", headers=new_token)).status_code == 401


async def test_logout_ends_the_token_and_only_its_own_session(api, tokens):
    username = await new_account(api, tokens)
    first = (await log_in(api, username))[username]
    second = (await log_in(api, username))[username]
    assert (await api.post("/api/v1/auth/logout", headers=first)).status_code == 204
    assert (await api.get("/api/v1/tickets", headers=first)).status_code == 401
    assert (await api.get("/api/v1/tickets", headers=second)).status_code == 200


async def test_a_password_reset_ends_sessions_and_gives_a_password_shown_once(api, tokens):
    username = await new_account(api, tokens)
    old = (await log_in(api, username))[username]
    reset = await api.post(f"/api/v1/admin/users/{username}/password-reset", json={"reason": "忘记密码"},
                           headers=tokens["admin"])
    assert reset.status_code == 200, reset.text
    temporary = reset.json()["temporary_password"]
    assert len(temporary) >= 12
    assert (await api.get("/api/v1/tickets", headers=old)).status_code == 401
    assert (await api.post("/api/v1/auth/token", data={"username": username, "password": TEST_PASSWORD})
            ).status_code == 401
    assert (await api.post("/api/v1/auth/token", data={"username": username, "password": temporary})
            ).status_code == 200


async def test_account_changes_need_a_reason_and_keep_an_admin(api, tokens):
    username = await new_account(api, tokens)
    blank = await api.post(f"/api/v1/admin/users/{username}/disable", json={"reason": " "}, headers=tokens["admin"])
    assert blank.status_code == 422 and blank.json()["error"]["fields"][0]["field"] == "reason"
    own = await api.post("/api/v1/admin/users/admin/disable", json=REASON, headers=tokens["admin"])
    assert own.status_code == 409  # an admin does not lock themselves out
    missing = await api.post("/api/v1/admin/users/nobody-here/disable", json=REASON, headers=tokens["admin"])
    assert missing.status_code == 404
    no_department = await api.patch(f"/api/v1/admin/users/{username}", json={"role": "department", **REASON},
                                    headers=tokens["admin"])
    assert no_department.status_code == 422 and no_department.json()["error"]["fields"][0]["field"] == "department"
    generated = await api.post("/api/v1/admin/users", json={"username": f"g-{uuid.uuid4().hex[:6]}",
                                                            "role": "agent", **REASON}, headers=tokens["admin"])
    password = generated.json()["initial_password"]
    assert generated.status_code == 201 and len(password) >= 12
    login = await api.post("/api/v1/auth/token", data={"username": generated.json()["user"]["username"],
                                                       "password": password})
    assert login.status_code == 200


def forged(claims: dict) -> dict[str, str]:
    now = datetime.now(timezone.utc)
    token = jwt.encode({"iat": now, "exp": now + timedelta(minutes=5), "sid": "s", "ep": 0, **claims}, SECRET,
                       algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


async def test_malformed_or_unbacked_tokens_get_401_never_500(api, tokens):
    agent_id = user_id(tokens["agent"])
    cases = [
        {"sub": "abc", "name": "agent", "role": "agent"},
        {"sub": str(agent_id), "name": "agent", "role": "root"},  # a role we do not know
        {"sub": str(agent_id), "name": "agent", "role": "supervisor"},  # not what the account is
        {"sub": str(agent_id), "name": "agent", "role": "agent", "ep": 7},  # an epoch the account never had
        {"sub": "999999999", "name": "ghost", "role": "admin"},
        {"sub": str(agent_id), "name": "agent", "role": "agent", "sid": 5},
    ]
    for claims in cases:
        for path in ("/api/v1/tickets", "/api/v1/auth/session", "/api/v1/tickets/20260101000001/events"):
            response = await api.get(path, headers=forged(claims))
            assert response.status_code == 401, (claims, path, response.text)
            assert response.json()["error"]["code"] == "unauthorized"
    for header in ("Bearer", "Bearer ", "Basic abc", "Token"):
        assert (await api.get("/api/v1/tickets", headers={"Authorization": header})).status_code == 401


def user_id(headers: dict[str, str]) -> int:
    return int(jwt.decode(headers["Authorization"].split()[1], options={"verify_signature": False})["sub"])


async def test_a_page_session_is_renewed_while_used_and_keeps_its_csrf_token(api, tokens):
    from hotline.web.session import csrf_token_for

    principal = Principal(user_id(tokens["agent"]), "agent", "agent")
    ageing = issue_token(principal, secret=SECRET, ttl_minutes=5, epoch=0)  # under half the 4 h test lifetime
    csrf = csrf_token_for(ageing, secret=SECRET)
    async with httpx.AsyncClient(transport=api._transport, base_url="http://testserver") as page:
        response = await page.get("/api/v1/auth/session", headers={"Cookie": f"hotline_session={ageing}"})
    assert response.status_code == 200
    renewed = response.cookies.get("hotline_session")
    assert renewed and renewed != ageing
    claims = jwt.decode(renewed, SECRET, algorithms=["HS256"])
    assert claims["exp"] > jwt.decode(ageing, SECRET, algorithms=["HS256"])["exp"]
    assert csrf_token_for(renewed, secret=SECRET) == csrf  # the page's CSRF cookie stays valid
    # A session older than session_max_hours is not renewed: its user logs in again.
    stale_start = datetime.now(timezone.utc) - timedelta(hours=13)
    old = issue_token(principal, secret=SECRET, ttl_minutes=5, epoch=0, session_started_at=stale_start)
    async with httpx.AsyncClient(transport=api._transport, base_url="http://testserver") as page:
        response = await page.get("/api/v1/auth/session", headers={"Cookie": f"hotline_session={old}"})
    assert response.status_code == 200 and "hotline_session" not in response.cookies


async def test_an_empty_bearer_header_does_not_skip_the_csrf_check(api, tokens):
    """Item 10: a page's cookie plus `Authorization: Bearer ` (empty) used to pass as an API client."""
    principal = Principal(user_id(tokens["agent"]), "agent", "agent")
    cookie = issue_token(principal, secret=SECRET, ttl_minutes=60, epoch=0)
    async with httpx.AsyncClient(transport=api._transport, base_url="http://testserver") as page:
        for header in ("Bearer ", "Bearer", "bearer  "):
            response = await page.post("/api/v1/submissions", headers={
                "Cookie": f"hotline_session={cookie}", "Authorization": header}, json={
                "channel": "phone", "external_id": str(uuid.uuid4()), "content": "路灯坏了"})
            assert response.status_code in (401, 403), (header, response.text)


async def test_the_command_line_lists_moves_and_disables_accounts(api, tokens, shared_db_url):
    from typer.testing import CliRunner

    from hotline.cli import app

    def hotline(*args: str):
        result = CliRunner().invoke(app, ["user", *args], env={"HOTLINE_DATABASE_URL": shared_db_url})
        assert result.exit_code == 0, result.output
        return result.output

    username = await new_account(api, tokens, role="department", department="zjj")
    token = (await log_in(api, username))[username]
    moved = await asyncio.to_thread(hotline, "set", username, "--department", "zhzfj", "--reason", "moved")
    assert "department zhzfj" in moved
    await refused_within_two_seconds(api, token)
    token = (await log_in(api, username))[username]
    await asyncio.to_thread(hotline, "disable", username)
    await refused_within_two_seconds(api, token)
    listed = await asyncio.to_thread(hotline, "list")
    assert any(line.split() == [username, "department", "zhzfj", "no", "no"] for line in listed.splitlines())
    history = (await api.get(f"/api/v1/admin/users/{username}/history", headers=tokens["admin"])).json()
    assert [h["action"] for h in history] == ["disable", "set", "create"]
    assert history[0]["actor_name"].startswith("cli:") and history[1]["reason"] == "moved"
    refused = await asyncio.to_thread(CliRunner().invoke, app, ["user", "set", "nobody-at-all", "--role", "agent"],
                                      env={"HOTLINE_DATABASE_URL": shared_db_url})
    assert refused.exit_code == 1 and "not found" in refused.output


async def test_session_checks_never_wait_for_a_connection_their_request_holds(fresh_db_url, tmp_path):
    """Every request checks its token in the database: with the pool full of requests, the check must not wait
    for a connection one of them holds (that would hang every request)."""
    settings = make_settings(fresh_db_url, tmp_path, embedder="hashing", pool_min_size=1, pool_max_size=2)
    app, lifespan, client = await start_client(settings)
    try:
        headers = list((await log_in(client, "agent", "supervisor", "admin", "dept_zjj", "dept_zhzfj")).values())
        app.state.sessions.forget()  # every check goes to the database
        responses = await asyncio.wait_for(asyncio.gather(*(
            client.get("/api/v1/tickets", headers=headers[i % len(headers)]) for i in range(20))), timeout=60)
        assert {r.status_code for r in responses} == {200}
    finally:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)
