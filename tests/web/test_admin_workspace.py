"""The admin's day in 系统管理, through the pages only: a refused account said in Chinese, an account added (its
password shown once) and used, disabled while its page is open (the page goes to login), enabled, moved to a
department picked by name, its password reset and its lock lifted, a calendar day set, each change in the audit;
an Open311 key made (shown once) and disabled with a reason."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from tests.web.api_steps import bearer

NEW_USER = "wang.fang"
# Far ahead: no other browser test's deadline reaches it (the live server's database is shared).
TYPHOON_DAY = f"{datetime.now(ZoneInfo('Asia/Shanghai')).year + 2}-08-14"


async def _accounts(server) -> dict[str, dict]:
    async with httpx.AsyncClient(base_url=server.url) as api:
        response = await api.get("/api/v1/admin/users", headers=await bearer(api, "admin"))
    assert response.status_code == 200, response.text
    return {u["username"]: u for u in response.json()}


async def _login_as(session, username: str, password: str) -> None:
    await session.goto("/login")
    await session.page.fill("input[name=username]", username)
    await session.page.fill("input[name=password]", password)
    await session.page.click("button[type=submit]")
    await session.page.wait_for_load_state("networkidle")


async def _act(page, action: str, reason: str, **fields: str) -> None:
    """Open an account's action form from its row, fill it, confirm."""
    await page.locator(f"#users-table tr[data-username='{NEW_USER}'] button[data-action={action}]").click()
    form = page.locator(f"#users-table tr.user-action[data-action-for='{NEW_USER}']")
    for name, value in fields.items():
        if name == "role":
            await form.locator("select[name=role]").select_option(value)
        else:
            await form.locator(f"input[name={name}]").fill(value)
    await form.locator("input[name=reason]").fill(reason)
    await form.locator(f"button[data-confirm={action}]").click()
    await form.wait_for(state="detached")


async def test_the_admin_manages_an_account_and_the_calendar_through_the_pages(open_session, live_server):
    admin = await open_session()
    await admin.login("admin")
    page = admin.page
    assert page.url.endswith("/admin")  # the admin lands on 系统管理, not on the supervisor's page
    await page.locator("#users-table tbody tr[data-username=admin]").wait_for()
    toast = page.locator("#toast")

    # A username the rules refuse: the field and the reason in Chinese, nothing written.
    await page.click("#user-add-box summary")
    form = page.locator("#user-add-form")
    await form.locator("[name=username]").fill("王芳")
    await form.locator("[name=reason]").fill("新入职座席")
    await form.locator("button[type=submit]").click()
    await toast.filter(has_text="填写有误：用户名（只能包含字母、数字及 _ . @ -）").wait_for()
    assert "王芳" not in await _accounts(live_server)

    # Added with a generated password, shown once; the new agent logs in with it and opens the callback desk.
    await form.locator("[name=username]").fill(NEW_USER)
    await form.locator("[name=display_name]").fill("王芳")
    await form.locator("[name=role]").select_option("agent")
    await form.locator("button[type=submit]").click()
    shown = page.locator("#password-shown [data-secret]")
    await shown.wait_for()
    password = await shown.text_content()
    assert len(password) >= 10
    row = page.locator(f"#users-table tr[data-username='{NEW_USER}']")
    assert (await row.locator("td").all_text_contents())[:5] == [NEW_USER, "王芳", "座席", "—", "启用"]
    await admin.screenshot("admin-user-added")

    colleague = await open_session()
    await _login_as(colleague, NEW_USER, password)
    assert colleague.page.url.endswith("/agent")
    await colleague.goto("/callbacks")
    await colleague.page.locator("#desk-tabs").wait_for()

    # Disabled while the colleague's desk is open: the next thing the desk asks for sends the page to login.
    await _act(page, "disable", "离职")
    await row.locator("td", has_text="已停用").wait_for()
    await colleague.page.click("#desk-tabs [data-list=retry]")
    await colleague.page.wait_for_url(re.compile(r"/login\?next=%2Fcallbacks$"))
    await _login_as(colleague, NEW_USER, password)
    assert "/login" in colleague.page.url  # a disabled account cannot log in again
    assert not (await _accounts(live_server))[NEW_USER]["active"]

    await _act(page, "enable", "返岗")
    await row.locator("td", has_text="启用").wait_for()

    # Moved to a department: the department role without one is refused (the form stays), then one picked by name.
    await row.locator("button[data-action=move]").click()
    move = page.locator(f"#users-table tr.user-action[data-action-for='{NEW_USER}']")
    await move.locator("select[name=role]").select_option("department")
    await move.locator("input[name=reason]").fill("调岗到住建局")
    await move.locator("button[data-confirm=move]").click()
    await toast.filter(has_text="填写有误：所属单位（承办单位角色须选所属单位）").wait_for()
    options = await page.locator("#department-options option").evaluate_all("os => os.map(o => o.value)")
    assert "温州市住房和城乡建设局（zjj）" in options  # the picker lists every department by its name
    await move.locator("input[name=department]").fill("温州市住房和城乡建设局（zjj）")
    await move.locator("button[data-confirm=move]").click()
    await move.wait_for(state="detached")
    await row.locator("td", has_text="温州市住房和城乡建设局").wait_for()
    assert (await row.locator("td").nth(2).text_content()) == "承办单位"
    moved = (await _accounts(live_server))[NEW_USER]
    assert (moved["role"], moved["department_code"]) == ("department", "zjj")

    # Five wrong passwords lock the account; a reset shows the new password once, and an unlock lifts a lock.
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        for _ in range(5):
            await api.post("/api/v1/auth/token", data={"username": NEW_USER, "password": "wrong-password-1"})
    await page.select_option("#user-filter [name=active]", "true")  # the list is read again
    await row.locator("[data-locked]").wait_for()
    await _act(page, "unlock", "本人来电确认身份")
    await row.locator("[data-locked]").wait_for(state="detached")
    await _act(page, "reset", "本人遗忘密码")
    await page.locator("#password-shown", has_text=f"{NEW_USER} 的新密码（只显示这一次）").wait_for()
    new_password = await page.locator("#password-shown [data-secret]").text_content()
    assert new_password != password
    await _login_as(colleague, NEW_USER, new_password)
    assert colleague.page.url.endswith("/department")  # the moved account's new workspace

    # A typhoon day set in the calendar panel, then the audit lists every change with who and why.
    await page.fill("#calendar-form [name=date]", TYPHOON_DAY)
    await page.select_option("#calendar-form [name=kind]", "holiday")
    await page.fill("#calendar-form [name=reason]", "台风停工")
    await page.click("#calendar-form button[type=submit]")
    await page.locator(f"#calendar-table tbody tr[data-date='{TYPHOON_DAY}']").wait_for()
    await page.locator(f"#changes-table tr[data-area=calendar][data-subject='{TYPHOON_DAY}']").wait_for()
    await page.select_option("#changes-filter [name=area]", "user")
    await page.locator("#changes-table tr[data-area=calendar]").first.wait_for(state="detached")
    changes = page.locator(f"#changes-table tr[data-subject='{NEW_USER}']")
    actions = [await changes.nth(i).get_attribute("data-action") for i in range(await changes.count())]
    assert actions == ["password_reset", "unlock", "set", "enable", "disable", "create"]  # newest first
    cells = await changes.nth(2).locator("td").all_text_contents()
    assert cells[1:4] == ["账号", NEW_USER, "调整角色/单位"]
    assert cells[4] == "角色：座席 → 承办单位；单位：— → 温州市住房和城乡建设局"
    assert cells[5:] == ["调岗到住建局", "admin"]

    # An Open311 key: made (shown once, listed by its prefix), disabled only with a reason.
    await page.fill("#key-form [name=name]", "温州市民App")
    await page.fill("#key-form [name=note]", "市大数据局 张工")
    await page.click("#key-form button[type=submit]")
    key = await page.locator("#key-shown [data-secret]").text_content()
    key_row = page.locator("#keys-table tbody tr[data-name='温州市民App']")
    prefix = (await key_row.locator("code").text_content()).rstrip("…")
    assert key.startswith(prefix) and len(key) > len(prefix)
    await key_row.locator("button[data-disable-key]").click()
    await toast.filter(has_text="填写有误：理由（必填：记入操作记录）").wait_for()
    await key_row.locator("input[name=reason]").fill("对方系统下线")
    await key_row.locator("button[data-disable-key]").click()
    await key_row.locator("td", has_text="已停用（对方系统下线）").wait_for()

    # The phone system: a PBX token made (shown once) that the CTI event API takes, an extension set to an agent
    # (a department account is refused in Chinese), and the token disabled with a reason, after which it is refused.
    await page.fill("#pbx-form [name=name]", "市热线中心 Asterisk")
    await page.click("#pbx-form button[type=submit]")
    pbx_token = await page.locator("#pbx-shown [data-secret]").text_content()
    pbx_row = page.locator("#pbx-table tbody tr[data-name='市热线中心 Asterisk']")
    assert pbx_token.startswith((await pbx_row.locator("code").text_content()).rstrip("…"))
    await page.fill("#extension-form [name=extension]", "8001")
    await page.fill("#extension-form [name=username]", "dept_zjj")
    await page.click("#extension-form button[type=submit]")
    await toast.filter(has_text="座席账号（只有座席、督办和管理员账号接听来电）").wait_for()
    await page.fill("#extension-form [name=username]", "agent")
    await page.click("#extension-form button[type=submit]")
    await page.locator("#extensions-table tbody tr[data-extension='8001']", has_text="agent").wait_for()
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        ringing = {"event": "ringing", "call_id": "admin-test-1", "from": "13906661234", "to": "12345", "agent": "8001"}
        sent = await client.post("/api/v1/cti/events", json=ringing, headers={"Authorization": f"Bearer {pbx_token}"})
        assert sent.status_code == 200, sent.text
    await page.reload()
    await pbx_row.locator("td", has_text="尚未使用").wait_for(state="detached")  # its use is shown
    await pbx_row.locator("input[name=reason]").fill("更换交换机")
    await pbx_row.locator("button[data-disable-token]").click()
    await pbx_row.locator("td", has_text="已停用（更换交换机）").wait_for()
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        refused = await client.post("/api/v1/cti/events", json={**ringing, "call_id": "admin-test-2"},
                                    headers={"Authorization": f"Bearer {pbx_token}"})
        assert refused.status_code == 401
    await admin.screenshot("admin-workspace")
    # The refusals the API made (the username, the department account's extension) are the only failed requests;
    # the colleague's only one is the 401.
    assert [e for e in admin.errors if "status of 422" not in e] == [] and len(admin.errors) == 2
    assert [e for e in colleague.errors if "status of 401" not in e] == []
