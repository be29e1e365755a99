"""The 督办 supervisor's work lists in a real browser: callbacks due and overdue, 重办 of an unsatisfied reply,
a supervision order, the period report download, the league table and a hot issue; no console errors."""
from __future__ import annotations

import re

import uuid

import asyncpg
import httpx

from tests.web.api_steps import agent_calls_back, bearer, post_ok, replied_by_zjj

PHONE = "13966665555"
# Three people report the same broken street lights in 洞头区; a fourth ticket there is about something else.
STREET_LIGHTS = [
    "洞头区北岙街道中心街路灯不亮已经一周，晚上出行很不安全，请尽快维修。",
    "洞头区北岙街道中心街路灯不亮已经一周了，晚上出行很不安全，请尽快维修路灯。",
    "洞头区北岙街道中心街的路灯不亮已经一周，晚上出行不安全，请尽快维修。",
]
RESTAURANT_SMOKE = "洞头区北岙街道某饭店油烟扰民，晚上影响居民休息，请尽快处理。"
WATER_CUT = [
    "洞头区东屏街道东岙村自来水停水三天了，生活用水困难，请尽快恢复供水。",
    "洞头区东屏街道东岙村自来水停水已经三天了，生活用水很困难，请尽快恢复供水。",
    "洞头区东屏街道东岙村停水三天了，生活用水困难，请尽快恢复自来水供水。",
]
DONGTOU = "330305"


async def _callback_due_yesterday(server, number: str) -> None:
    # Stands in for two working days passing without a call.
    conn = await asyncpg.connect(server.database_url)
    try:
        await conn.execute("UPDATE callbacks c SET due_at = now() - interval '1 day' FROM tickets t "
                           "WHERE t.id = c.ticket_id AND t.ticket_number = $1 AND c.status = 'due'", number)
    finally:
        await conn.close()


async def _web_tickets_in_dongtou(server, texts: list[str], phones: list[str]) -> list[str]:
    """Web submissions from 洞头区 by the given callers, embedded as the worker's enrich step would do it."""
    from classifier.embedders import load_embedder
    from hotline.infra.db import connect
    from hotline.intake.enrich import make_enricher

    numbers = []
    async with httpx.AsyncClient(base_url=server.url) as api:
        agent = await bearer(api, "agent")
        for text, phone in zip(texts, phones, strict=True):
            numbers.append((await post_ok(api, agent, "/api/v1/submissions", {
                "channel": "web", "external_id": str(uuid.uuid4()), "content": text,
                "address": "温州市洞头区北岙街道中心街", "citizen": {"phone": phone}}))["ticket_number"])
    enrich = make_enricher(load_embedder("hashing"))  # the live server's embedder
    conn = await connect(server.database_url)
    try:
        for number in numbers:
            await enrich(conn, await conn.fetchval("SELECT id FROM tickets WHERE ticket_number = $1", number))
    finally:
        await conn.close()
    return numbers


async def test_the_supervisor_works_callbacks_orders_reports_and_hot_issues(open_session, live_server):
    due = await replied_by_zjj(live_server, "龙湾区永中街道某小区电梯经常停运，请督促物业维修", phone=PHONE)
    late = await replied_by_zjj(live_server, "瓯海区梧田街道某路段人行道破损严重", phone=PHONE)
    await _callback_due_yesterday(live_server, late)
    unhappy = await replied_by_zjj(live_server, "鹿城区南汇街道某小区违章搭建未拆除", phone=PHONE)
    await agent_calls_back(live_server, unhappy, reached=True, resolved=False, satisfaction="unsatisfied",
                           comment="违建仍在，没有人来处理")
    # two people report the lights, one of them twice; the restaurant smoke is someone else's
    lights = await _web_tickets_in_dongtou(live_server, STREET_LIGHTS + [RESTAURANT_SMOKE],
                                           [PHONE, "13966665556", PHONE, "13966665557"])

    supervisor = await open_session()
    await supervisor.login("supervisor")
    page = supervisor.page
    callbacks = page.locator("#callbacks-table tbody tr")
    await callbacks.filter(has_text=due).wait_for()
    late_row = callbacks.filter(has_text=late)
    assert await late_row.locator(".mark-overdue", has_text="已超期").count() == 1
    assert await callbacks.filter(has_text=due).locator(".mark-overdue").count() == 0
    assert await late_row.locator("a.ticket-link").get_attribute("href") == f"/agent?ticket={late}"

    await page.click("#callback-tabs [data-status=overdue]")
    await callbacks.filter(has_text=due).wait_for(state="detached")  # the tab re-renders the list
    assert await late_row.count() == 1

    await page.click("#callback-tabs [data-status=awaiting_review]")
    review_row = callbacks.filter(has_text=unhappy)
    await review_row.locator("[data-satisfaction=unsatisfied]", has_text="不满意").wait_for()
    await review_row.locator("input[name=reason]").fill("市民反映违建仍未拆除，请重新核查处理")
    await review_row.locator("button[data-review=reopen]").click()
    await review_row.wait_for(state="detached")
    orders = page.locator("#supervision-table tbody tr")
    await orders.filter(has_text=unhappy).filter(has_text="回访不满意").wait_for()

    await page.fill("#supervision-form [name=ticket_number]", due)
    await page.fill("#supervision-form [name=note]", "电梯停运影响老人出行，请三个工作日内办结")
    await page.click("#supervision-form button[type=submit]")
    await orders.filter(has_text=due).filter(has_text="人工督办").wait_for()

    # The league table ranks departments and counts their open orders, these two included.
    await page.locator("#league-table tr[data-department=zjj] .mark-overdue").wait_for()
    async with page.expect_download() as download_info:
        await page.click("#export-csv")
    download = await download_info.value
    chosen = [await page.input_value(f"#period-form [name={end}]") for end in ("from", "to")]
    assert download.suggested_filename == f"12345热线报表_{chosen[0]}至{chosen[1]}_不分组.csv"  # the days chosen
    with open(await download.path(), encoding="utf-8-sig") as report:
        header = report.readline().strip().split(",")
        overall = dict(zip(header, report.readline().strip().split(",")))
    assert header[:3] == ["分组编码", "分组", "受理量"] and "回访率" in header
    assert re.fullmatch(r"\d+\.\d%", overall["回访率"])  # a percentage, as in the page

    await page.select_option("#hot-form [name=district]", DONGTOU)
    issue = page.locator("#hot-issues .hot-issue", has_text=lights[0])
    await issue.wait_for()
    assert await issue.locator(".hot-contacts").text_content() == "2 人反映"  # one caller twice is one voice
    assert await issue.locator(".hot-count").text_content() == "3 件"
    assert await issue.locator(".tag").text_content() == "洞头区"
    assert (await issue.locator(".hot-title").text_content()).startswith("中心街 · ")  # place · problem
    assert lights[3] not in await issue.text_content()  # the restaurant smoke is another problem
    await supervisor.screenshot("supervisor-work-lists")
    assert supervisor.errors == []


async def test_hot_issues_are_per_district_and_for_the_hotline_staff_only(live_server):
    numbers = await _web_tickets_in_dongtou(live_server, WATER_CUT, ["13966660001", "13966660002", "13966660003"])
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        agent = await bearer(api, "agent")

        async def clusters(**params) -> list[list[str]]:
            response = await api.get("/api/v1/hot-issues", params=params, headers=agent)
            assert response.status_code == 200, response.text
            return [issue["ticket_numbers"] for issue in response.json()]

        assert sorted(numbers) in [sorted(c) for c in await clusters(days=7, district=DONGTOU)]
        assert sorted(numbers) in [sorted(c) for c in await clusters(district="")]  # the whole city
        assert not any(set(numbers) & set(c) for c in await clusters(district="330381"))  # 瑞安市
        bad = await api.get("/api/v1/hot-issues", params={"district": "洞头"}, headers=agent)
        assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "district"
        department = await api.get("/api/v1/hot-issues", headers=await bearer(api, "dept_zjj"))
        assert department.status_code == 403
