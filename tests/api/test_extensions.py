"""延期 rules: one open request per ticket (the department can read it back), a rejection needs a reason, and a
further request shows the approver the extensions already granted."""
from datetime import datetime

from tests.api.test_access_matrix import ticket_sent_to_zjj
from tests.api.test_callbacks import actions

REQUESTS = "/api/v1/extension-requests"


async def signed_ticket(api, tokens) -> str:
    number = await ticket_sent_to_zjj(api, tokens)
    assert (await api.post(f"/api/v1/tickets/{number}/sign", headers=tokens["dept_zjj"])).status_code == 200
    return number


async def ask(api, tokens, number, days, reason):
    return await api.post(f"/api/v1/tickets/{number}/extension-requests", headers=tokens["dept_zjj"],
                          json={"working_days": days, "reason": reason})


async def test_one_open_request_per_ticket_and_the_department_reads_it_back(api, tokens):
    number = await signed_ticket(api, tokens)
    first = await ask(api, tokens, number, 3, "需现场勘查")
    assert first.status_code == 201, first.text
    second = await ask(api, tokens, number, 2, "再申请")
    assert second.status_code == 409 and second.json()["error"]["reason"] == "extension_pending"
    pending = await api.get(REQUESTS, params={"status": "pending", "ticket_number": number},
                            headers=tokens["dept_zjj"])
    assert [(r["working_days"], r["reason"]) for r in pending.json()] == [(3, "需现场勘查")]
    assert (await api.get(REQUESTS, params={"status": "late"}, headers=tokens["dept_zjj"])).status_code == 422
    assert (await api.get(REQUESTS, params={"ticket_number": number}, headers=tokens["dept_zhzfj"])).json() == []


async def test_a_rejection_needs_a_reason_and_nothing_is_decided_without_one(api, tokens):
    number = await signed_ticket(api, tokens)
    request_id = (await ask(api, tokens, number, 3, "需协调多个部门")).json()["id"]
    for body in (None, {}, {"note": "   "}):
        refused = await api.post(f"{REQUESTS}/{request_id}/reject", headers=tokens["supervisor"], json=body)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["fields"][0]["field"] == "note"
    still = (await api.get(REQUESTS, params={"ticket_number": number}, headers=tokens["supervisor"])).json()
    assert [r["status"] for r in still] == ["pending"]
    assert "extension_rejected" not in await actions(api, tokens, number)
    rejected = await api.post(f"{REQUESTS}/{request_id}/reject", headers=tokens["supervisor"],
                              json={"note": "时限内可办结，不同意延期"})
    assert rejected.status_code == 200 and rejected.json()["decision_note"] == "时限内可办结，不同意延期"


async def test_a_second_request_after_an_approved_one_shows_the_first(api, tokens):
    number = await signed_ticket(api, tokens)
    first = (await ask(api, tokens, number, 5, "需等待检测报告")).json()
    approved = await api.post(f"{REQUESTS}/{first['id']}/approve", headers=tokens["supervisor"])
    assert approved.status_code == 200, approved.text
    second = await ask(api, tokens, number, 3, "检测报告延迟出具")
    assert second.status_code == 201, second.text
    listed = {r["id"]: r for r in (await api.get(REQUESTS, params={"status": "pending"},
                                                 headers=tokens["supervisor"])).json()}
    [earlier] = listed[second.json()["id"]]["earlier"]
    assert (earlier["working_days"], earlier["reason"]) == (5, "需等待检测报告")
    assert datetime.fromisoformat(earlier["reply_by_after"]) == datetime.fromisoformat(
        approved.json()["reply_by_after"])
    assert listed[second.json()["id"]]["ticket_number"] == number
