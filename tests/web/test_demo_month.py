"""`make run`'s demo month in the pages: the supervisor's figures are those of a plausible month (not 100 %, not
0.0 h), and the department's timelines name every event of it in Chinese. A server of its own, on a database
seeded as `hotline seed` seeds it, logged into with the generated demo passwords."""
from __future__ import annotations

import re
import threading
import time

import pytest
import uvicorn

from hotline.app import create_app
from hotline.config import Settings
from hotline.infra.db import connect
from hotline.seeds.run import seed_all
from tests.conftest import clone_database
from tests.web.conftest import Session, _free_port


@pytest.fixture(scope="module")
async def demo_server(pg_server_url, template_db, tmp_path_factory):
    database_url = await clone_database(pg_server_url, template_db)
    settings = Settings(environment="test", database_url=database_url, data_dir=tmp_path_factory.mktemp("demo-var"),
                        load_models=False, secret_key="demo-test-secret-" + "x" * 32, embedder="hashing", demo=True)
    conn = await connect(database_url)
    try:
        await seed_all(conn, settings)
    finally:
        await conn.close()
    passwords = dict(line.split("\t")[::2] for line in
                     (settings.data_dir / "demo-credentials.txt").read_text(encoding="utf-8").splitlines())
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="demo-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the demo server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", passwords
    server.should_exit = True
    thread.join(timeout=10)


async def _login(browser, base_url: str, username: str, password: str) -> Session:
    context = await browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
                                        timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    session = Session(page=await context.new_page(), base_url=base_url)
    session.page.on("console", lambda msg: session.errors.append(msg.text) if msg.type == "error" else None)
    await session.goto("/login")
    await session.page.fill("input[name=username]", username)
    await session.page.fill("input[name=password]", password)
    await session.page.click("button[type=submit]")
    await session.page.wait_for_load_state("networkidle")
    return session


def _percent(text: str) -> float:
    return float(re.fullmatch(r"([\d.]+)%", text.strip()).group(1))


async def test_the_supervisor_sees_a_month_and_every_timeline_event_reads_in_chinese(browser, demo_server):
    base_url, passwords = demo_server
    supervisor = await _login(browser, base_url, "supervisor01", passwords["supervisor01"])
    page = supervisor.page
    rate = page.locator("#callback-stats [data-metric=callback_rate] .stat-value")
    await rate.wait_for()
    callback_rate = _percent(await rate.text_content())
    satisfaction = _percent(
        await page.locator("#callback-stats [data-metric=satisfaction_rate] .stat-value").text_content())
    assert 50 < callback_rate < 97 and 60 < satisfaction < 97  # a month with work left, not a perfect one
    league = page.locator("#league-table tbody tr")
    await league.first.wait_for()
    on_time = [await league.nth(i).locator("td").nth(3).text_content() for i in range(await league.count())]
    assert len(on_time) >= 8 and any(t not in ("100.0%", "—") for t in on_time)
    await supervisor.screenshot("demo-month-supervisor")
    assert supervisor.errors == []
    await page.context.close()

    department = await _login(browser, base_url, "dept-zhzfj", passwords["dept-zhzfj"])
    inbox = department.page
    await inbox.click("#inbox-tabs [data-filter=all]")
    rows = inbox.locator("#inbox-table tbody tr")
    await rows.first.wait_for()
    assert await inbox.locator("#inbox-table tbody tr[data-deadline=overdue]").count() > 0 or \
        await inbox.locator("#inbox-table tbody tr[data-deadline=warning]").count() > 0
    seen: dict[str, str] = {}
    for i in range(min(await rows.count(), 40)):
        await rows.nth(i).click()
        number = await rows.nth(i).get_attribute("data-number")
        await inbox.locator("#detail-number", has_text=number).wait_for()
        items = inbox.locator("#detail-timeline .timeline-item")
        await items.first.wait_for()
        for j in range(await items.count()):
            action = (await items.nth(j).get_attribute("class")).split("action-", 1)[1]
            seen[action] = await items.nth(j).locator(".timeline-action").text_content()
    raw = {action: text for action, text in seen.items() if not re.search(r"[\u4e00-\u9fff]", text)}
    assert raw == {}
    assert {"receive", "dispatch", "sign", "reply", "callback", "close", "sla_overdue", "supervision_order",
            "supervision_answered"} <= seen.keys()
    await department.screenshot("demo-month-department")
    assert department.errors == []
    await inbox.context.close()
