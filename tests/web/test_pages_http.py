"""The pages over plain HTTP: login sets a safe session, pages check the role, and the cookie cannot be ridden."""
from __future__ import annotations

import re
import uuid
from contextlib import asynccontextmanager
from typing import AsyncIterator

import httpx
import pytest

from tests.conftest import TEST_PASSWORD


def _login_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@asynccontextmanager
async def _logged_in(live_server, username: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        form = await client.get("/login")
        response = await client.post("/login", data={
            "username": username, "password": TEST_PASSWORD, "csrf_token": _login_token(form.text),
        })
        assert response.status_code == 303, response.text
        yield client


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def _call(external_id: str) -> dict:
    return {"channel": "phone", "external_id": external_id, "content": "小区门口路灯坏了一个月"}


async def test_a_page_sends_strangers_to_login(live_server):
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.get("/agent")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/agent"


@pytest.mark.parametrize(("username", "home"), [
    ("agent", "/agent"), ("dept_zjj", "/department"), ("supervisor", "/supervisor"), ("admin", "/supervisor"),
])
async def test_login_lands_on_the_role_workspace_with_a_safe_cookie(live_server, username, home):
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        form = await client.get("/login")
        response = await client.post("/login", data={
            "username": username, "password": TEST_PASSWORD, "csrf_token": _login_token(form.text),
        })
        assert response.status_code == 303
        assert response.headers["location"] == home
        cookies = _set_cookies(response)
        session = cookies["hotline_session"].lower()
        assert "httponly" in session and "samesite=strict" in session and "secure" not in session
        assert "httponly" not in cookies["hotline_csrf"].lower()
        page = await client.get(home)
    assert page.status_code == 200
    assert "退出登录" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


async def test_wrong_password_shows_the_form_again(live_server):
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        form = await client.get("/login")
        response = await client.post("/login", data={
            "username": "agent", "password": "not-the-password", "csrf_token": _login_token(form.text),
        })
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert "hotline_session" not in _set_cookies(response)


async def test_login_from_another_site_is_refused(live_server):
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.post("/login", data={"username": "agent", "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert "hotline_session" not in _set_cookies(response)


async def test_a_department_user_may_not_open_the_agent_console(live_server):
    async with _logged_in(live_server, "dept_zjj") as client:
        agent_page = await client.get("/agent")
        supervisor_page = await client.get("/supervisor")
    assert agent_page.status_code == 403 and "无权访问" in agent_page.text
    assert supervisor_page.status_code == 403


async def test_cookie_requests_need_the_csrf_header(live_server):
    async with _logged_in(live_server, "agent") as client:
        forged = await client.post("/api/v1/submissions", json=_call(str(uuid.uuid4())))
        genuine = await client.post("/api/v1/submissions", json=_call(str(uuid.uuid4())),
                                    headers={"X-CSRF-Token": client.cookies["hotline_csrf"]})
        wrong = await client.post("/api/v1/submissions", json=_call(str(uuid.uuid4())),
                                  headers={"X-CSRF-Token": "0" * 64})
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "csrf_failed"
    assert wrong.status_code == 403
    assert genuine.status_code == 201


async def test_bearer_clients_need_no_csrf_header(live_server):
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        token = (await client.post("/api/v1/auth/token",
                                   data={"username": "agent", "password": TEST_PASSWORD})).json()["access_token"]
        response = await client.post("/api/v1/submissions", json=_call(str(uuid.uuid4())),
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201


async def test_logout_ends_the_session(live_server):
    async with _logged_in(live_server, "agent") as client:
        response = await client.post("/logout", headers={"X-CSRF-Token": client.cookies["hotline_csrf"]})
        assert response.status_code == 303
        after = await client.get("/agent")
    assert after.status_code == 303 and after.headers["location"].startswith("/login")


async def test_a_stale_session_cookie_is_dropped(live_server):
    async with httpx.AsyncClient(base_url=live_server.url, cookies={"hotline_session": "a.stale.token"}) as client:
        response = await client.get("/")
    assert response.status_code == 200 and "工作人员登录" in response.text
    assert "max-age=0" in _set_cookies(response)["hotline_session"].lower()


async def test_logging_out_of_a_page_ends_the_session_even_for_a_copied_cookie(live_server):
    """Issue 19 item 3: the cookie used to stay valid for 12 hours after logout."""
    async with _logged_in(live_server, "dept_zjj") as client:
        cookie = client.cookies.get("hotline_session")
        assert (await client.get("/api/v1/auth/session")).json()["username"] == "dept_zjj"
        csrf = client.cookies.get("hotline_csrf")
        assert (await client.post("/logout", headers={"X-CSRF-Token": csrf})).status_code == 303
    async with httpx.AsyncClient(base_url=live_server.url, cookies={"hotline_session": cookie}) as copied:
        assert (await copied.get("/api/v1/auth/session")).status_code == 401
        page = await copied.get("/department")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")


async def test_the_callback_desk_is_for_the_hotlines_staff_and_in_the_agents_nav(live_server):
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        stranger = await client.get("/callbacks")
        assert stranger.status_code == 303 and stranger.headers["location"] == "/login?next=/callbacks"
        form = await client.get("/login")
        landed = await client.post("/login", data={"username": "agent", "password": TEST_PASSWORD,
                                                   "csrf_token": _login_token(form.text), "next": "/callbacks"})
        assert landed.headers["location"] == "/callbacks"  # the page asked for, not the role's home
        desk = await client.get("/callbacks")
        assert desk.status_code == 200 and "<title>回访工作台" in desk.text
        assert '<a href="/callbacks" class="active" aria-current="page">回访工作台</a>' in desk.text
        assert 'href="/callbacks"' in (await client.get("/agent")).text
    async with _logged_in(live_server, "dept_zjj") as client:
        refused = await client.get("/callbacks")
        assert refused.status_code == 403 and 'href="/callbacks"' not in (await client.get("/department")).text
