"""A call played by `hotline cti simulate` (a real PBX client against the live server) through the agent console:
the number and history pop, the timer runs, the agent's typing fills the fields, the category's questions and
quick phrases are offered, a department is found by pinyin initials, the ticket carries the call id, a transfer
to 110 is recorded, and the caller's repeat call is added to the open ticket as 催办 (the department sees it).
And an event recorded by another process reaches this server's call stream."""
from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import uuid

import httpx

from hotline.cti.schemas import CtiEventIn
from hotline.cti.service import create_token, record_call_event
from hotline.infra.db import connect
from tests.web.api_steps import bearer, post_ok
from tests.web.console_steps import choose_department

LOCAL_NUMBER = "86001234"          # the PBX sends the local number without 0577
CALLER = "0577-86001234"
WORDS = ("我住在鹿城区五马街道解放街88号，楼下好再来烧烤店最近两个月每晚十点以后噪音很大，"
         "希望有关部门尽快处理。我的电话是一三八五七七一二三四五。")


async def pbx_token(server) -> str:
    """`hotline cti token NAME`, as an installer runs it: the token is printed once."""
    made = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "hotline", "cti", "token", f"测试交换机-{uuid.uuid4().hex[:6]}"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "HOTLINE_DATABASE_URL": server.database_url})
    assert made.returncode == 0, made.stderr
    return made.stdout.strip().splitlines()[-1]


def simulate(server, token: str, *, talk: float, call_id: str) -> subprocess.Popen:
    """`hotline cti simulate` as the PBX: ringing, answered a second later, hangup after `talk` seconds."""
    return subprocess.Popen(
        [sys.executable, "-m", "hotline", "cti", "simulate", "--url", server.url, "--token", token,
         "--from", LOCAL_NUMBER, "--agent", "agent", "--talk", str(talk), "--call-id", call_id],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


async def finished(process: subprocess.Popen) -> str:
    out, err = await asyncio.to_thread(process.communicate, timeout=120)
    assert process.returncode == 0, err
    return out


async def test_a_call_through_the_console(open_session, live_server):
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        agent_api = await bearer(api, "agent")
        earlier = (await post_ok(api, agent_api, "/api/v1/submissions", {
            "channel": "phone", "external_id": str(uuid.uuid4()), "citizen": {"phone": CALLER},
            "content": "上周反映的解放街路灯不亮，至今没有修好。"}))["ticket_number"]
    token = await pbx_token(live_server)
    agent = await open_session()
    await agent.login("agent")
    page = agent.page
    await page.locator("#call-stream-state", has_text="已连接").wait_for()

    # --- the phone rings: number, history and timer ---
    first_call = f"sim-{uuid.uuid4().hex[:8]}"
    pbx = simulate(live_server, token, talk=25, call_id=first_call)
    await page.locator("#call-bar.call-answered").wait_for(timeout=15_000)
    assert await page.locator("#call-number").text_content() == CALLER  # a local number, shown with its area code
    assert await page.locator("#call-form [name=phone]").input_value() == CALLER
    await page.locator("#history-panel li", has_text=earlier).wait_for()  # the landline caller's earlier ticket
    first_tick = await page.locator("#call-timer").text_content()
    await page.wait_for_function(
        "t => document.getElementById('call-timer').textContent !== t", arg=first_tick)
    assert re.fullmatch(r"通话 00:\d\d", await page.locator("#call-timer").text_content())
    await agent.screenshot("console-call-pop")

    # --- the agent types; the fields fill themselves ---
    await page.locator("#call-content").press_sequentially(WORDS, delay=5)
    await page.locator("#located-street", has_text="五马街道").wait_for()
    assert await page.locator("#located-district").text_content() == "鹿城区"
    form = page.locator("#call-form")
    await page.wait_for_function("() => document.querySelector('[data-field=phones]').value.includes('13857712345')")
    assert "解放街88号" in await form.locator("[data-field=place]").input_value()
    assert "烧烤店" in await form.locator("[data-field=object]").input_value()
    assert (await form.locator("[data-field=appeal]").input_value()).startswith("希望")
    assert await form.locator("[data-field=time]").input_value()
    await form.locator("[data-field=object]").fill("好再来烧烤店")  # the agent corrects a field: theirs now

    # --- the category offers its questions and quick phrases ---
    chip = page.locator("#call-category .chip", has_text="噪音污染")
    await chip.click()
    questions = page.locator("#template-questions")
    await questions.locator("label", has_text="噪音出现的时间段").wait_for()
    await questions.locator("[data-code=time_period]").select_option("night")
    await questions.locator("[data-code=noise_source]").select_option("commercial")
    await page.locator("#phrases-panel .phrase-title", has_text="夜间施工噪音").wait_for()
    await agent.screenshot("console-call-typing")
    await page.press("#call-content", "Control+Enter")

    # --- the ticket carries the call id ---
    number_box = page.locator("#detail-number")
    await number_box.wait_for()
    number = await number_box.text_content()
    fields = page.locator("#detail-fields")
    await fields.locator("dd", has_text=first_call).wait_for()
    assert "补充信息：噪音出现的时间段：夜间" in await page.locator("#detail-content").text_content()
    assert await page.locator("#call-link").text_content() == f"来电编号 {first_call} · 工单 {number}"

    # --- a transfer to 110, recorded on the call and the ticket ---
    await page.click("#transfer-open")
    dialog = page.locator("#transfer-dialog")
    await dialog.locator("input[value='110']").check()
    assert await dialog.locator("[name=number_given]").input_value() == "110"
    await dialog.locator("[name=reason]").fill("来电人称楼下有人持械斗殴，需民警到场")
    await dialog.locator("button[type=submit]").click()
    await page.locator("#toast", has_text="已记录转接：110").wait_for()
    await page.locator("#call-bar .transfer-tag", has_text="已转 110").wait_for()

    # --- classify, and dispatch to a department found by its pinyin initials ---
    await page.select_option("#classify-form [name=type]", "complaint")
    assert await page.locator("#classify-category select[data-level='3']").input_value() == "环境保护/环境污染/噪音污染"
    await page.click("#classify-form button[type=submit]")
    await page.locator("#toast", has_text="分类已确认").wait_for()
    await page.locator("#detail-timeline .timeline-action", has_text="转接其他热线").wait_for()
    await choose_department(page, "#lead-picker", "zhxz", "zhzfj")  # 综合行政执法局
    assert await page.locator("#lead-picker input.picker-input").input_value() == "温州市综合行政执法局"
    await choose_department(page, "#co-picker", "sthj", "sthjj")  # 协办: 生态环境局
    await page.locator("#co-picker .picker-chip", has_text="温州市生态环境局").wait_for()
    await page.click("#dispatch-form button[type=submit]")
    await page.locator("#detail-status", has_text="待签收").wait_for()
    await agent.screenshot("console-call-dispatched")

    # --- hangup: the timer stops with the talk time; the call log names the ticket ---
    await finished(pbx)
    await page.locator("#call-bar.call-ended").wait_for()
    assert re.fullmatch(r"通话时长 00:\d\d", await page.locator("#call-timer").text_content())
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        agent_api = await bearer(api, "agent")
        log = (await api.get("/api/v1/cti/calls", headers=agent_api, params={"agent": "agent"})).json()
    row = next(r for r in log if r["call_id"] == first_call)
    assert row["ticket_number"] == number and row["talked_s"] >= 20 and row["transfers"] == ["110"]
    assert row["from"] == "057786001234"

    # --- the caller calls again: 催办 on the open ticket, never a second ticket ---
    second_call = f"sim-{uuid.uuid4().hex[:8]}"
    again = simulate(live_server, token, talk=3, call_id=second_call)
    await page.locator("#call-link", has_text=second_call).wait_for(timeout=15_000)
    item = page.locator("#history-panel li", has_text=number)
    await item.wait_for()
    await item.locator("button[data-action=urge]").click()
    await item.locator(".contact-form textarea").fill("来电人说昨晚十点后还是很吵，请尽快处理")
    await item.locator(".contact-form button[type=submit]").click()
    await page.locator("#toast", has_text=f"已加入工单 {number}：催办 × 1").wait_for()
    await page.locator("#detail-number", has_text=number).wait_for()
    await page.locator("#detail-fields .urge-count", has_text="催办 × 1").wait_for()
    await page.locator("#detail-timeline .timeline-action", has_text="催办").wait_for()
    await page.locator("#search-results tr", has_text=number).locator(".tag", has_text="催办 × 1").wait_for()
    await agent.screenshot("console-repeat-call")
    await finished(again)
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        agent_api = await bearer(api, "agent")
        log = (await api.get("/api/v1/cti/calls", headers=agent_api, params={"agent": "agent"})).json()
        mine = (await api.get("/api/v1/tickets", headers=agent_api, params={"q": "057786001234"})).json()
    assert next(r for r in log if r["call_id"] == second_call)["ticket_number"] == number
    assert mine["total"] == 2  # the earlier ticket and this one: the repeat call made none

    # --- the department sees 催办 × 1 in its inbox ---
    department = await open_session()
    await department.login("dept_zhzfj")
    row = department.page.locator("#inbox-table tr", has_text=number)
    await row.locator(".urge-count", has_text="催办 × 1").wait_for()
    await department.screenshot("console-department-urge")
    assert agent.errors == [] and department.errors == []


async def test_an_event_another_process_recorded_reaches_the_agents_stream(live_server):
    """The PBX may reach any API process: an event written in another process's transaction (its own connection,
    as a second API process would) is pushed on this server's stream, through PostgreSQL, not process memory."""
    call = f"other-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as api:
        headers = await bearer(api, "agent")
        async with api.stream("GET", "/api/v1/cti/stream", headers=headers) as stream:
            assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            assert await asyncio.wait_for(_until(lines, "event: ready"), 10)
            conn = await connect(live_server.database_url)
            try:
                async with conn.transaction():
                    pbx, _ = await create_token(conn, name=f"另一进程-{call}", note=None, actor=None)
                    await record_call_event(conn, pbx_id=pbx["id"], area_code="0577", event=CtiEventIn.model_validate(
                        {"event": "ringing", "call_id": call, "from": "88123456", "agent": "agent"}))
            finally:
                await conn.close()
            line = await asyncio.wait_for(_until(lines, call), 15)
    pushed = json.loads(line.removeprefix("data:"))
    assert pushed["call_id"] == call and pushed["from"] == "057788123456" and not pushed["answered_at"]


async def _until(lines, needle: str) -> str:
    async for line in lines:
        if needle in line:
            return line
    raise AssertionError(f"the stream ended before {needle!r}")
