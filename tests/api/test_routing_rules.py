"""Routing rules as data: staff read them, supervisors edit them with history, and every process routes by the
latest rules without a restart."""
import uuid

from tests.conftest import TEST_PASSWORD, make_settings, start_client

KEYWORDS = "/api/v1/routing-rules/keywords"
DUTIES = "/api/v1/routing-rules/duties"


def unique_word() -> str:
    return f"测试词{uuid.uuid4().hex[:6]}"


async def test_the_seeded_duty_list_is_readable_by_staff(api, tokens):
    duties = await api.get(DUTIES, headers=tokens["dept_zjj"])
    assert duties.status_code == 200
    by_category = {d["category"]: d for d in duties.json() if d["category"]}
    assert by_category["城乡建设/住房保障与房地产/住房公积金"]["department"] == "gjj"
    keywords = (await api.get(KEYWORDS, headers=tokens["agent"], params={"department": "water"})).json()
    assert any("停水" in rule["keywords"] for rule in keywords)
    assert (await api.get(DUTIES)).status_code == 401


async def test_a_supervisor_edits_a_rule_and_the_history_keeps_who_what_and_why(api, tokens):
    word = unique_word()
    rule = {"keywords": [word], "department": "jtysj", "priority": 120, "districts": ["330302"]}
    assert (await api.post(KEYWORDS, headers=tokens["agent"], json=rule)).status_code == 403
    created = await api.post(KEYWORDS, headers=tokens["supervisor"], json={**rule, "reason": "新增试点规则"})
    assert created.status_code == 201, created.text
    rule_id = created.json()["id"]
    updated = await api.put(f"{KEYWORDS}/{rule_id}", headers=tokens["admin"],
                            json={**rule, "department": "zhzfj", "level": "district", "reason": "职责调整"})
    assert updated.status_code == 200 and updated.json()["department"] == "zhzfj"
    disabled = await api.post(f"{KEYWORDS}/{rule_id}/disable", headers=tokens["supervisor"], json={"reason": "试点结束"})
    assert disabled.json()["active"] is False

    history = (await api.get(f"{KEYWORDS}/{rule_id}/history", headers=tokens["dept_zjj"])).json()
    assert [h["action"] for h in history] == ["create", "update", "disable"]
    assert [h["changed_by"] for h in history] == ["supervisor", "admin", "supervisor"]
    assert (history[1]["before"]["department"], history[1]["after"]["department"]) == ("jtysj", "zhzfj")
    assert [h["reason"] for h in history] == ["新增试点规则", "职责调整", "试点结束"]
    active = (await api.get(KEYWORDS, headers=tokens["agent"], params={"department": "zhzfj"})).json()
    assert rule_id not in {r["id"] for r in active}


async def test_bad_rules_are_refused_naming_the_field(api, tokens):
    supervisor = tokens["supervisor"]

    async def refused(url, body, method="post"):
        response = await api.request(method.upper(), url, headers=supervisor, json=body)
        assert response.status_code == 422, response.text
        return {f["field"] for f in response.json()["error"]["fields"]}

    assert await refused(KEYWORDS, {"keywords": ["井盖"], "department": "nope"}) == {"department"}
    assert await refused(KEYWORDS, {"department": "zjj"}) == {"keywords"}
    assert await refused(KEYWORDS, {"pattern": "井盖(", "department": "zjj"}) == {"pattern"}
    assert await refused(KEYWORDS, {"pattern": r"(井盖)\1", "department": "zjj"}) == {"pattern"}  # not linear-time
    assert await refused(KEYWORDS, {"keywords": ["井盖"], "department": "zjj", "districts": ["999999"]}) == {"districts"}
    assert await refused(DUTIES, {"category": "城乡建设/没有这类", "department": "zjj"}) == {"category"}
    assert await refused(DUTIES, {"category": "民政", "matter_prefix": "3303-MZ", "department": "mzj"}) == {"category"}
    assert await refused(DUTIES, {"matter_prefix": "3303-MZ", "department": "mzj", "level": "province"}) == {"level"}
    duty = (await api.get(DUTIES, headers=supervisor)).json()[0]
    unexplained = {"category": duty["category"], "matter_prefix": duty["matter_prefix"], "department": "mzj"}
    assert await refused(f"{DUTIES}/{duty['id']}", unexplained, method="put") == {"reason"}
    taken = await api.post(DUTIES, headers=supervisor, json={"category": duty["category"], "department": "mzj"})
    assert taken.status_code == 409  # one active duty per category: update or disable the existing one


async def login(client, username: str) -> dict:
    response = await client.post("/api/v1/auth/token", data={"username": username, "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def best_department(client, headers, content: str, address: str | None = None) -> dict | None:
    created = await client.post("/api/v1/submissions", headers=headers, json={
        "channel": "phone", "external_id": str(uuid.uuid4()), "content": content, "address": address,
        "citizen": {"name": "钱七", "phone": "13712345678"}})
    assert created.status_code == 201, created.text
    number = created.json()["ticket_number"]
    routes = (await client.get(f"/api/v1/tickets/{number}/suggestions", headers=headers)).json()["routes"]
    return routes[0] if routes else None


async def test_an_edit_made_in_one_process_routes_the_next_ticket_in_another(fresh_db_url, tmp_path):
    one = await start_client(make_settings(fresh_db_url, tmp_path / "one", embedder="hashing"))
    two = await start_client(make_settings(fresh_db_url, tmp_path / "two", embedder="hashing"))
    try:
        (_, _, editor), (_, _, intake) = one, two
        supervisor, agent = await login(editor, "supervisor"), await login(intake, "agent")
        text = "小区门口的共享单车乱停放，堵住了出口"
        assert (await best_department(intake, agent, text)) is None  # no rule knows 共享单车 yet

        created = await editor.post(KEYWORDS, headers=supervisor, json={
            "keywords": ["共享单车"], "department": "jtysj", "priority": 150, "reason": "共享单车归交通运输局"})
        assert created.status_code == 201, created.text
        best = await best_department(intake, agent, text)
        assert best["department_code"] == "jtysj"
        assert any("共享单车" in reason["detail"] for reason in best["reasons"])

        # scoped to 鹿城区 and handled there by the district's enforcement bureau
        rule_id = created.json()["id"]
        await editor.put(f"{KEYWORDS}/{rule_id}", headers=supervisor, json={
            "keywords": ["共享单车"], "department": "zhzfj", "level": "district", "districts": ["330302"],
            "priority": 150, "reason": "鹿城区由区执法局处置"})
        assert (await best_department(intake, agent, text, address="温州市鹿城区五马街道"))["department_code"] == "lc-zhzf"
        elsewhere = await best_department(intake, agent, text, address="温州市瑞安市安阳街道")
        assert elsewhere["department_code"] == "gov-330381"  # the rule is not for 瑞安: unclear, 兜底

        await editor.post(f"{KEYWORDS}/{rule_id}/disable", headers=supervisor, json={"reason": "撤销"})
        assert (await best_department(intake, agent, text)) is None
    finally:
        for _, lifespan, client in (one, two):
            await client.aclose()
            await lifespan.__aexit__(None, None, None)


async def test_seeding_again_keeps_edits_and_adds_nothing_twice(fresh_db_url, tmp_path):
    from hotline.auth.tokens import SYSTEM
    from hotline.infra.db import connect
    from hotline.routing_rules import service

    conn = await connect(fresh_db_url)
    try:
        # the test template is seeded the way `hotline seed` seeds a city
        assert len(await service.list_rules(conn, kind="duty", active=True, department=None)) > 50
        assert len(await service.list_rules(conn, kind="keyword", active=True, department=None)) > 10
        water = next(r for r in await service.list_rules(conn, kind="keyword", active=True, department="water"))
        async with conn.transaction():
            await service.disable_rule(conn, kind="keyword", rule_id=water["id"], actor=SYSTEM, reason="改由热线直接答复")
            assert await service.seed_routing_rules(conn) == {"duty": 0, "keyword": 0}
            assert await service.ensure_seeded(conn) is None
        assert not await service.list_rules(conn, kind="keyword", active=True, department="water")
    finally:
        await conn.close()
