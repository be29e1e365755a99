"""The public lookup over HTTP: the right number and last four digits show status, reply and the public steps;
anything else gets the same "not found" answer, so ticket numbers cannot be enumerated."""
from __future__ import annotations

import httpx
import pytest

from tests.web.api_steps import dispatched_to_zjj, file_call, zjj_does

PHONE = "13577778888"
REPLY = "经现场核查，已督促施工单位调整作业时间，夜间22时后停止施工。"


async def _lookup(server, number: str, last4: str, **extra) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url) as client:
        return await client.post("/api/v1/public/tickets/lookup",
                                 json={"ticket_number": number, "phone_last4": last4, **extra})


async def test_the_caller_sees_the_reply_and_the_public_steps(live_server):
    number = await dispatched_to_zjj(live_server, "瓯海区某工地夜间施工噪音扰民，影响休息", phone=PHONE)
    before = (await _lookup(live_server, number, PHONE[-4:])).json()
    assert before["found"] and before["status_label"] == "已转办" and before["reply"] is None
    assert before["reply_by"] is not None  # the citizen sees when to expect an answer

    await zjj_does(live_server, number, ("sign", None), ("reply", {"content": REPLY}))
    response = await _lookup(live_server, number, PHONE[-4:])
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    ticket = response.json()
    assert ticket["ticket_number"] == number and ticket["status"] == "replied" and ticket["status_label"] == "已答复"
    assert ticket["reply"] == REPLY
    steps = [step["label"] for step in ticket["timeline"]]
    assert steps == ["工单已受理", "已转交承办单位办理", "承办单位已签收", "承办单位已答复"]  # no internal steps


async def test_wrong_digits_and_unknown_numbers_get_the_same_answer(live_server):
    number = await file_call(live_server, "小区门口垃圾桶长期满溢无人清运", phone=PHONE)
    wrong_digits = await _lookup(live_server, number, "0000")
    unknown_number = await _lookup(live_server, "20000101999999", PHONE[-4:])
    assert wrong_digits.status_code == unknown_number.status_code == 200
    assert wrong_digits.json() == unknown_number.json() == {"found": False}


async def test_a_ticket_filed_without_a_phone_cannot_be_looked_up(live_server):
    number = await file_call(live_server, "建议在公园增设儿童游乐设施")
    assert (await _lookup(live_server, number, "0000")).json() == {"found": False}


@pytest.mark.parametrize(("body", "field"), [
    ({"ticket_number": "20260101000001", "phone_last4": "12a4"}, "phone_last4"),
    ({"ticket_number": "20260101000001", "phone_last4": "12345"}, "phone_last4"),
    ({"ticket_number": "", "phone_last4": "1234"}, "ticket_number"),
    ({"ticket_number": "20260101000001", "phone_last4": "1234", "name": "x"}, "name"),
])
async def test_bad_lookups_name_the_field(live_server, body, field):
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.post("/api/v1/public/tickets/lookup", json=body)
    assert response.status_code == 422
    assert field in [f["field"] for f in response.json()["error"]["fields"]]
