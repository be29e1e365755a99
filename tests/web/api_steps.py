"""Setup steps done through the JSON API, so a browser test starts from the state a page must show."""
from __future__ import annotations

import uuid

import httpx

from tests.conftest import TEST_PASSWORD


async def bearer(api: httpx.AsyncClient, username: str) -> dict[str, str]:
    token = await api.post("/api/v1/auth/token", data={"username": username, "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


async def post_ok(api: httpx.AsyncClient, headers: dict[str, str], path: str, body: dict | None = None) -> dict:
    response = await api.post(path, headers=headers, json=body)
    assert response.status_code in (200, 201), (path, response.text)
    return response.json()


async def file_call(server, content: str, *, phone: str | None = None) -> str:
    """A phone call registered by an agent; returns its ticket number."""
    async with httpx.AsyncClient(base_url=server.url) as api:
        agent = await bearer(api, "agent")
        return (await post_ok(api, agent, "/api/v1/submissions", {
            "channel": "phone", "external_id": str(uuid.uuid4()), "content": content, "citizen": {"phone": phone},
        }))["ticket_number"]


async def dispatch_to_zjj(server, number: str, *, urgency: str = "normal") -> None:
    async with httpx.AsyncClient(base_url=server.url) as api:
        agent = await bearer(api, "agent")
        await post_ok(api, agent, f"/api/v1/tickets/{number}/classification", {"type": "complaint", "urgency": urgency})
        await post_ok(api, agent, f"/api/v1/tickets/{number}/dispatch", {"department": "zjj"})


async def dispatched_to_zjj(server, content: str, *, urgency: str = "normal", phone: str | None = None) -> str:
    """A call filed, classified and dispatched to zjj."""
    number = await file_call(server, content, phone=phone)
    await dispatch_to_zjj(server, number, urgency=urgency)
    return number


async def zjj_does(server, number: str, *steps: tuple[str, dict | None]) -> None:
    """The zjj department's steps on its ticket, e.g. ("sign", None), ("reply", {"content": ...})."""
    async with httpx.AsyncClient(base_url=server.url) as api:
        department = await bearer(api, "dept_zjj")
        for action, body in steps:
            await post_ok(api, department, f"/api/v1/tickets/{number}/{action}", body)


async def replied_by_zjj(server, content: str, *, phone: str) -> str:
    """A call dispatched to zjj, signed and replied: its callback is now due."""
    number = await dispatched_to_zjj(server, content, phone=phone)
    await zjj_does(server, number, ("sign", None), ("reply", {"content": "已安排人员现场处理，并向来电人说明情况。"}))
    return number


async def agent_calls_back(server, number: str, **outcome) -> None:
    """An agent's callback call, e.g. reached=True, resolved=False, satisfaction="unsatisfied"."""
    async with httpx.AsyncClient(base_url=server.url) as api:
        await post_ok(api, await bearer(api, "agent"), f"/api/v1/tickets/{number}/callback", outcome)


async def callback_link(server, number: str) -> str:
    """The one-time token an agent sends the citizen (by SMS) to answer the callback on the web."""
    async with httpx.AsyncClient(base_url=server.url) as api:
        return (await post_ok(api, await bearer(api, "agent"), f"/api/v1/tickets/{number}/callback-link"))["token"]
