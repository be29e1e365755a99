"""工作日历 on the supervisor dashboard in a real browser: the warning for a year whose statutory holidays are unknown,
a typhoon day set and listed with its reason and history, then removed; the open tickets' deadlines shifted over a
typhoon day (时限顺延) and the shift in a ticket's timeline; no console errors."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from hotline.calendar_days.service import statutory_known
from tests.web.api_steps import bearer, dispatched_to_zjj

THIS_YEAR = datetime.now(ZoneInfo("Asia/Shanghai")).year
NEXT_YEAR = THIS_YEAR + 1
# Far enough ahead that no other browser test's deadline reaches it: the live server's database is shared.
TYPHOON_DAY = f"{NEXT_YEAR}-12-30"


async def _set_days(server, year: int) -> list[dict]:
    async with httpx.AsyncClient(base_url=server.url) as api:
        response = await api.get("/api/v1/calendar/days", params={"year": year}, headers=await bearer(api, "agent"))
    assert response.status_code == 200, response.text
    return response.json()["days"]


async def test_a_typhoon_day_is_set_listed_and_removed_below_the_unknown_year_warning(open_session, live_server):
    supervisor = await open_session()
    await supervisor.login("supervisor")
    page = supervisor.page
    panel = page.locator("#calendar-panel")
    await panel.get_by_role("heading", name="工作日历").wait_for()

    unknown = [year for year in (THIS_YEAR, NEXT_YEAR) if not statutory_known(year)]
    warnings = panel.locator("#calendar-warnings [role=alert]")
    if unknown:
        await warnings.first.wait_for()
    texts = await warnings.all_text_contents()
    assert [text.split("，")[0] for text in texts] == [f"{year}年放假调休安排尚未录入" for year in unknown]
    for year, text in zip(unknown, texts):
        assert f"{year}年放假调休安排尚未录入，期限按周一至周五（扣除元旦、春节等法定节日当天）计算" in text

    await page.fill("#calendar-form [name=date]", TYPHOON_DAY)
    await page.select_option("#calendar-form [name=kind]", "holiday")
    await page.fill("#calendar-form [name=reason]", "台风停工")
    await page.click("#calendar-form button[type=submit]")
    row = panel.locator(f"#calendar-table tbody tr[data-date='{TYPHOON_DAY}']")
    await row.wait_for()
    assert await page.input_value("#calendar-year-form [name=year]") == str(NEXT_YEAR)  # the day's year is shown
    cells = await row.locator("td").all_text_contents()
    assert cells[0] == TYPHOON_DAY and cells[2] == "休息日" and cells[4] == "台风停工" and cells[5] == "supervisor"
    assert [(d["date"], d["kind"], d["reason"]) for d in await _set_days(live_server, NEXT_YEAR)] == [
        (TYPHOON_DAY, "holiday", "台风停工")]
    await page.click("#calendar-history-box summary")
    history = panel.locator(f"#calendar-history tbody tr[data-date='{TYPHOON_DAY}']")
    assert await history.count() == 1
    assert "台风停工" in await history.first.text_content()
    await supervisor.screenshot("supervisor-calendar")

    await row.locator("input[name=reason]").fill("台风转向，照常上班")
    await row.get_by_role("button", name="取消设定").click()
    await row.wait_for(state="detached")
    assert await _set_days(live_server, NEXT_YEAR) == []
    await history.nth(1).wait_for()
    actions = [await history.nth(i).get_attribute("data-action") for i in range(2)]
    assert actions == ["remove", "set"]  # latest first
    assert supervisor.errors == []


async def test_a_supervisor_shifts_the_open_tickets_deadlines_over_a_typhoon_day_and_the_timeline_shows_it(
        open_session, live_server):
    number = await dispatched_to_zjj(live_server, "鹿城区五马街道解放街积水严重，请尽快排水。")
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        before = (await api.get(f"/api/v1/tickets/{number}", headers=await bearer(api, "supervisor"))).json()
    # The day the ticket must be signed on (today or the next working day): its clock runs over it.
    day = datetime.fromisoformat(before["sign_by"]).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()

    supervisor = await open_session()
    await supervisor.login("supervisor")
    page = supervisor.page
    panel = page.locator("#calendar-panel")
    await page.fill("#calendar-form [name=date]", day)
    await page.select_option("#calendar-form [name=kind]", "holiday")
    await page.fill("#calendar-form [name=reason]", "台风停工")
    await page.click("#calendar-form button[type=submit]")
    row = panel.locator(f"#calendar-table tbody tr[data-date='{day}']")
    await row.get_by_role("button", name="顺延在办工单时限").click()
    confirm = panel.locator(f"#calendar-table tbody tr[data-shift-for='{day}']")
    assert "不顺延" in await confirm.text_content()
    await confirm.get_by_role("button", name="确认顺延").click()  # no reason yet: refused before any request
    toast = page.locator("#toast")
    assert await toast.text_content() == "请填写顺延理由（记入每张工单和变更记录）。"
    await confirm.locator("input[name=shift-reason]").fill("台风停工，在办工单时限顺延")
    await supervisor.screenshot("supervisor-calendar-shift-confirm")
    await confirm.get_by_role("button", name="确认顺延").click()
    await row.locator("[data-shifted]").wait_for()
    assert re.fullmatch(r"已顺延 [1-9]\d* 张工单的时限", await toast.text_content())
    assert await row.get_by_role("button", name="顺延在办工单时限").count() == 0
    assert await confirm.count() == 0
    await supervisor.screenshot("supervisor-calendar-shifted")

    async with httpx.AsyncClient(base_url=live_server.url) as api:
        after = (await api.get(f"/api/v1/tickets/{number}", headers=await bearer(api, "supervisor"))).json()
    assert datetime.fromisoformat(after["sign_by"]) > datetime.fromisoformat(before["sign_by"])
    await supervisor.goto(f"/agent?ticket={number}")
    shifted = page.locator("#detail-timeline .timeline-item.action-deadline_shifted")
    await shifted.wait_for()
    assert await shifted.locator(".timeline-action").text_content() == "时限顺延"
    detail = await shifted.locator(".timeline-detail").text_content()
    assert "签收时限" in detail and "办结时限" in detail and " → " in detail and "台风停工，在办工单时限顺延" in detail

    # Removing the day (allowed after a shift) keeps the moved deadlines.
    await supervisor.goto("/supervisor")
    await row.locator("input[name=reason]").fill("台风已过")
    await row.get_by_role("button", name="取消设定").click()
    await row.wait_for(state="detached")
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        kept = (await api.get(f"/api/v1/tickets/{number}", headers=await bearer(api, "supervisor"))).json()
    assert kept["sign_by"] == after["sign_by"]
    assert supervisor.errors == []
