"""What the agent console offers during a call: the matching knowledge as the caller's words are typed, the
caller's earlier tickets, and department suggestions for the filed ticket that one key press accepts."""
from __future__ import annotations

import asyncio
import json

import asyncpg

from tests.web.api_steps import file_call

CALLER = "13655556666"


async def test_knowledge_history_and_suggestions_help_the_agent(open_session, live_server):
    earlier = await file_call(live_server, "上个月反映的小区路灯不亮问题至今未修复", phone=CALLER)
    agent = await open_session()
    await agent.login("agent")
    page = agent.page

    await page.fill("#call-form [name=phone]", CALLER)
    history = page.locator("#history-panel li", has_text=earlier)
    await history.wait_for()  # 来电历史: the caller called before

    await page.locator("#call-content").press_sequentially("身份证丢了要带什么材料")
    knowledge = page.locator("#knowledge-panel")
    answer = knowledge.locator(".kb-answer .matter")
    # the panel follows the typing: wait for the answer to the whole question, not to its first words
    await answer.locator(".matter-title", has_text="补领").wait_for()
    assert "身份证" in await answer.locator(".matter-title").text_content()
    assert await answer.locator(".materials li").count() >= 1
    assert await knowledge.locator(".kb-results li").count() >= 1  # the other matches, with passages
    await agent.screenshot("agent-knowledge")

    # searched by hand: clean passages (never the keyword list, an FAQ answer under its own question), and a
    # related item opens in the panel and goes back to the results
    await page.fill("#kb-q", "开个小店要办什么证")
    await page.click("#kb-search-form button[type=submit]")
    await knowledge.locator(".section-title", has_text="查找结果").wait_for()
    passages = await knowledge.locator(".kb-passage").all_text_contents()
    assert passages and not any(word in p for p in passages for word in ("个体户注册", "开店办执照", "身份证丢了"))
    faq = knowledge.locator(".kb-results li", has=page.locator(".kb-passage-question")).first
    assert (await faq.locator(".kb-passage-question").text_content()).startswith("问：")
    assert (await faq.locator(".kb-passage").text_content()).startswith("答：")
    await agent.screenshot("agent-knowledge-search")
    await knowledge.locator(".kb-results li", has_text="个体工商户登记").first.locator(".kb-result-title").click()
    await knowledge.locator(".matter-title", has_text="个体工商户登记").wait_for()
    assert await knowledge.locator(".materials li").count() >= 1
    await knowledge.locator(".kb-back").click()
    await knowledge.locator(".section-title", has_text="查找结果").wait_for()

    await page.press("#call-content", "Control+Enter")
    await page.locator("#detail-number").wait_for()
    routes = page.locator("#suggestions-panel .routes > li")
    await routes.first.wait_for()
    assert await routes.first.locator(".reasons li").count() >= 1  # every suggestion says why
    repeat = page.locator("#suggestions-panel .repeats li", has_text=earlier)
    await repeat.locator(".tag", has_text="同一来电人").wait_for()  # the same caller's open ticket, flagged
    assert "相似度" not in await repeat.text_content()  # no text similarity was measured for it: no "0%"
    await page.keyboard.press("Alt+1")
    chosen = await routes.first.locator("strong").text_content()
    assert await page.locator("#lead-picker input.picker-input").input_value() == chosen
    await agent.screenshot("agent-suggestions")

    # the same caller's problem is already being handled: this ticket goes into the open one, not to a department
    number = await page.locator("#detail-number").text_content()
    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await repeat.locator("button.merge-button").click()
    await page.locator("#toast", has_text=f"已将 {number} 并入 {earlier}").wait_for()
    await page.locator("#detail-number", has_text=earlier).wait_for()
    await page.locator("#search-results tr", has_text=number).locator(".badge", has_text="已合并").wait_for()

    await _model_suggested(live_server, earlier, type_top3=[["complaint", 0.81], ["help", 0.12], ["consult", 0.04]],
                           category_top3=[["城乡建设", 0.66], ["环境保护/环境污染/噪音污染", 0.2], ["交通运输", 0.05]])
    await history.click()  # the earlier ticket opens in the detail view, with its model suggestions
    await page.locator("#detail-number", has_text=earlier).wait_for()
    type_chips = page.locator("#suggestions-panel .suggest-head[data-head=type] .chip")
    await type_chips.first.wait_for()
    assert await type_chips.all_text_contents() == ["投诉 81%", "求助 12%", "咨询 4%"]
    await type_chips.first.click()
    await page.locator("#suggestions-panel .suggest-head[data-head=category] .chip", has_text="城乡建设").click()
    assert await page.locator("#classify-form select[name=type]").input_value() == "complaint"
    assert await page.locator("#classify-category select[data-level='1']").input_value() == "城乡建设"
    # a full path (the three-level classifier) fills all three steps at once
    await page.locator("#suggestions-panel .suggest-head[data-head=category] .chip", has_text="噪音污染").click()
    steps = page.locator("#classify-category select")
    assert [await steps.nth(i).input_value() for i in range(3)] == [
        "环境保护", "环境保护/环境污染", "环境保护/环境污染/噪音污染"]
    assert await page.locator("#classify-category select[data-level='3'] option:checked").text_content() == "噪音污染"
    assert agent.errors == []


async def _model_suggested(server, number: str, **top3_by_head) -> None:
    """Stands in for a trained classifier (the live server runs without one): its stored suggestions."""
    conn = await asyncpg.connect(server.database_url)
    try:
        for key, top3 in top3_by_head.items():
            await conn.execute(
                """INSERT INTO classification_suggestions (ticket_id, head, label, confidence, top3, abstain, model_version)
                   SELECT id, $2, $3, $4, $5::jsonb, false, 'test' FROM tickets WHERE ticket_number = $1""",
                number, key.removesuffix("_top3"), top3[0][0], top3[0][1], json.dumps(top3))
    finally:
        await conn.close()
