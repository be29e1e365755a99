"""Submitting from every channel: idempotent, normalised, masked, and strict about bad input."""
import uuid

import pytest

CONTENT = "鹿城区五马街道解放街12号楼下饭店油烟直排，我的电话13812345678，请尽快处理。"


def body(**overrides):
    payload = {
        "channel": "web", "external_id": str(uuid.uuid4()),
        "citizen": {"name": "张三", "phone": "13812345678"},
        "title": "油烟扰民", "content": CONTENT, "address": "温州市鹿城区五马街道解放街12号",
    }
    payload.update(overrides)
    return payload


async def test_public_web_submission_creates_a_received_ticket(api, tokens):
    response = await api.post("/api/v1/submissions", json=body())
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "received" and len(created["ticket_number"]) == 14

    ticket = (await api.get(f"/api/v1/tickets/{created['ticket_number']}", headers=tokens["agent"])).json()
    assert ticket["district_code"] == "330302"
    assert ticket["citizen"]["phone"] == "13812345678"  # the agent may call back
    events = (await api.get(f"/api/v1/tickets/{created['ticket_number']}/events", headers=tokens["agent"])).json()
    assert [e["action"] for e in events] == ["receive"]
    assert "13812345678" not in str(events)


async def test_same_payload_twice_returns_the_same_ticket(api):
    payload = body()
    first = await api.post("/api/v1/submissions", json=payload)
    again = await api.post("/api/v1/submissions", json=payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["ticket_number"] == first.json()["ticket_number"]


async def test_different_payload_under_same_key_is_a_conflict_naming_the_key(api):
    payload = body()
    await api.post("/api/v1/submissions", json=payload)
    response = await api.post("/api/v1/submissions", json={**payload, "content": "另一件事"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["key"] == {"channel": "web", "external_id": payload["external_id"]}


async def test_concurrent_duplicates_make_one_ticket(api):
    import asyncio

    payload = body()
    responses = await asyncio.gather(*[api.post("/api/v1/submissions", json=payload) for _ in range(8)])
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201]
    assert len({r.json()["ticket_number"] for r in responses}) == 1


async def test_phone_channel_needs_an_agent(api, tokens):
    anonymous = await api.post("/api/v1/submissions", json=body(channel="phone"))
    assert anonymous.status_code == 401
    department = await api.post("/api/v1/submissions", json=body(channel="phone"), headers=tokens["dept_zjj"])
    assert department.status_code == 403
    agent = await api.post("/api/v1/submissions", json=body(channel="phone"), headers=tokens["agent"])
    assert agent.status_code == 201


async def test_traditional_and_full_width_text_is_normalised(api, tokens):
    response = await api.post("/api/v1/submissions", json=body(content="請問辦理護照需要帶什麼材料？電話１３９１２３４５６７８"))
    ticket = (await api.get(f"/api/v1/tickets/{response.json()['ticket_number']}", headers=tokens["agent"])).json()
    assert ticket["content"].startswith("请问办理护照需要带什么材料")
    assert "13912345678" in ticket["content"]


@pytest.mark.parametrize("override,field", [
    ({"channel": "fax"}, "channel"),
    ({"content": ""}, "content"),
    ({"content": "   "}, "content"),
    ({"content": "x" * 20_001}, "content"),
    ({"content": "bad\u0000byte"}, "content"),
    ({"citizen": {"phone": "12345"}}, "citizen.phone"),
    ({"citizen": {"id_number": "330302199001011234"}}, "citizen.id_number"),
    ({"received_at": "yesterday"}, "received_at"),
    ({"received_at": "2999-01-01T00:00:00+08:00"}, "received_at"),
    ({"colour": "red"}, "colour"),
])
async def test_bad_input_names_the_field(api, override, field):
    response = await api.post("/api/v1/submissions", json=body(**override))
    assert response.status_code == 422, response.text
    assert field in [f["field"] for f in response.json()["error"]["fields"]]


async def test_oversized_body_is_refused_before_parsing(api):
    response = await api.post("/api/v1/submissions", content=b"{" + b" " * 300_000 + b"}",
                              headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_more_concurrent_callers_than_pooled_connections_all_get_through(api):
    import asyncio

    # 24 public submissions at once against a pool of 10: nothing may hold a connection while waiting
    # for another (that deadlocked once, through the rate-limit dependency).
    responses = await asyncio.wait_for(
        asyncio.gather(*[api.post("/api/v1/submissions", json=body()) for _ in range(24)]), timeout=120)
    assert [r.status_code for r in responses] == [201] * 24
