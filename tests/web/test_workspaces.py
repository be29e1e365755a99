"""Each workspace's main journey in a real browser against the live server, with no console errors."""
from __future__ import annotations

import re
from pathlib import Path

import asyncpg

from tests.web.api_steps import dispatched_to_zjj, zjj_does
from tests.web.console_steps import choose_category, choose_department

CALLER_PHONE = "13912345678"
ECHARTS = Path(__file__).resolve().parents[2] / "hotline" / "web" / "static" / "vendor" / "echarts.min.js"
TICKET_NUMBER = re.compile(r"^\d{14}$")


async def test_agent_files_and_dispatches_then_the_department_signs_and_replies(open_session, live_server):
    agent = await open_session()
    await agent.login("agent")
    page = agent.page
    assert page.url.endswith("/agent")
    assert await page.evaluate("document.activeElement.name") == "content"  # autofocus: the agent types at once

    await page.fill("#call-form [name=name]", "王建国")
    await page.fill("#call-form [name=phone]", CALLER_PHONE)
    await page.fill("#call-form [name=address]", "鹿城区五马街道解放街12号")
    await page.fill("#call-form [name=title]", "小区楼道墙皮大面积脱落")
    await page.fill("#call-content", "来电人反映所住小区楼道墙皮大面积脱落，存在安全隐患，要求物业和主管部门尽快维修。")
    await page.press("#call-content", "Control+Enter")
    number_box = page.locator("#detail-number")
    await number_box.wait_for()
    number = (await number_box.text_content()).strip()
    assert TICKET_NUMBER.match(number)
    assert await page.locator("#detail-status").text_content() == "已受理"

    await page.select_option("#classify-form [name=type]", "complaint")
    await choose_category(page, "#classify-category", "城乡建设/安全生产")
    await page.click("#classify-form button[type=submit]")
    await page.locator("#detail-type", has_text="投诉").wait_for()
    await page.locator("#detail-fields", has_text="城乡建设/安全生产").wait_for()

    await choose_department(page, "#lead-picker", "zjj", "zjj")
    await page.fill("#dispatch-form [name=note]", "请核实楼道安全隐患")
    await page.click("#dispatch-form button[type=submit]")
    await page.locator("#detail-status", has_text="待签收").wait_for()
    await page.locator("#detail-timeline .timeline-action", has_text="派单").wait_for()

    await page.fill("#search-q", number)
    await page.press("#search-q", "Enter")
    await page.locator("#search-results tbody tr", has_text=number).wait_for()
    await agent.screenshot("agent-console")
    assert agent.errors == []

    emergency = await dispatched_to_zjj(live_server, "鹿城区某小区燃气管道漏气，楼道有明显气味", urgency="emergency")
    late = await dispatched_to_zjj(live_server, "瓯海区某路段窨井盖缺失，夜间行人易跌落")
    await _let_sign_deadline_pass(live_server, late)

    department = await open_session()
    await department.login("dept_zjj")
    inbox = department.page
    assert inbox.url.endswith("/department")
    rows = inbox.locator("#inbox-table tbody tr")
    await rows.filter(has_text=number).wait_for()
    assert await rows.nth(0).get_attribute("data-number") == late  # the most urgent deadline comes first
    assert await rows.filter(has_text=late).get_attribute("data-deadline") == "overdue"
    await rows.filter(has_text=late).locator(".mark-overdue", has_text="已超时").wait_for()
    assert await rows.filter(has_text=emergency).get_attribute("data-deadline") == "warning"  # signs within 30 min
    await rows.filter(has_text=emergency).locator(".mark-warning", has_text="即将超时").wait_for()
    row = rows.filter(has_text=number)
    await row.click()
    await inbox.locator("#detail-number", has_text=number).wait_for()
    assert CALLER_PHONE not in await inbox.locator("#detail-fields").text_content()  # citizen data stays masked
    await department.screenshot("department-inbox")

    await inbox.click("#sign-button")
    await inbox.locator("#detail-status", has_text="办理中").wait_for()
    await inbox.fill("#reply-form [name=content]", "已联系物业完成楼道墙面修补，并向来电人说明情况。")
    await inbox.click("#reply-form button[type=submit]")
    await inbox.locator("#detail-status", has_text="已答复").wait_for()
    await inbox.click("#inbox-tabs [data-filter=all]")
    await department.screenshot("department-replied")
    assert department.errors == []


async def test_the_public_files_a_ticket_and_sees_its_number(open_session):
    citizen = await open_session()
    await citizen.goto("/")
    page = citizen.page
    await page.fill("#file-form [name=phone]", "13800001111")
    await page.fill("#file-form [name=address]", "瓯海区娄桥街道")
    await page.fill("#file-form [name=content]", "建议在娄桥街道古岸头公交站增设遮雨棚，雨天候车不便。")
    await page.click("#file-submit")
    await page.locator("#file-result").wait_for()
    number = (await page.locator("#filed-ticket-number").text_content()).strip()
    assert TICKET_NUMBER.match(number)
    assert await page.locator("#lookup-form [name=ticket_number]").input_value() == number
    assert await page.locator("#chat-panel").count() == 1
    await citizen.screenshot("public-portal")
    assert citizen.errors == []


async def _pending_extension(server) -> str:
    number = await dispatched_to_zjj(server, "龙湾区永中街道某工地夜间施工噪音扰民")
    await zjj_does(server, number, ("sign", None),
                   ("extension-requests", {"working_days": 3, "reason": "需协调多个部门联合执法"}))
    return number


async def _let_sign_deadline_pass(server, number: str) -> None:
    # Stands in for two working hours going by: the page must mark the ticket as overdue.
    conn = await asyncpg.connect(server.database_url)
    try:
        await conn.execute("UPDATE tickets SET sign_by = now() - interval '1 hour' WHERE ticket_number = $1", number)
    finally:
        await conn.close()


async def test_the_supervisor_sees_the_charts_and_approves_a_pending_extension(open_session, live_server):
    assert ECHARTS.exists(), "the supervisor's charts need ECharts: run `make install` (npm ci copies it)"
    number = await _pending_extension(live_server)
    supervisor = await open_session()
    await supervisor.login("supervisor")
    page = supervisor.page
    assert page.url.endswith("/supervisor")
    row = page.locator("#extensions-table tbody tr", has_text=number)
    await row.wait_for()
    await page.locator("#overview-stats .stat").first.wait_for()
    await page.locator("#status-chart canvas").wait_for()  # ECharts, served by the app itself
    await page.locator("#metrics-charts canvas").wait_for()
    await page.locator("#metrics-note", has_text="目标：回访率 100%").wait_for()
    await supervisor.screenshot("supervisor-dashboard")
    await row.locator("input[name=note]").fill("同意延期，请按期办结")
    await row.locator("button[data-decision=approve]").click()
    await row.wait_for(state="detached")
    await page.click("#logout-button")
    await page.wait_for_url("**/login")
    await supervisor.screenshot("login")
    assert supervisor.errors == []
