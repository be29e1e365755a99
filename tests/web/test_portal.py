"""The public portal: the self-service chat asks which sub-item and then lists the materials, offers a ticket
when it has no answer, and the lookup shows a ticket's progress only with the right phone digits."""
from __future__ import annotations

from tests.web.api_steps import dispatched_to_zjj, zjj_does

PHONE = "13988887777"
REPLY = "已安排人员清理楼道堆放杂物，并在楼道张贴消防安全提示。"


async def _ask(page, question: str) -> None:
    await page.fill("#chat-form [name=message]", question)
    await page.press("#chat-form [name=message]", "Enter")


async def test_the_chat_asks_which_sub_item_then_lists_the_materials(open_session):
    citizen = await open_session()
    await citizen.goto("/")
    page = citizen.page
    await _ask(page, "办身份证要带什么")
    chips = page.locator("#chat-log .chat-assistant").last.locator(".chip")
    await chips.filter(has_text="补领").wait_for()
    assert {"首次申领", "换领", "补领"} <= set(await chips.all_text_contents())
    conversation = await page.evaluate("sessionStorage.getItem('hotline.chat.conversation')")
    assert conversation

    await chips.filter(has_text="补领").click()
    answer = page.locator("#chat-log .chat-assistant").nth(2)
    await answer.locator(".chat-text", has_text="补领").wait_for()
    assert await page.locator("#chat-log .chat-citizen").last.text_content() == "补领"
    reply_text = await answer.locator(".chat-text").text_content()
    assert "需要准备以下材料" in reply_text and "身份核验" in reply_text  # the first question asked what to bring
    assert await page.evaluate("sessionStorage.getItem('hotline.chat.conversation')") == conversation

    await _ask(page, "火星移民签证怎么办理")
    offer = page.locator("#chat-log .chat-offer")
    await offer.wait_for()
    await offer.click()
    assert await page.locator("#file-form [name=content]").input_value() == "火星移民签证怎么办理"
    await citizen.screenshot("public-chat")
    assert citizen.errors == []


async def test_the_chat_answers_an_id_card_renewal_in_the_citizens_own_words(open_session):
    citizen = await open_session()
    await citizen.goto("/")
    page = citizen.page
    # no 换领, no 材料: an expiry date, a typo (身分证) and 带些啥 say what is meant
    await _ask(page, "你好，我身分证下个月就到期了，要去派出所换个新的，得带些啥？")
    answer = page.locator("#chat-log .chat-assistant").last.locator(".chat-text", has_text="换领")
    await answer.wait_for()
    reply = await answer.text_content()
    assert "居民身份证申领（换领）" in reply and "需要准备以下材料" in reply and "原居民身份证" in reply
    assert await page.locator("#chat-log .chat-offer").count() == 0  # answered, no ticket offered
    await citizen.screenshot("public-chat-id-renewal")
    assert citizen.errors == []


async def test_the_lookup_shows_progress_only_with_the_right_digits(open_session, live_server):
    number = await dispatched_to_zjj(live_server, "鹿城区某小区楼道堆放杂物，存在消防隐患", phone=PHONE)
    await zjj_does(live_server, number, ("sign", None), ("reply", {"content": REPLY}))
    citizen = await open_session()
    await citizen.goto("/")
    page = citizen.page
    await page.fill("#lookup-form [name=ticket_number]", number)
    await page.fill("#lookup-form [name=phone_last4]", "0000")
    await page.click("#lookup-form button[type=submit]")
    await page.locator("#lookup-miss", has_text="未查到").wait_for()

    await page.fill("#lookup-form [name=phone_last4]", PHONE[-4:])
    await page.click("#lookup-form button[type=submit]")
    await page.locator("#lookup-status", has_text="已答复").wait_for()
    assert await page.locator("#lookup-reply").text_content() == REPLY
    assert await page.locator("#lookup-result .timeline-item").count() == 4
    await citizen.screenshot("public-lookup")
    assert citizen.errors == []


async def test_a_mistyped_phone_number_is_explained_in_chinese_and_nothing_is_filed(open_session):
    citizen = await open_session()
    await citizen.goto("/")
    page = citizen.page
    await page.fill("#file-form [name=content]", "小区门口路灯坏了一个星期，晚上很黑")
    await page.fill("#file-form [name=phone]", "1398888777")  # ten digits
    await page.click("#file-form button[type=submit]")
    toast = page.locator("#toast.toast-error")
    await toast.wait_for()
    assert await toast.text_content() == "填写有误：电话（手机号应为 11 位）"
    assert await page.locator("#file-result").is_hidden()
    # Chromium logs every 4xx response; this 422 is the intake's answer, explained on the page above.
    assert citizen.errors == ["Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]


async def test_a_dead_link_shows_a_chinese_page_that_leads_back(open_session):
    citizen = await open_session()
    response = await citizen.goto("/banshi/no-such-page")
    page = citizen.page
    assert response.status == 404
    assert await page.locator("h1").text_content() == "页面不存在"
    assert "/banshi/no-such-page" in await page.locator(".notice-panel").text_content()
    await citizen.screenshot("not-found-public")
    await page.locator(".notice-panel a", has_text="首页").click()
    await page.locator("#chat-form").wait_for()  # the portal, where a citizen can ask, file or look up

    staff = await open_session()
    await staff.login("dept_zjj")
    await staff.goto("/supervisor/old-link")
    await staff.screenshot("not-found-staff")
    await staff.page.locator(".notice-panel a", has_text="我的工作台").click()
    await staff.page.wait_for_url("**/department")
    forbidden = await staff.goto("/supervisor")  # a page that exists but is not this role's: 无权访问, in Chinese too
    assert forbidden.status == 403 and await staff.page.locator("h1").text_content() == "无权访问"
    await staff.screenshot("forbidden-staff")
