"""The PBX link: call events with a PBX token, the call log (waited, talked, the ticket that came of the call),
transfers, the figures per agent, and the screen pop's caller history (landlines too)."""
from __future__ import annotations

import uuid

import pytest

from hotline.cti.service import create_token
from hotline.infra.db import connect

CALLER = "13906661234"


@pytest.fixture(scope="module")
async def pbx(shared_db_url):
    conn = await connect(shared_db_url)
    try:
        _, token = await create_token(conn, name=f"测试交换机 {uuid.uuid4().hex[:6]}", note=None, actor=None)
    finally:
        await conn.close()
    return {"Authorization": f"Bearer {token}"}


def call_id() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


async def post_event(api, pbx, **body):
    return await api.post("/api/v1/cti/events", headers=pbx, json=body)


async def play(api, pbx, cid, *, caller=CALLER, agent="agent", ringing="2026-01-05T09:00:00+08:00",
               answered="2026-01-05T09:00:12+08:00", hangup="2026-01-05T09:03:02+08:00"):
    for event, at in (("ringing", ringing), ("answered", answered), ("hangup", hangup)):
        if at is None:
            continue
        response = await post_event(api, pbx, event=event, call_id=cid, to="12345", agent=agent, at=at,
                                    **{"from": caller})
        assert response.status_code == 200, response.text
    return response.json()


async def log_row(api, headers, cid, **params):
    rows = (await api.get("/api/v1/cti/calls", headers=headers,
                          params={"from": "2026-01-05", "to": "2026-01-05", **params})).json()
    return next((r for r in rows if r["call_id"] == cid), None)


async def test_a_call_is_logged_with_its_wait_talk_and_ticket(api, tokens, pbx):
    cid = call_id()
    last = await play(api, pbx, cid, hangup=None)
    assert last["state"] == "answered" and last["waited_s"] == 12.0 and last["talked_s"] is None
    filed = await api.post("/api/v1/submissions", headers=tokens["agent"], json={
        "channel": "phone", "external_id": str(uuid.uuid4()), "call_id": cid,
        "content": "鹿城区五马街道解放街88号楼下烧烤店每晚油烟很大，希望尽快处理。", "citizen": {"phone": CALLER}})
    assert filed.status_code == 201, filed.text
    number = filed.json()["ticket_number"]
    ended = await post_event(api, pbx, event="hangup", call_id=cid, agent="agent", cause="normalClearing",
                             at="2026-01-05T09:03:02+08:00", **{"from": CALLER})
    assert ended.json()["talked_s"] == 170.0

    row = await log_row(api, tokens["agent"], cid, agent="agent")
    assert row["from"] == CALLER and not row["from_masked"]  # the agent took the call
    assert (row["agent"], row["waited_s"], row["talked_s"], row["ticket_number"]) == ("agent", 12.0, 170.0, number)
    assert row["state"] == "ended" and row["end_cause"] == "normalClearing"
    other = await log_row(api, tokens["supervisor"], cid)
    assert other["from"] == "139****1234" and other["from_masked"]  # masked for everyone else

    ticket = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["agent"])).json()
    assert ticket["call_id"] == cid
    received = (await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["agent"])).json()[0]
    assert received["action"] == "receive" and received["data"]["call_id"] == cid


async def test_a_retried_event_changes_nothing(api, tokens, pbx):
    cid = call_id()
    await play(api, pbx, cid)
    again = await post_event(api, pbx, event="answered", call_id=cid, agent="agent",
                             at="2026-01-05T09:01:00+08:00", **{"from": CALLER})
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert (await log_row(api, tokens["agent"], cid))["waited_s"] == 12.0  # the first answer stands


async def test_zammad_names_and_an_unanswered_call(api, tokens, pbx):
    cid = call_id()
    rang = await api.post("/api/v1/cti/events", headers=pbx, json={
        "event": "newCall", "callId": cid, "from": "0577-88123456", "to": "12345", "direction": "in",
        "at": "2026-01-05T10:00:00+08:00"})
    assert rang.status_code == 200, rang.text
    await post_event(api, pbx, event="hangup", call_id=cid, cause="cancel", at="2026-01-05T10:00:40+08:00",
                     **{"from": "0577-88123456"})
    row = await log_row(api, tokens["supervisor"], cid)
    assert row["state"] == "missed" and row["waited_s"] == 40.0 and row["talked_s"] is None
    assert row["from"] == "0577-****56"  # stored as 057788123456, masked like any landline


async def test_the_pbx_needs_its_token_and_every_bad_field_is_named(api, pbx):
    body = {"event": "ringing", "call_id": call_id(), "from": CALLER, "agent": "agent"}
    assert (await api.post("/api/v1/cti/events", json=body)).status_code == 401
    assert (await api.post("/api/v1/cti/events", json=body,
                           headers={"Authorization": "Bearer cti_not-a-token"})).status_code == 401
    for change, field in (({"event": "dialling"}, "event"), ({"call_id": ""}, "call_id"), ({"from": None}, "from"),
                          ({"agent": "nobody-here"}, "agent"), ({"agent": "dept_zjj"}, "agent"),
                          ({"at": "2099-12-01T00:00:00+08:00"}, "at"), ({"at": "yesterday"}, "at")):
        response = await post_event(api, pbx, **{**body, **change})
        assert response.status_code == 422, (change, response.text)
        assert [f["field"] for f in response.json()["error"]["fields"]] == [field], change
    missing = await api.post("/api/v1/cti/events", headers=pbx, json={"event": "ringing", "from": CALLER})
    assert [f["field"] for f in missing.json()["error"]["fields"]] == ["call_id"]


async def test_a_ticket_names_only_a_call_its_agent_took(api, tokens, pbx):
    cid = call_id()
    await play(api, pbx, cid, agent="supervisor")
    response = await api.post("/api/v1/submissions", headers=tokens["agent"], json={
        "channel": "phone", "external_id": str(uuid.uuid4()), "call_id": cid, "content": "咨询公积金提取"})
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "call_id"


async def test_a_call_put_through_by_110_keeps_its_channel(api, tokens, pbx):
    cid = call_id()
    for event in ("ringing", "answered"):
        response = await post_event(api, pbx, event=event, call_id=cid, to="12345", agent="agent", channel="110",
                                    **{"from": CALLER})
        assert response.status_code == 200, response.text
    body = {"external_id": str(uuid.uuid4()), "call_id": cid, "content": "110转来：小区门口有人长期占道经营"}
    wrong = await api.post("/api/v1/submissions", headers=tokens["agent"], json={**body, "channel": "phone"})
    assert wrong.status_code == 422 and wrong.json()["error"]["fields"][0]["field"] == "channel"
    filed = await api.post("/api/v1/submissions", headers=tokens["agent"], json={**body, "channel": "110"})
    assert filed.status_code == 201, filed.text
    ticket = (await api.get(f"/api/v1/tickets/{filed.json()['ticket_number']}", headers=tokens["agent"])).json()
    assert ticket["channel"] == "110" and ticket["call_id"] == cid
    assert (await log_row(api, tokens["agent"], cid, **{"from": None, "to": None}))["channel"] == "110"


async def test_transfers_are_events_and_counted(api, tokens, pbx):
    cid = call_id()
    await play(api, pbx, cid, hangup=None)
    number = (await api.post("/api/v1/submissions", headers=tokens["agent"], json={
        "channel": "phone", "external_id": str(uuid.uuid4()), "call_id": cid,
        "content": "有人在龙湾区永中街道的小区里打架，有人受伤了"})).json()["ticket_number"]
    moved = await api.post("/api/v1/cti/transfers", headers=tokens["agent"], json={
        "target": "110", "reason": "正在发生的治安案件", "call_id": cid, "ticket_number": number})
    assert moved.status_code == 201, moved.text
    assert moved.json()["number_given"] == "110"
    event = (await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["agent"])).json()[-1]
    assert event["action"] == "transfer" and event["data"]["target"] == "110" and event["reason"]
    other = await api.post("/api/v1/cti/transfers", headers=tokens["agent"], json={"target": "other", "reason": "法律咨询"})
    assert other.status_code == 422 and other.json()["error"]["fields"][0]["field"] == "target_name"
    assert (await log_row(api, tokens["agent"], cid))["transfers"] == ["110"]

    figures = (await api.get("/api/v1/cti/metrics", headers=tokens["supervisor"],
                             params={"from": "2026-01-05", "to": "2026-01-05"})).json()
    mine = next(a for a in figures["agents"] if a["agent"] == "agent")
    assert mine["answered"] >= 1 and mine["avg_wait_s"] == 12.0
    today = (await api.get("/api/v1/cti/metrics", headers=tokens["supervisor"])).json()
    assert today["transfers_by_target"].get("110", 0) >= 1  # counted when it was recorded (today)
    assert next(a for a in today["agents"] if a["agent"] == "agent")["transfers"] >= 1
    assert (await api.get("/api/v1/cti/metrics", headers=tokens["agent"])).status_code == 403


async def test_the_screen_pop_finds_a_landline_callers_tickets(api, tokens, pbx):
    landline = "0577-86661234"
    earlier = (await api.post("/api/v1/submissions", headers=tokens["agent"], json={
        "channel": "phone", "external_id": str(uuid.uuid4()), "content": "瓯海区娄桥街道路灯不亮",
        "citizen": {"phone": landline}})).json()["ticket_number"]
    cid = call_id()
    for event in ("ringing", "answered"):  # the PBX sends the local number without its area code
        await post_event(api, pbx, event=event, call_id=cid, agent="agent", **{"from": "86661234"})
    row = await log_row(api, tokens["agent"], cid, **{"from": None, "to": None})
    assert row["from"] == "057786661234"
    refs = (await api.get("/api/v1/cti/calls", headers=tokens["agent"])).json()
    assert any(r["call_id"] == cid for r in refs)  # today's log by default
    ref = row["ref"]
    caller = (await api.get(f"/api/v1/cti/calls/{ref}/caller", headers=tokens["agent"])).json()
    assert earlier in caller["open"] and caller["tickets"][0]["ticket_number"] == earlier
    assert (await api.get(f"/api/v1/cti/calls/{ref}/caller", headers=tokens["dept_zjj"])).status_code == 403

