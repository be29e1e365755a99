"""The supervisor's numbers on a small hand-built week of tickets equal the values worked out by hand."""
import csv
import io
import uuid

import pytest
from openpyxl import load_workbook

from tests.conftest import log_in, make_settings, start_client

WEEK = {"from": "2026-03-02", "to": "2026-03-08"}  # previous period: 2026-02-23 .. 2026-03-01


@pytest.fixture
async def clean_api(fresh_db_url, tmp_path):
    """A client on a database of its own, so every count below is ours alone."""
    app, lifespan, client = await start_client(make_settings(fresh_db_url, tmp_path, embedder="hashing"))
    yield client, await log_in(client), app.state.pool
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


class Desk:
    """Drives tickets through the real API, then dates each ticket's events as the story says."""

    def __init__(self, api, tokens, pool):
        self.api, self.tokens, self.pool = api, tokens, pool

    async def new(self, type_, citizen=None):
        created = await self.api.post("/api/v1/submissions", headers=self.tokens["agent"], json={
            "channel": "phone", "external_id": str(uuid.uuid4()), "content": "鹿城区五马街道路面破损，请修复。",
            "citizen": citizen or {"name": "李四", "phone": "13912345678"}, "address": "温州市鹿城区五马街道"})
        number = created.json()["ticket_number"]
        await self.do(number, "classification", "agent", {"type": type_, "category": "城乡建设", "urgency": "normal"})
        return number

    async def do(self, number, action, user, body=None):
        response = await self.api.post(f"/api/v1/tickets/{number}/{action}", headers=self.tokens[user], json=body)
        assert response.status_code in (200, 201), (action, response.text)

    async def date(self, number, times):
        """`times` maps an action to its local times in order; other events take the time before them."""
        pending = {action: list(at) for action, at in times.items()}
        async with self.pool.acquire() as conn:
            events = await conn.fetch("SELECT e.id, e.action FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
                                      "WHERE t.ticket_number = $1 ORDER BY e.id", number)
            current = None
            for event in events:
                if pending.get(event["action"]):
                    current = pending[event["action"]].pop(0)
                await conn.execute("UPDATE ticket_events SET created_at = $2::text::timestamptz WHERE id = $1",
                                   event["id"], f"2026-{current}:00+08:00")
            assert not any(pending.values()), pending
            # What the receive and reply transactions copy from their events, copied again from the new times.
            await conn.execute("""
                UPDATE tickets t SET created_at = e.created_at FROM ticket_events e
                WHERE e.ticket_id = t.id AND e.action = 'receive' AND t.ticket_number = $1""", number)
            await conn.execute("""
                UPDATE callbacks c SET replied_at = e.created_at, reply_on_time = (e.data->>'on_time')::boolean,
                       handling_started_at = (SELECT d.created_at FROM ticket_events d
                                              WHERE d.ticket_id = e.ticket_id AND d.id < e.id
                                                AND d.action IN ('dispatch', 'reopen') ORDER BY d.id DESC LIMIT 1)
                FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
                WHERE e.id = c.reply_event_id AND t.ticket_number = $1""", number)

    async def sql(self, query, *args):
        async with self.pool.acquire() as conn:
            await conn.execute(query, *args)


async def build_week(desk: Desk) -> None:
    reply = {"content": "已处理完毕。"}
    # A: zjj, handled in 24 h, satisfied and resolved.
    a = await desk.new("complaint")
    await desk.do(a, "dispatch", "agent", {"department": "zjj"})
    await desk.do(a, "sign", "dept_zjj")
    await desk.do(a, "reply", "dept_zjj", reply)
    await desk.do(a, "callback", "agent", {"reached": True, "resolved": True, "satisfaction": "satisfied"})
    await desk.date(a, {"receive": ["03-02 09:00"], "dispatch": ["03-02 10:00"], "sign": ["03-02 11:00"],
                        "reply": ["03-03 10:00"]})
    # B: returned by zjj, re-dispatched to zhzfj, 48 h, unsatisfied -> 重办 -> signed again.
    b = await desk.new("complaint")
    await desk.do(b, "dispatch", "agent", {"department": "zjj"})
    await desk.do(b, "return", "dept_zjj", {"reason": "不属于本单位职责"})
    await desk.do(b, "dispatch", "agent", {"department": "zhzfj"})
    await desk.do(b, "sign", "dept_zhzfj")
    await desk.do(b, "reply", "dept_zhzfj", reply)
    await desk.do(b, "callback", "agent", {"reached": True, "resolved": False, "satisfaction": "unsatisfied"})
    await desk.do(b, "reopen", "supervisor", {"reason": "未解决，重办"})
    await desk.do(b, "sign", "dept_zhzfj")
    await desk.date(b, {"receive": ["03-02 09:00"], "dispatch": ["03-02 10:00", "03-02 13:00"],
                        "return": ["03-02 12:00"], "sign": ["03-02 14:00", "03-05 10:00"],
                        "reply": ["03-04 13:00"], "reopen": ["03-05 09:00"]})
    # C: anonymous, zhzfj signs late (deadline 12:00) and replies late after 12 h: not callable.
    c = await desk.new("complaint", citizen={"anonymous": True})
    await desk.do(c, "dispatch", "agent", {"department": "zhzfj"})
    await desk.do(c, "sign", "dept_zhzfj")
    await desk.do(c, "reply", "dept_zhzfj", reply)
    await desk.sql("UPDATE tickets SET sign_by = '2026-03-03 12:00+08' WHERE ticket_number = $1", c)
    await desk.sql("UPDATE ticket_events SET data = data || '{\"on_time\": false}' WHERE action = 'reply' AND "
                   "ticket_id = (SELECT id FROM tickets WHERE ticket_number = $1)", c)
    await desk.date(c, {"receive": ["03-03 09:00"], "dispatch": ["03-03 10:00"], "sign": ["03-03 12:30"],
                        "reply": ["03-03 22:00"]})
    # D: a consultation answered at once; E: a consultation dispatched to zjj, not yet signed.
    d = await desk.new("consult")
    await desk.do(d, "answer", "agent", {"content": "请携带身份证办理。"})
    await desk.date(d, {"receive": ["03-04 09:00"], "answer": ["03-04 09:05"]})
    e = await desk.new("consult")
    await desk.do(e, "dispatch", "agent", {"department": "zjj"})
    await desk.date(e, {"receive": ["03-04 10:00"], "dispatch": ["03-04 10:30"]})
    # F: zjj, 6 h, callback still due.
    f = await desk.new("complaint")
    await desk.do(f, "dispatch", "agent", {"department": "zjj"})
    await desk.do(f, "sign", "dept_zjj")
    await desk.do(f, "reply", "dept_zjj", reply)
    await desk.date(f, {"receive": ["03-05 09:00"], "dispatch": ["03-05 09:30"], "sign": ["03-05 10:00"],
                        "reply": ["03-05 15:30"]})
    # H: the same caller again about F's road; the agent merges it into F (a repeat contact).
    h = await desk.new("complaint")
    await desk.do(h, "merge", "agent", {"into": f, "reason": "同一路段重复来电"})
    await desk.date(h, {"receive": ["03-06 09:00"], "merge": ["03-06 09:05"]})
    # G, the week before: a consultation answered at once.
    g = await desk.new("consult")
    await desk.do(g, "answer", "agent", {"content": "可网上办理。"})
    await desk.date(g, {"receive": ["02-25 09:00"], "answer": ["02-25 09:10"]})


EXPECTED_OVERALL = {
    "volume": 7, "replied": 4, "callback_rate": 0.5, "not_callable": 1, "refused": 0, "callbacks_pending": 1,
    "satisfaction_rate": 0.5, "resolution_rate": 0.5, "on_time_sign_rate": 0.8, "on_time_reply_rate": 0.75,
    "handling_hours_mean": 22.5, "handling_hours_p90": 40.8, "repeat_contact_rate": 0.1429,
    "direct_answer_rate": 0.5, "return_rate": 0.1667, "returns": 1, "first_dispatch_accuracy": 0.8,
    "reopen_rate": 0.25, "appeals_upheld": 0,
}
EXPECTED_DEPARTMENTS = {
    "zjj": {"volume": 4, "repeat_contact_rate": 0.25, "replied": 2, "return_rate": 0.25,
            "first_dispatch_accuracy": 0.75,
            "on_time_sign_rate": 1.0, "on_time_reply_rate": 1.0, "callback_rate": 0.5, "satisfaction_rate": 1.0,
            "handling_hours_mean": 15.0},
    "zhzfj": {"volume": 2, "replied": 2, "return_rate": 0.0, "first_dispatch_accuracy": 1.0,
              "on_time_sign_rate": 0.6667, "on_time_reply_rate": 0.5, "callback_rate": 0.5, "not_callable": 1,
              "satisfaction_rate": 0.0, "reopen_rate": 0.5, "handling_hours_mean": 30.0},
}


async def test_metrics_equal_the_hand_computed_week(clean_api):
    api, tokens, pool = clean_api
    await build_week(Desk(api, tokens, pool))

    assert (await api.get("/api/v1/metrics", params=WEEK, headers=tokens["agent"])).status_code == 403
    response = await api.get("/api/v1/metrics", params={**WEEK, "group_by": "department"}, headers=tokens["supervisor"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"]["from"].startswith("2026-03-02T00:00:00+08:00")
    assert body["previous_period"]["from"].startswith("2026-02-23T00:00:00+08:00")
    assert body["repeat_linking"] == "agent-confirmed merges"
    assert {k: body["overall"][k] for k in EXPECTED_OVERALL} == EXPECTED_OVERALL

    previous = body["overall"]["previous"]
    assert (previous["volume"], previous["direct_answer_rate"]) == (1, 1.0)
    assert previous["callback_rate"] is None and previous["satisfaction_rate"] is None  # nothing to measure

    groups = {g["key"]: g for g in body["groups"]}
    for department, expected in EXPECTED_DEPARTMENTS.items():
        assert {k: groups[department][k] for k in expected} == expected, department
    assert groups["zjj"]["label"] == "温州市住房和城乡建设局"
    assert groups[None]["volume"] == 1 and groups[None]["label"] == "未派单"

    league = (await api.get("/api/v1/metrics/league", params=WEEK, headers=tokens["supervisor"])).json()
    ranked = [row["department"] for row in league["departments"]]
    assert ranked[:2] == ["zjj", "zhzfj"]  # 100 % on time beats 50 %
    assert league["departments"][1]["open_supervision_orders"] == 1  # the 重办 issued a 督办单


async def test_reports_export_the_same_numbers(clean_api):
    api, tokens, pool = clean_api
    await build_week(Desk(api, tokens, pool))
    params = {**WEEK, "group_by": "department"}

    csv_response = await api.get("/api/v1/metrics/report.csv", params=params, headers=tokens["supervisor"])
    assert csv_response.status_code == 200 and "attachment" in csv_response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0]["分组"] == "全市合计" and rows[0]["受理量"] == "7" and rows[0]["回访率"] == "0.5"
    assert rows[0]["回访率(上期)"] == ""  # no replies the week before: no rate, not 0

    xlsx = await api.get("/api/v1/metrics/report.xlsx", params=params, headers=tokens["supervisor"])
    sheet = load_workbook(io.BytesIO(xlsx.content))["指标"]
    header = [cell.value for cell in sheet[4]]
    overall = [cell.value for cell in sheet[5]]
    assert overall[header.index("满意率")] == 0.5 and overall[header.index("无法回访")] == 1



async def test_groups_by_place_and_category_follow_a_corrected_ticket(clean_api):
    api, tokens, pool = clean_api
    await build_week(Desk(api, tokens, pool))
    # A (replied, called back: satisfied) turns out to be about the environment: its numbers move with it.
    a = (await api.get("/api/v1/tickets", params={"status": "closed"}, headers=tokens["supervisor"])).json()
    closed_a = [t["ticket_number"] for t in a["items"] if t["lead_department"] == "zjj"]
    assert len(closed_a) == 1
    await Desk(api, tokens, pool).do(closed_a[0], "classification", "agent",
                                     {"type": "complaint", "category": "环境保护", "urgency": "normal"})

    by_category = (await api.get("/api/v1/metrics", params={**WEEK, "group_by": "category"},
                                 headers=tokens["supervisor"])).json()
    groups = {g["key"]: g for g in by_category["groups"]}
    moved = {k: groups["环境保护"][k] for k in ("volume", "replied", "callback_rate", "satisfaction_rate",
                                                "on_time_sign_rate", "first_dispatch_accuracy")}
    assert moved == {"volume": 1, "replied": 1, "callback_rate": 1.0, "satisfaction_rate": 1.0,
                     "on_time_sign_rate": 1.0, "first_dispatch_accuracy": 1.0}
    stayed = groups["城乡建设"]
    assert (stayed["volume"], stayed["replied"], stayed["satisfaction_rate"]) == (6, 3, 0.0)

    by_district = (await api.get("/api/v1/metrics", params={**WEEK, "group_by": "district"},
                                 headers=tokens["supervisor"])).json()
    lucheng = {g["key"]: g for g in by_district["groups"]}["330302"]
    assert lucheng["label"] == "鹿城区"
    assert {k: lucheng[k] for k in EXPECTED_OVERALL} == EXPECTED_OVERALL  # every ticket of the week is in 鹿城区


@pytest.mark.parametrize("params,field", [
    ({"from": "2026-03-08", "to": "2026-03-01"}, "to"),
    ({"from": "March"}, "from"),
    ({"group_by": "street"}, "group_by"),
])
async def test_bad_metric_queries_name_the_field(api, tokens, params, field):
    response = await api.get("/api/v1/metrics", params=params, headers=tokens["supervisor"])
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == field
