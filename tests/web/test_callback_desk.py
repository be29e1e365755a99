"""The callback agent's day in a real browser: the 回访工作台 from the agent's nav, the number revealed for the
call, a satisfied callback, an unreached one with a chosen retry time, a third failure (无法回访), the SMS link
instead of a call, an unsatisfied one the supervisor sends back (重办); the supervisor's 回访率 moves."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.web.api_steps import agent_calls_back, replied_by_zjj

PHONE = "13955551234"
LANDLINE = "0577-88123456"
CHINA = ZoneInfo("Asia/Shanghai")
REFUSED_422 = "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"


async def callback_rate(page) -> float:
    value = page.locator("#callback-stats [data-metric=callback_rate] .stat-value")
    await value.filter(has_text=re.compile(r"%$")).wait_for()
    return float((await value.text_content()).rstrip("%"))


async def open_callback(page, number: str, tab: str = "due") -> None:
    await page.click(f"#desk-tabs [data-list={tab}]")
    await page.locator("#desk-table tbody tr", has_text=number).click()
    await page.locator("#desk-number", has_text=number).wait_for()


async def test_the_callback_agent_works_the_desk_and_the_supervisor_reviews(open_session, live_server):
    happy = await replied_by_zjj(live_server, "鹿城区松台街道某小区路灯不亮一周，请维修", phone=PHONE)
    no_answer = await replied_by_zjj(live_server, "瓯海区新桥街道某路口红绿灯故障", phone=PHONE)
    third = await replied_by_zjj(live_server, "龙湾区蒲州街道某小区垃圾清运不及时", phone=PHONE)
    for _ in range(2):  # two earlier calls went unanswered
        await agent_calls_back(live_server, third, reached=False)
    by_sms = await replied_by_zjj(live_server, "鹿城区五马街道某商铺占道经营", phone=PHONE)
    unhappy = await replied_by_zjj(live_server, "瓯海区梧田街道某工地夜间施工噪音扰民", phone=PHONE)
    landline = await replied_by_zjj(live_server, "鹿城区南郊街道某小区电梯故障", phone=LANDLINE)

    supervisor = await open_session()
    await supervisor.login("supervisor")
    rate_before = await callback_rate(supervisor.page)

    agent = await open_session()
    await agent.login("agent")
    page = agent.page
    await page.click("nav.topnav a:has-text('回访工作台')")
    await page.wait_for_url("**/callbacks")
    rows = page.locator("#desk-table tbody tr")
    await rows.filter(has_text=happy).wait_for()
    assert await page.locator("#desk-tabs [data-count=retry]").text_content() != "0"

    # 1. A satisfied citizen: the number is shown only through the logged reveal.
    await open_callback(page, happy)
    assert await page.locator("#desk-phone-number").text_content() == "139****1234"
    assert "已安排人员现场处理" in await page.locator("#desk-reply").text_content()
    await page.click("#dial-button")
    await page.locator("#desk-phone-link", has_text=PHONE).wait_for()
    assert await page.locator("#desk-phone-link").get_attribute("href") == f"tel:{PHONE}"
    assert await page.locator("#dial-note").is_visible()
    await agent.screenshot("callback-desk-revealed")
    await page.check("#callback-form input[name=reached][value=reached]")
    await page.check("#callback-form input[name=resolved][value=yes]")
    await page.check("#callback-form input[name=satisfaction][value=satisfied]")
    await page.fill("#callback-form [name=comment]", "路灯已经修好了，谢谢")
    await page.click("#callback-form button[type=submit]")
    await page.locator("#desk-outcome", has_text="回访已完成：满意 · 已解决").wait_for()
    await rows.filter(has_text=happy).wait_for(state="detached")

    # 2. Nobody answers: the agent sets the time to call again.
    await open_callback(page, no_answer)
    await page.check("#callback-form input[name=reached][value=unreached]")
    assert await page.input_value("#callback-form [name=retry_at]") != ""  # two hours on, prefilled
    past = datetime.now(CHINA) - timedelta(hours=1)
    await page.fill("#callback-form [name=retry_at]", past.strftime("%Y-%m-%dT%H:%M"))
    await page.click("#callback-form button[type=submit]")  # refused by the API, said in Chinese, nothing counted
    await page.locator("#toast", has_text="再拨时间（应晚于当前时间）").wait_for()
    assert await page.locator("#desk-attempts li").count() == 0
    retry = (datetime.now(CHINA) + timedelta(hours=3)).replace(second=0, microsecond=0)
    await page.fill("#callback-form [name=retry_at]", retry.strftime("%Y-%m-%dT%H:%M"))
    await page.click("#callback-form button[type=submit]")
    await page.locator("#desk-attempts li", has_text="第 1 次未接通").wait_for()
    await page.click("#desk-tabs [data-list=retry]")
    retry_row = rows.filter(has_text=no_answer)
    await retry_row.filter(has_text=retry.strftime("%H:%M")).wait_for()
    await agent.screenshot("callback-desk-retry")

    # 3. The third unanswered call: 无法回访, counted apart, off every list.
    await open_callback(page, third, tab="retry")
    assert "最后一次" in await page.locator("#retry-hint").text_content()
    await page.check("#callback-form input[name=reached][value=unreached]")
    await page.click("#callback-form button[type=submit]")
    await page.locator("#desk-outcome", has_text="无法回访：三次未接通").wait_for()
    await rows.filter(has_text=third).wait_for(state="detached")
    assert await page.locator("#callback-form").is_hidden()

    # 4. The citizen asks for an SMS instead: the callback leaves the phone list until answered or expired.
    await open_callback(page, by_sms)
    await page.click("#sms-button")
    await page.locator("#desk-outcome", has_text="已改发短信回访").wait_for()
    await rows.filter(has_text=by_sms).wait_for(state="detached")
    await page.click("#desk-tabs [data-list=sms]")
    await rows.filter(has_text=by_sms).wait_for()

    # 5. A landline cannot take the SMS; an unsatisfied citizen goes to the supervisor's review queue.
    await open_callback(page, landline)
    assert await page.locator("#sms-button").is_disabled()
    assert "固定电话收不到短信" in await page.locator("#sms-hint").text_content()
    await open_callback(page, unhappy)
    await page.check("#callback-form input[name=reached][value=reached]")
    await page.click("#callback-form button[type=submit]")  # no verdict chosen yet: said, nothing sent
    await page.locator("#toast", has_text="请选择问题是否解决").wait_for()
    await page.check("#callback-form input[name=resolved][value=no]")
    await page.check("#callback-form input[name=satisfaction][value=unsatisfied]")
    await page.fill("#callback-form [name=comment]", "晚上十一点后还在施工，没有人管")
    await page.click("#callback-form button[type=submit]")
    await page.locator("#toast", has_text="转督办中心复核").wait_for()
    await page.locator("#desk-outcome", has_text="不满意").wait_for()
    await agent.screenshot("callback-desk-unsatisfied")
    await page.click("#desk-tabs [data-list=due]")
    await rows.filter(has_text=landline).wait_for()
    await agent.screenshot("callback-desk-list")
    assert agent.errors == [REFUSED_422]  # the retry time in the past

    # The supervisor: the rate moved, the citizen's words are there, 重办 with a reason.
    spage = supervisor.page
    await spage.reload()
    rate_after = await callback_rate(spage)
    assert rate_after > rate_before
    due_rows = spage.locator("#callbacks-table tbody tr")
    go = due_rows.filter(has_text=landline).locator("a", has_text="去回访")
    assert await go.get_attribute("href") == f"/callbacks?ticket={landline}"
    await spage.click("#callback-tabs [data-status=awaiting_review]")
    review = due_rows.filter(has_text=unhappy)
    await review.locator(".cell-comment", has_text="晚上十一点后还在施工，没有人管").wait_for()
    await review.locator("button[data-review=reopen]").click()  # no reason yet
    await spage.locator("#toast", has_text="请填写复核意见").wait_for()
    await review.locator("input[name=reason]").fill("市民反映夜间施工仍未制止，请重新核查处理")
    await review.locator("button[data-review=reopen]").click()
    await review.wait_for(state="detached")
    await spage.locator("#supervision-table tbody tr", has_text=unhappy).filter(has_text="回访不满意").wait_for()
    await spage.click("#callback-tabs [data-status=not_callable]")
    await due_rows.filter(has_text=third).filter(has_text="三次未接通").wait_for()

    outbox = spage.locator("#outbox-table tbody tr[data-template=callback_link]", has_text=by_sms)
    await outbox.wait_for()
    assert await outbox.locator(".sms-recipient").text_content() == "139****1234"
    assert "待发送" in await outbox.text_content() and PHONE not in await spage.locator("#outbox-panel").text_content()
    assert await spage.locator("#outbox-no-gateway").is_visible()
    await supervisor.screenshot("supervisor-after-callbacks")
    assert supervisor.errors == []
