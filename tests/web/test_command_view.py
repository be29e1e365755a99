"""The supervisor's command view in a real browser: figures with targets and definitions, the charts and the
district map drawn, a drill-down to the tickets behind a number, the map filtering everything, the 红黑榜; the
wallboard updated by server push when a ticket arrives; the public ranking reached from the portal without login."""
from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from hotline.cti.service import create_token
from hotline.infra.db import connect
from tests.conftest import clone_database
from tests.web.api_steps import bearer, post_ok
from tests.web.conftest import serve


@pytest.fixture(scope="module")
async def live_server(pg_server_url, template_db, tmp_path_factory):
    """A server of its own: the month's figures and ranking count every ticket in the city, so the other browser
    tests' tickets must not be among them."""
    database_url = await clone_database(pg_server_url, template_db)
    with serve(database_url, tmp_path_factory.mktemp("command-var")) as server:
        yield server


REPLY = {"content": "已安排人员现场处理，并向来电人说明情况。"}
# Who handles what: five cases each, so every unit has enough to be ranked (feedback/definitions.py).
CASES = [
    ("zjj", "dept_zjj", "温州市鹿城区五马街道", "鹿城区五马街道解放街人行道地砖松动，雨天溅水。", "satisfied"),
    ("zhzfj", "dept_zhzfj", "温州市龙湾区永中街道", "龙湾区永中街道夜市摊贩占道经营，噪音扰民。", "satisfied"),
    ("gov-330302", "dept_gov", "温州市鹿城区南汇街道", "鹿城区南汇街道小区门口垃圾堆放多日无人清运。", "unsatisfied"),
]


async def _seed(server) -> dict[str, list[str]]:
    """Five tickets per department through the real API: filed, dispatched, signed, replied, called back."""
    numbers: dict[str, list[str]] = {}
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as api:
        agent = await bearer(api, "agent")
        for department, user, address, text, satisfaction in CASES:
            staff = await bearer(api, user)
            for i in range(5):
                number = (await post_ok(api, agent, "/api/v1/submissions", {
                    "channel": "phone", "external_id": str(uuid.uuid4()), "content": f"{text}（第{i + 1}次反映）",
                    "address": address, "citizen": {"phone": f"1390000{i:04d}"}}))["ticket_number"]
                await post_ok(api, agent, f"/api/v1/tickets/{number}/classification",
                              {"type": "complaint", "urgency": "normal", "category": "城乡建设"})
                await post_ok(api, agent, f"/api/v1/tickets/{number}/dispatch", {"department": department})
                await post_ok(api, staff, f"/api/v1/tickets/{number}/sign")
                await post_ok(api, staff, f"/api/v1/tickets/{number}/reply", REPLY)
                unhappy = satisfaction == "unsatisfied" and i < 2
                await post_ok(api, agent, f"/api/v1/tickets/{number}/callback", {
                    "reached": True, "resolved": not unhappy,
                    "satisfaction": "unsatisfied" if unhappy else "satisfied"})
                numbers.setdefault(department, []).append(number)
        # a web post the agent takes up at once: an online contact answered within 3 minutes
        web = await api.post("/api/v1/submissions", json={
            "channel": "web", "external_id": str(uuid.uuid4()), "content": "瓯海区梧田街道路灯不亮，请维修。",
            "address": "温州市瓯海区梧田街道", "citizen": {"phone": "13900001111"}})
        assert web.status_code in (200, 201), web.text
        await post_ok(api, agent, f"/api/v1/tickets/{web.json()['ticket_number']}/classification",
                      {"type": "help", "urgency": "normal"})
    return numbers


async def _new_call(server) -> str:
    async with httpx.AsyncClient(base_url=server.url) as api:
        return (await post_ok(api, await bearer(api, "agent"), "/api/v1/submissions", {
            "channel": "phone", "external_id": str(uuid.uuid4()), "content": "乐清市城南街道公交站台顶棚破损。",
            "address": "温州市乐清市城南街道"}))["ticket_number"]


async def _pbx_token(server) -> str:
    """A PBX's token, made as `hotline cti token` makes one."""
    conn = await connect(server.database_url)
    try:
        _, token = await create_token(conn, name=f"大屏测试交换机 {uuid.uuid4().hex[:6]}", note=None, actor=None)
    finally:
        await conn.close()
    return token


async def _click_on_map(page, lng: float, lat: float) -> None:
    """A real click where the map draws a place: ECharts tells the pixel of a coordinate."""
    x, y = await page.evaluate(
        "([lng, lat]) => echarts.getInstanceByDom(document.getElementById('chart-map'))"
        ".convertToPixel({geoIndex: 0}, [lng, lat])", [lng, lat])
    await page.locator("#chart-map").scroll_into_view_if_needed()
    box = await page.locator("#chart-map").bounding_box()
    await page.mouse.click(box["x"] + x, box["y"] + y)


async def test_the_command_view_its_drill_down_the_wallboard_and_the_public_ranking(open_session, live_server):
    numbers = await _seed(live_server)
    unhappy = numbers["gov-330302"][:2]

    supervisor = await open_session()
    await supervisor.login("supervisor")
    page = supervisor.page
    await page.goto(live_server.url + "/command")
    tiles = page.locator("#tiles .tile")
    await tiles.first.wait_for()
    assert await tiles.count() == 8
    satisfaction = tiles.filter(has_text="满意率")
    assert "目标 ≥ 95%" in await satisfaction.text_content()
    assert "回访评价为“满意”或“基本满意”" in await satisfaction.get_attribute("title")  # the definition on hover
    contacts = int(await tiles.filter(has_text="受理量").locator(".tile-value").text_content())
    assert contacts >= 16
    for chart in ("channels", "weekly", "categories", "online", "map"):
        await page.locator(f"#chart-{chart}[data-drawn=true] canvas").first.wait_for()
    assert await page.locator("#ranking-departments tr[data-code=zjj] .list-red").count() == 1
    zjj = page.locator("#ranking-departments tr[data-code=zjj]")
    assert "100%" in await zjj.text_content()
    # 鹿城区's units left two callers unsatisfied: 64 points, below 70, so it is on the 黑榜
    assert await page.locator("#ranking-districts tr[data-code='330302'] .list-black").count() == 1
    await supervisor.screenshot("command-view")

    # The 满意率 tile opens the 不满意 tickets behind it; 全部 shows the whole cohort.
    await satisfaction.click()
    drill = page.locator("#drill")
    await drill.locator("#drill-title", has_text="满意率 · 不满意").wait_for()
    rows = drill.locator("#drill-table tbody tr")
    await rows.first.wait_for()
    shown = await rows.locator("a.ticket-link").all_text_contents()
    assert set(unhappy) <= set(shown)
    assert await rows.first.locator("a.ticket-link").get_attribute("href") == f"/agent?ticket={shown[0]}"
    await drill.locator("#drill-parts [data-part=all]").click()
    await drill.locator("#drill-summary", has_text="共 ").wait_for()
    await page.wait_for_function("() => document.querySelectorAll('#drill-table tbody tr').length > 2")
    await supervisor.screenshot("command-drill")

    # A click on 龙湾区 on the map filters every figure and chart to it and draws its streets.
    await _click_on_map(page, 120.811213, 27.932747)
    await page.locator("#area-name", has_text="龙湾区").wait_for()
    await page.locator("#chart-streets[data-drawn=true] canvas").first.wait_for()
    await page.locator("#streets-hint", has_text="龙湾区").wait_for()
    await page.wait_for_function(
        "(before) => document.querySelector('#tiles .tile[data-figure=contacts] .tile-value').textContent !== before",
        arg=str(contacts))
    assert 5 <= int(await tiles.filter(has_text="受理量").locator(".tile-value").text_content()) < contacts
    assert await drill.is_hidden()  # the list opened for the whole city no longer stands under 龙湾区
    await supervisor.screenshot("command-district")

    # 鹿城区's row of the 红黑榜 opens the tickets its own units left a caller unsatisfied with.
    await page.locator("#ranking-districts tr[data-code='330302'] button[data-measure=satisfaction]").click()
    await drill.locator("#drill-summary", has_text="鹿城区属地单位").wait_for()
    assert set(await rows.locator("a.ticket-link").all_text_contents()) == set(unhappy)
    assert supervisor.errors == []

    # The wallboard: its numbers arrive by server push, and a new call shows without a reload or a poll.
    wall = await open_session()
    await wall.login("supervisor")
    requests: list[str] = []
    wall.page.on("request", lambda request: requests.append(request.url))
    await wall.goto("/command/wallboard")
    await wall.page.locator("#wall-status.live").wait_for()
    before = int(await wall.page.locator("#wall-contacts").text_content())
    assert await wall.page.locator("#wall-calls-sub").text_content() == "暂未接入电话系统"
    assert await wall.page.locator("#wall-districts li").count() == 12  # every district, none overdue yet
    assert await wall.page.locator("#wall-districts li.alarm").count() == 0
    api_calls_before = [u for u in requests if "/api/" in u]
    await _new_call(live_server)
    await wall.page.wait_for_function("(expected) => document.getElementById('wall-contacts').textContent === expected",
                                      arg=str(before + 1), timeout=15_000)
    assert [u for u in requests if "/api/" in u] == api_calls_before == [live_server.url + "/api/v1/command/wallboard/stream"]
    # A PBX is connected and a caller rings: the calls tile counts them waiting, pushed as the ticket was.
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        pbx = {"Authorization": "Bearer " + await _pbx_token(live_server)}
        ringing = await api.post("/api/v1/cti/events", headers=pbx, json={
            "event": "ringing", "call_id": f"wall-{uuid.uuid4().hex[:8]}", "from": "13906661234", "to": "12345"})
        assert ringing.status_code == 200, ringing.text
    await wall.page.locator("#wall-calls-sub", has_text="排队中；今日已接听 0 个").wait_for(timeout=15_000)
    assert await wall.page.locator("#wall-calls").text_content() == "1"
    assert [u for u in requests if "/api/" in u] == api_calls_before
    await asyncio.sleep(0.2)
    await wall.screenshot("wallboard")
    assert wall.errors == []

    # 公示: from the portal, without logging in; no ticket, no person.
    citizen = await open_session()
    await citizen.goto("/")
    await citizen.page.click("#ranking-link")
    await citizen.page.wait_for_url("**/ranking")
    await citizen.page.select_option("#public-month", index=0)  # this month so far
    await citizen.page.click("#public-month-form button[type=submit]")
    row = citizen.page.locator("#public-departments tbody tr", has_text="温州市住房和城乡建设局")
    await row.wait_for()
    assert "100%" in await row.text_content() and await row.locator(".list-red").count() == 1
    body = await citizen.page.locator("main").text_content()
    assert not any(number in body for number in numbers["zjj"]) and "1390000" not in body
    assert await citizen.page.locator("#public-rules li").count() >= 5
    await citizen.screenshot("public-ranking")
    assert citizen.errors == []
