"""A 举报 in the browser (issue 19 item 1): the agent checks and corrects what the department will see, dispatches;
the department opens the ticket and searches, and no trace of the reporter is anywhere on its page. An agent's
search by the reporter's number leaves a confidential ticket out until a reason is given."""
from __future__ import annotations

import uuid

import httpx

from tests.web.api_steps import bearer, post_ok

NAME, PHONE, ID_NUMBER = "张伟", "13857712345", "330302199001011235"
HIDDEN = [NAME, "张*", "张先生", PHONE, "138****", "2345", ID_NUMBER, "1235", "19900101", "3单元", "502室"]


async def web_report(server) -> str:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as api:  # the first 举报 loads the redactor
        return (await post_ok(api, {}, "/api/v1/submissions", {
            "channel": "web", "external_id": str(uuid.uuid4()), "title": "张先生举报违章搭建",
            "citizen": {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER, "confidential": True},
            "content": f"我叫{NAME}，身份证号{ID_NUMBER}，电话{PHONE}，住解放街88号3单元502室。"
                       "举报解放街90号一楼店面违章搭建，夜里施工，请查处。"}))["ticket_number"]


def leaks(html: str) -> list[str]:
    return [hidden for hidden in HIDDEN if hidden in html]


async def page_leaks(page, typed: str = "") -> list[str]:
    """Traces of the reporter in the workspace's HTML (the header's 12345 brand aside, and what the department
    typed in its own search box), and in the whole page the full name, phone and ID number."""
    main = await page.locator("main").inner_html()
    whole = await page.content()
    if typed:
        main, whole = main.replace(f"“{typed}”", ""), whole.replace(f"“{typed}”", "")
        main = main.replace(f'value="{typed}"', "")
    return leaks(main) + [h for h in (NAME, PHONE, ID_NUMBER) if h in whole]


async def test_a_department_finds_no_trace_of_the_reporter_in_its_pages(open_session, live_server):
    number = await web_report(live_server)

    agent = await open_session()
    await agent.login("agent")
    page = agent.page
    await page.goto(f"{live_server.url}/agent?ticket={number}")
    await page.locator("#detail-number", has_text=number).wait_for()
    await page.select_option("#classify-form [name=type]", "report")
    # the classification, the ticket's reload and then its copy: three round trips, slow on a loaded machine
    async with page.expect_response(lambda response: response.url.endswith("/department-copy"), timeout=30_000):
        await page.click("#classify-form button[type=submit]")  # the page shows the ticket again, with its copy
    copy = page.locator("#copy-form")
    await page.wait_for_function("document.querySelector('#copy-form [name=content]').value.length > 0")
    content = await copy.locator("[name=content]").input_value()
    assert "【姓名】" in content and "【证件号】" in content and "【电话】" in content and "【住址】" in content
    assert leaks(content) == [] and "解放街90号" in content
    await copy.locator("[name=content]").fill(content + "施工多在晚上十点以后。")
    await copy.locator("button[type=submit]").click()
    await page.locator("#copy-edited", has_text="已由 agent").wait_for()
    assert (await copy.locator("[name=content]").input_value()).endswith("施工多在晚上十点以后。")
    await agent.screenshot("agent-department-copy")
    await page.select_option("#dispatch-form [name=department]", "zjj")
    await page.fill("#dispatch-form [name=note]", f"请核实，来电人{NAME}")
    await page.click("#dispatch-form button[type=submit]")
    await page.locator("#detail-status", has_text="待签收").wait_for()
    assert agent.errors == []

    department = await open_session()
    await department.login("dept_zjj")
    inbox = department.page
    row = inbox.locator("#inbox-table tbody tr", has_text=number)
    await row.click()
    await inbox.locator("#detail-number", has_text=number).wait_for()
    await inbox.locator("#detail-timeline .timeline-action", has_text="派单").wait_for()
    await inbox.locator("#detail-fields", has_text="（举报人信息已保护）").wait_for()
    shown = await inbox.locator("#detail-content").text_content()
    assert "解放街90号" in shown and "施工多在晚上十点以后。" in shown
    assert await page_leaks(inbox) == []
    await department.screenshot("department-report-protected")

    for q in (NAME, "2345", "502室", "张"):
        await inbox.fill("#inbox-q", q)
        await inbox.press("#inbox-q", "Enter")
        await inbox.locator("#inbox-search-note", has_text=f"查询“{q}”").wait_for()
        assert await inbox.locator("#inbox-table tbody tr", has_text=number).count() == 0, q
        assert await page_leaks(inbox, typed=q) == []
    await inbox.locator("#inbox-empty", has_text="没有符合查询的工单").wait_for()
    await department.screenshot("department-search-finds-nothing-hidden")
    await inbox.fill("#inbox-q", "解放街90号")
    await inbox.press("#inbox-q", "Enter")
    await inbox.locator("#inbox-table tbody tr", has_text=number).wait_for()
    await department.screenshot("department-search-reported-place")
    assert department.errors == []

    # The agent's search by the reporter's phone: the confidential ticket waits for a reason.
    await page.fill("#search-q", PHONE)
    await page.press("#search-q", "Enter")
    await page.locator("#withheld-note", has_text="1 张保密工单").wait_for()
    assert await page.locator("#search-results tbody tr", has_text=number).count() == 0
    await agent.screenshot("agent-number-search-withheld")
    await page.fill("#withheld-reason", "来电人查询本人举报进展")
    await page.click("#withheld-form button[type=submit]")
    await page.locator("#search-results tbody tr", has_text=number).wait_for()
    assert agent.errors == []
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        rows = (await api.get("/api/v1/audit/pii-access", params={"ticket_number": number},
                              headers=await bearer(api, "supervisor"))).json()
    assert ("search", "agent", "来电人查询本人举报进展") in [(r["kind"], r["actor_username"], r["reason"]) for r in rows]
