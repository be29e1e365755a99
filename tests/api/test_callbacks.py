"""回访 on every reply: the due list, outcomes that close or wait for review, 重办, 申诉, the citizen's link."""
import uuid
from datetime import datetime

import pytest

from tests.api.test_metrics import clean_api  # noqa: F401  (a fixture: a client on a database of its own)


async def replied_ticket(api, tokens, *, citizen=None, department="zjj"):
    """A complaint taken by phone, dispatched, signed and replied by `department`."""
    created = await api.post("/api/v1/submissions", headers=tokens["agent"], json={
        "channel": "phone", "external_id": str(uuid.uuid4()), "content": "鹿城区五马街道解放街路灯不亮，请维修。",
        "citizen": citizen if citizen is not None else {"name": "钱七", "phone": "13712345678"},
        "address": "温州市鹿城区五马街道"})
    assert created.status_code == 201, created.text
    number = created.json()["ticket_number"]
    steps = [
        ("classification", "agent", {"type": "complaint", "category": "城乡建设", "urgency": "normal"}),
        ("dispatch", "agent", {"department": department}),
        ("sign", f"dept_{department}", None),
        ("reply", f"dept_{department}", {"content": "已派人更换灯具，路灯恢复照明。"}),
    ]
    for action, user, body in steps:
        response = await api.post(f"/api/v1/tickets/{number}/{action}", headers=tokens[user], json=body)
        assert response.status_code == 200, (action, response.text)
    return number


async def callbacks(api, tokens, status, user="agent"):
    response = await api.get("/api/v1/callbacks", params={"status": status}, headers=tokens[user])
    assert response.status_code == 200, response.text
    return {c["ticket_number"]: c for c in response.json()}


async def ticket(api, tokens, number):
    return (await api.get(f"/api/v1/tickets/{number}", headers=tokens["supervisor"])).json()


async def actions(api, tokens, number):
    timeline = await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["supervisor"])
    return [e["action"] for e in timeline.json()]


async def test_a_replied_ticket_is_due_for_callback_and_a_satisfied_one_closes(api, tokens):
    number = await replied_ticket(api, tokens)
    due = (await callbacks(api, tokens, "due"))[number]
    assert due["status"] == "due" and due["ticket_status"] == "replied" and due["department_code"] == "zjj"
    assert datetime.fromisoformat(due["due_at"]) > datetime.fromisoformat(due["replied_at"])

    done = await api.post(f"/api/v1/tickets/{number}/callback", headers=tokens["agent"], json={
        "reached": True, "resolved": True, "satisfaction": "basically_satisfied", "comment": "灯亮了"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done" and done.json()["ticket_status"] == "closed"
    assert (await actions(api, tokens, number))[-3:] == ["reply", "callback", "close"]
    assert number not in await callbacks(api, tokens, "due")
    again = await api.post(f"/api/v1/tickets/{number}/callback", headers=tokens["agent"], json={"reached": False})
    assert again.status_code == 409


async def test_unsatisfied_callback_is_reopened_and_the_department_signs_and_replies_again(api, tokens):
    number = await replied_ticket(api, tokens)
    unhappy = await api.post(f"/api/v1/tickets/{number}/callback", headers=tokens["agent"], json={
        "reached": True, "resolved": False, "satisfaction": "unsatisfied", "comment": "灯还是不亮"})
    assert unhappy.json()["ticket_status"] == "callback_done"
    assert number in await callbacks(api, tokens, "awaiting_review", user="supervisor")

    assert (await api.post(f"/api/v1/tickets/{number}/reopen", headers=tokens["agent"],
                           json={"reason": "群众反映未修好"})).status_code == 403
    reopened = await api.post(f"/api/v1/tickets/{number}/reopen", headers=tokens["supervisor"],
                              json={"reason": "群众反映未修好，重办"})
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["review"] == "reopened" and reopened.json()["ticket_status"] == "reopened"
    after = await ticket(api, tokens, number)
    events = (await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["supervisor"])).json()
    assert [e["action"] for e in events[-2:]] == ["reopen", "supervision_order"]  # the 督办单 is on the timeline
    reopen = events[-2]
    assert reopen["reason"] == "群众反映未修好，重办"
    fresh = (await api.get("/api/v1/sla/deadlines", params={
        "start": reopen["created_at"], "type": "complaint", "urgency": "normal"})).json()
    for deadline in ("sign_by", "reply_by"):  # counted afresh from the 重办
        assert datetime.fromisoformat(after[deadline]) == datetime.fromisoformat(fresh[deadline])
    orders = (await api.get("/api/v1/supervision-orders", params={"status": "open"}, headers=tokens["dept_zjj"])).json()
    assert any(o["ticket_number"] == number and o["cause"] == "unsatisfied" for o in orders)

    assert (await api.post(f"/api/v1/tickets/{number}/reply", headers=tokens["dept_zjj"],
                           json={"content": "x"})).status_code == 409  # must sign again first
    assert (await api.post(f"/api/v1/tickets/{number}/sign", headers=tokens["dept_zjj"])).json()["status"] == "accepted"
    replied = await api.post(f"/api/v1/tickets/{number}/reply", headers=tokens["dept_zjj"],
                             json={"content": "已更换线路，复查正常。"})
    assert replied.json()["status"] == "replied"
    assert (await callbacks(api, tokens, "due"))[number]["review"] is None  # a new callback for the new reply


async def test_the_departments_appeal_upheld_closes_the_ticket(api, tokens):
    number = await replied_ticket(api, tokens)
    await api.post(f"/api/v1/tickets/{number}/callback", headers=tokens["agent"], json={
        "reached": True, "resolved": True, "satisfaction": "unsatisfied"})
    upheld = await api.post(f"/api/v1/tickets/{number}/appeal-upheld", headers=tokens["supervisor"],
                            json={"reason": "诉求超出政策范围，申诉成立"})
    assert upheld.status_code == 200, upheld.text
    assert upheld.json()["review"] == "appeal_upheld" and upheld.json()["ticket_status"] == "closed"
    twice = await api.post(f"/api/v1/tickets/{number}/reopen", headers=tokens["supervisor"], json={"reason": "x"})
    assert twice.status_code == 409


async def test_anonymous_and_numberless_tickets_are_not_callable_with_the_reason(api, tokens):
    anonymous = await replied_ticket(api, tokens, citizen={"anonymous": True})
    no_number = await replied_ticket(api, tokens, citizen={"name": "孙八"})
    listed = await callbacks(api, tokens, "not_callable")
    assert listed[anonymous]["not_callable_reason"] == "anonymous"
    assert listed[no_number]["not_callable_reason"] == "no_number"
    assert listed[anonymous]["ticket_status"] == "closed"  # counted, not left waiting
    assert (await actions(api, tokens, anonymous))[-3:] == ["reply", "callback", "close"]


async def test_three_unreached_attempts_make_the_callback_not_callable(api, tokens):
    number = await replied_ticket(api, tokens)
    for attempt in (1, 2):
        response = await api.post(f"/api/v1/tickets/{number}/callback", headers=tokens["agent"],
                                  json={"reached": False})
        assert response.json()["attempts"] == attempt and response.json()["status"] == "due"
    last = await api.post(f"/api/v1/tickets/{number}/callback", headers=tokens["agent"], json={"reached": False})
    assert last.json()["status"] == "not_callable"
    assert last.json()["not_callable_reason"] == "unreachable_after_retries"
    assert (await actions(api, tokens, number)).count("callback_attempt") == 2


@pytest.mark.parametrize("body,field", [
    ({"reached": True, "resolved": True, "satisfaction": "happy"}, "satisfaction"),
    ({"resolved": True, "satisfaction": "satisfied"}, "reached"),
    ({"reached": True, "resolved": True}, "satisfaction"),
    ({"reached": True, "satisfaction": "satisfied"}, "resolved"),
])
async def test_bad_callback_input_names_the_field(api, tokens, body, field):
    number = await replied_ticket(api, tokens)
    response = await api.post(f"/api/v1/tickets/{number}/callback", headers=tokens["agent"], json=body)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == field
    assert (await callbacks(api, tokens, "due"))[number]["attempts"] == 0  # nothing half-written


async def test_the_citizen_answers_once_through_the_link_without_logging_in(api, tokens):
    number = await replied_ticket(api, tokens)
    assert (await api.post(f"/api/v1/tickets/{number}/callback-link", headers=tokens["dept_zjj"])).status_code == 403
    link = await api.post(f"/api/v1/tickets/{number}/callback-link", headers=tokens["agent"])
    assert link.status_code == 201, link.text
    assert link.json()["path"] == "/callback/" + link.json()["token"]  # the page the SMS links to
    path = link.json()["api_path"]

    page = await api.get(path)
    assert page.status_code == 200 and page.json()["ticket_number"] == number
    assert page.json()["reply"] == "已派人更换灯具，路灯恢复照明。" and page.json()["answered"] is False
    answered = await api.post(path, json={"resolved": True, "satisfaction": "satisfied", "comment": "谢谢"})
    assert answered.status_code == 200, answered.text
    assert (await ticket(api, tokens, number))["status"] == "closed"
    assert (await api.post(path, json={"resolved": True, "satisfaction": "satisfied"})).status_code == 409
    assert (await api.get(path)).json()["answered"] is True
    assert (await api.get("/api/v1/public/callbacks/" + "x" * 32)).status_code == 404


async def test_a_department_sees_only_its_own_callbacks(api, tokens):
    mine = await replied_ticket(api, tokens, department="zjj")
    theirs = await replied_ticket(api, tokens, department="zhzfj")
    seen = await callbacks(api, tokens, "due", user="dept_zjj")
    assert mine in seen and theirs not in seen
    bad = await api.get("/api/v1/callbacks", params={"status": "late"}, headers=tokens["agent"])
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "status"


async def test_a_late_callback_is_listed_overdue_and_logged_by_the_timer(clean_api):
    from hotline.timers.service import fire_due_timers

    api, tokens, pool = clean_api  # a database of its own: the worker below fires every due timer in it
    number = await replied_ticket(api, tokens)
    async with pool.acquire() as conn:
        ticket_id = await conn.fetchval("SELECT id FROM tickets WHERE ticket_number = $1", number)
        # Two working days pass without a call.
        await conn.execute("UPDATE callbacks SET due_at = now() - interval '1 minute' WHERE ticket_id = $1", ticket_id)
        await conn.execute("UPDATE timers SET due_at = now() - interval '1 minute' "
                           "WHERE ticket_id = $1 AND kind = 'callback_overdue'", ticket_id)
        async with conn.transaction():
            await fire_due_timers(conn, worker="test")
    assert (await callbacks(api, tokens, "overdue"))[number]["overdue"] is True
    assert (await actions(api, tokens, number))[-1] == "callback_overdue"
