"""In a real browser: a 督办单 issued by the supervisor reaches the department's inbox with a badge, is answered
(反馈), escalated, answered again and closed (办结); and the extension rules (one open request, a rejection
needs a reason, a further request shows the approver the first)."""
from __future__ import annotations

import httpx

from tests.web.api_steps import bearer, dispatched_to_zjj, post_ok, zjj_does

REFUSED_422 = "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
REFUSED_409 = "Failed to load resource: the server responded with a status of 409 (Conflict)"


async def signed_by_zjj(server, content: str) -> str:
    number = await dispatched_to_zjj(server, content, phone="13911112222")
    await zjj_does(server, number, ("sign", None))
    return number


async def badge_count(page) -> int:
    badge = page.locator("#orders-badge")
    if await badge.is_hidden():
        return 0
    return int((await badge.text_content()).removeprefix("督办 "))


async def test_a_supervision_order_is_answered_escalated_and_closed(open_session, live_server):
    number = await signed_by_zjj(live_server, "鹿城区大南街道某小区地下车库积水严重，多次反映未解决")

    supervisor = await open_session()
    await supervisor.login("supervisor")
    spage = supervisor.page
    await spage.fill("#supervision-form [name=ticket_number]", number)
    await spage.fill("#supervision-form [name=note]", "积水已影响居民出行，请两个工作日内反馈处置情况")
    await spage.select_option("#supervision-form [name=working_days]", "2")
    await spage.click("#supervision-form button[type=submit]")
    order_row = spage.locator("#supervision-table tbody tr", has_text=number)
    await order_row.filter(has_text="人工督办").filter(has_text="一般督办").filter(has_text="待反馈").wait_for()

    department = await open_session()
    await department.login("dept_zjj")
    page = department.page
    rows = page.locator("#orders-table tbody tr", has_text=number)
    await rows.wait_for()
    before = await badge_count(page)
    assert before >= 1 and before == await page.locator("#orders-table tbody tr[data-status=open]").count()
    await rows.click()
    box = page.locator(".order-box")
    await box.locator("[data-field=note]", has_text="积水已影响居民出行").wait_for()
    assert await box.locator("[data-field=level]").text_content() == "一般督办"
    await box.locator("textarea[name=answer]").fill("   ")  # blank: the API says why, nothing is recorded
    await box.locator("button[type=submit]").click()
    await page.locator("#toast", has_text="反馈内容（不能为空）").wait_for()
    await box.locator("textarea[name=answer]").fill("已组织物业抽排积水并疏通排水管，明日复查后回复来电人")
    await box.locator("button[type=submit]").click()
    await page.locator("#toast", has_text="督办单已反馈").wait_for()
    await box.locator("[data-field=answered]", has_text="待督办中心审核").wait_for()
    await page.locator("#detail-timeline .timeline-action", has_text="督办反馈").wait_for()
    assert await badge_count(page) == before - 1
    await department.screenshot("department-supervision-answered")

    await spage.click("#supervision-tabs [data-status=answered]")
    answered = spage.locator("#supervision-table tbody tr", has_text=number)
    await answered.filter(has_text="已组织物业抽排积水").wait_for()
    await answered.locator("button[data-order=escalate]").click()  # no reason yet
    await spage.locator("#toast", has_text="升级督办须填写理由").wait_for()
    await answered.locator("input[name=order_note]").fill("反馈未说明排水管何时修复，请单位负责人督办")
    await answered.locator("button[data-order=escalate]").click()
    await answered.wait_for(state="detached")  # open again: the department answers at the next level

    await page.reload()
    await rows.click()
    await box.locator("[data-field=level]", has_text="重点督办").wait_for()
    await page.locator("#detail-timeline .timeline-detail", has_text="抄送承办单位主要负责人").wait_for()
    await box.locator("textarea[name=answer]").fill("排水管已于今日修复，经复查车库无积水")
    await box.locator("button[type=submit]").click()
    await page.locator("#toast", has_text="督办单已反馈").wait_for()

    await spage.click("#supervision-tabs [data-status=answered]")
    await answered.filter(has_text="排水管已于今日修复").filter(has_text="重点督办").wait_for()
    await supervisor.screenshot("supervisor-supervision-answered")
    await answered.locator("input[name=order_note]").fill("反馈属实，同意办结")
    await answered.locator("button[data-order=close]").click()
    await answered.wait_for(state="detached")
    await spage.click("#supervision-tabs [data-status=closed]")
    await spage.locator("#supervision-table tbody tr", has_text=number).filter(has_text="已办结").wait_for()

    await page.reload()
    await page.locator("#orders-table tbody tr, #orders-empty:not([hidden])").first.wait_for()
    assert await page.locator("#orders-table tbody tr", has_text=number).count() == 0
    assert department.errors == [REFUSED_422] and supervisor.errors == []  # the blank answer, refused


async def test_the_extension_rules_in_the_pages(open_session, live_server):
    number = await signed_by_zjj(live_server, "瓯海区娄桥街道某河道漂浮垃圾较多，需协调清理")
    department = await open_session()
    await department.login("dept_zjj")
    page = department.page
    await page.locator("#inbox-table tbody tr", has_text=number).click()
    form = page.locator("#extension-form")
    assert "同一时间只能有一份" in await form.text_content()
    await form.locator("[name=working_days]").fill("5")
    await form.locator("[name=reason]").fill("需等待水利部门联合清理方案")
    await form.locator("button[type=submit]").click()
    pending = page.locator("#extension-pending")
    await pending.filter(has_text="申请 5 个工作日").wait_for()
    assert await form.is_hidden()  # one open request: the form gives way to it

    supervisor = await open_session()
    await supervisor.login("supervisor")
    spage = supervisor.page
    request = spage.locator("#extensions-table tbody tr", has_text=number)
    await request.locator("button[data-decision=reject]").click()  # no reason: refused by the API, said in Chinese
    await spage.locator("#toast", has_text="驳回延期申请必须填写审批意见").wait_for()
    assert await request.count() == 1
    await request.locator("input[name=note]").fill("同意，请按期办结")
    await request.locator("button[data-decision=approve]").click()
    await request.wait_for(state="detached")

    await page.reload()
    await page.locator("#inbox-table tbody tr", has_text=number).click()
    await page.locator("#extension-state", has_text="已批准延期").wait_for()
    assert await form.is_visible()
    # Meanwhile a colleague asks again from another screen; this stale form's request is refused in Chinese.
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        await post_ok(api, await bearer(api, "dept_zjj"), f"/api/v1/tickets/{number}/extension-requests",
                      {"working_days": 3, "reason": "清理船只调度延迟"})
    await form.locator("[name=working_days]").fill("2")
    await form.locator("[name=reason]").fill("再申请两天")
    await form.locator("button[type=submit]").click()
    await page.locator("#toast", has_text="该工单已有一份延期申请待审批").wait_for()
    await pending.filter(has_text="清理船只调度延迟").wait_for()  # the page now shows the colleague's request
    assert await form.is_hidden()

    await spage.reload()
    second = spage.locator("#extensions-table tbody tr", has_text=number)
    await second.filter(has_text="清理船只调度延迟").wait_for()
    earlier = second.locator(".earlier-extensions li")
    assert await earlier.count() == 1
    assert "申请 5 个工作日，理由：需等待水利部门联合清理方案" in await earlier.text_content()
    await supervisor.screenshot("supervisor-second-extension")
    await department.screenshot("department-extension-approved")
    assert department.errors == [REFUSED_409] and supervisor.errors == [REFUSED_422]  # the refusals above
