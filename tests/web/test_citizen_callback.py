"""The citizen's one-time callback link in a real browser: answer once, see it counted, and a second or an
unknown link explained in plain Chinese; no console errors."""
from __future__ import annotations

from tests.web.api_steps import callback_link, replied_by_zjj

PHONE = "13788889999"


async def test_the_citizen_answers_the_callback_link_once(open_session, live_server):
    number = await replied_by_zjj(live_server, "鹿城区五马街道某商铺占道经营，影响行人通行", phone=PHONE)
    token = await callback_link(live_server, number)

    citizen = await open_session()
    await citizen.goto(f"/callback/{token}")
    page = citizen.page
    assert await page.locator("#callback-number").text_content() == number
    await page.locator("#callback-reply", has_text="已安排人员现场处理").wait_for()
    await page.check("#callback-form input[name=resolved][value=yes]")
    await page.check("#callback-form input[name=satisfaction][value=basically_satisfied]")
    await page.fill("#callback-form [name=comment]", "处理及时，希望加强日常巡查")
    await citizen.screenshot("citizen-callback")
    await page.click("#callback-form button[type=submit]")
    await page.locator("#callback-thanks").wait_for()
    assert await page.locator("#callback-form").is_hidden()

    await citizen.goto(f"/callback/{token}")  # the SMS opened again
    await page.locator("#callback-answered", has_text="已完成评价").wait_for()
    assert await page.locator("#callback-form").count() == 0
    await citizen.screenshot("citizen-callback-answered")
    await citizen.goto("/callback/" + "x" * 32)  # a mistyped or forged link
    await page.locator("#callback-invalid", has_text="链接无效").wait_for()
    assert citizen.errors == []

    supervisor = await open_session()
    await supervisor.login("supervisor")
    await supervisor.page.click("#callback-tabs [data-status=done]")
    row = supervisor.page.locator("#callbacks-table tbody tr", has_text=number)
    await row.locator("[data-satisfaction=basically_satisfied]", has_text="基本满意").wait_for()
    assert "已解决" in await row.text_content() and "市民评价链接" in await row.text_content()
    assert supervisor.errors == []
