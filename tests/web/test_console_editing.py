"""Supervisors keep the console's quick phrases (常用语) and a category's questions (问询模板) where agents use them:
a phrase added, changed with a reason and stopped; a new category template with a list question; agents then see
the questions and phrases but no editing controls."""
from __future__ import annotations

import asyncio

import httpx

from tests.web.api_steps import bearer
from tests.web.console_steps import choose_category

CATEGORY = "政法/交通管理/交通安全管理"  # no template of its own or of its ancestors in the seed


async def test_a_supervisor_edits_phrases_and_questions_in_the_console(open_session, live_server):
    supervisor = await open_session()
    await supervisor.login("supervisor")
    await supervisor.goto("/agent")
    page = supervisor.page
    await choose_category(page, "#call-category", CATEGORY)
    await page.locator("#template-for", has_text="暂无问询模板").wait_for()

    # a phrase for this category
    await page.click("#phrase-add")
    form = page.locator("#phrase-form")
    assert await form.locator("[name=category_path]").input_value() == CATEGORY
    await form.locator("[name=title]").fill("电动车上牌")
    await form.locator("[name=body]").fill("电动自行车登记上牌请携带购车发票、合格证和身份证到就近的登记点办理。")
    await form.locator("button[type=submit]").click()
    await page.locator("#toast", has_text="已新增常用语：电动车上牌").wait_for()
    phrase = page.locator("#phrases-panel li", has_text="电动车上牌")
    await phrase.locator(".phrase-body", has_text="购车发票").wait_for()

    # changed, with a reason
    await phrase.locator(".phrase-edit").click()
    assert await form.locator("[name=title]").input_value() == "电动车上牌"
    await form.locator("[name=body]").fill("电动自行车登记上牌可在“浙里办”预约，再携带购车发票、合格证和身份证到登记点办理。")
    await form.locator("[name=reason]").fill("增加网上预约")
    await form.locator("button[type=submit]").click()
    await phrase.locator(".phrase-body", has_text="浙里办").wait_for()

    # the category's first questions, one a list
    await page.click("#template-edit")
    questions = page.locator("#template-form")
    await page.click("#template-add")
    await page.click("#template-add")
    first, second = questions.locator(".question-row").nth(0), questions.locator(".question-row").nth(1)
    await first.locator("[name=description]").fill("车辆类型")
    await first.locator("[name=values]").fill("电动自行车\n摩托车\n小汽车")
    await first.locator("[name=required]").check()
    await second.locator("[name=description]").fill("事发路段")
    await second.locator("[name=datatype]").select_option("string")
    assert await second.locator("[name=values]").is_hidden()  # a text answer has no options
    assert await first.locator("[name=values]").is_visible()
    await questions.locator("[name=reason]").fill("交通安全类来电需问清车辆和路段")
    await supervisor.screenshot("console-template-editor")
    await questions.locator("button[type=submit]").click()
    await page.locator("#toast", has_text="已保存“" + CATEGORY + "”的问询模板").wait_for()
    asked = page.locator("#template-questions label", has_text="车辆类型")
    await asked.wait_for()
    assert await asked.locator("option").all_text_contents() == ["未问 / 未答", "电动自行车", "摩托车", "小汽车"]
    await page.locator("#template-questions label", has_text="事发路段").locator("input").wait_for()
    await supervisor.screenshot("console-phrases-edited")

    async with httpx.AsyncClient(base_url=live_server.url) as api:
        history = (await api.get("/api/v1/console/content-history", headers=await bearer(api, "supervisor"))).json()
    reasons = {row["reason"] for row in history}
    assert {"增加网上预约", "交通安全类来电需问清车辆和路段"} <= reasons

    # an agent is offered both, and can change neither
    agent = await open_session()
    await agent.login("agent")
    await choose_category(agent.page, "#call-category", CATEGORY)
    await agent.page.locator("#template-questions label", has_text="车辆类型").wait_for()
    await agent.page.locator("#phrases-panel li", has_text="电动车上牌").wait_for()
    assert await agent.page.locator("#phrase-add, .phrase-edit, .phrase-stop, #template-edit").count() == 0

    # stopped, with a reason: gone from the console
    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept("已写入办事指南，不再单列")))
    await phrase.locator(".phrase-stop").click()
    await page.locator("#toast", has_text="已停用常用语：电动车上牌").wait_for()
    await page.locator("#phrases-panel li", has_text="电动车上牌").wait_for(state="detached")
    assert supervisor.errors == [] and agent.errors == []
