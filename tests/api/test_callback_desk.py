"""The callback desk over the API: lists by deadline with counts, the masked request, the logged dial, retries,
三次未接通 -> 无法回访, 拒绝回访, the SMS link instead of a call, and bad input refused with nothing written."""
from datetime import datetime, timedelta, timezone

import asyncpg

from tests.api.test_callbacks import actions, replied_ticket

PHONE = "13812345678"
LANDLINE = "057788123456"


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def desk(api, tokens, list_name="due"):
    response = await api.get("/api/v1/callback-desk", params={"list": list_name}, headers=tokens["agent"])
    assert response.status_code == 200, response.text
    body = response.json()
    return body, {item["ticket_number"]: item for item in body["items"]}


async def detail(api, tokens, number):
    response = await api.get(f"/api/v1/callback-desk/{number}", headers=tokens["agent"])
    assert response.status_code == 200, response.text
    return response.json()


async def call(api, tokens, number, **body):
    return await api.post(f"/api/v1/tickets/{number}/callback", headers=tokens["agent"], json=body)


async def test_the_desk_lists_due_callbacks_by_deadline_and_shows_the_request_masked(api, tokens):
    first = await replied_ticket(api, tokens, citizen={"name": "钱七", "phone": PHONE})
    second = await replied_ticket(api, tokens, citizen={"name": "钱七", "phone": PHONE})
    body, due = await desk(api, tokens)
    assert {first, second} <= due.keys() and body["counts"]["due"] >= 2
    order = [item["ticket_number"] for item in body["items"]]
    assert order.index(first) < order.index(second)  # the earlier deadline first
    assert all(at(a["due_at"]) <= at(b["due_at"]) for a, b in zip(body["items"], body["items"][1:]))

    shown = await detail(api, tokens, first)
    assert shown["phone_masked"] == "138****5678" and PHONE not in str(shown)
    assert shown["citizen_name"] == "钱*" and shown["phone_kind"] == "mobile"
    assert shown["reply"] == "已派人更换灯具，路灯恢复照明。" and shown["department_code"] == "zjj"
    assert shown["category"] == "城乡建设" and "路灯不亮" in shown["content"]
    assert shown["callback"]["status"] == "due" and shown["callback"]["attempts"] == 0
    # two hours on (the deadline, two working days after the reply, is further)
    assert timedelta(hours=1.9) < at(shown["default_retry_at"]) - datetime.now(timezone.utc) <= timedelta(hours=2)


async def test_revealing_the_number_for_the_call_is_logged_with_the_reason(api, tokens):
    number = await replied_ticket(api, tokens, citizen={"name": "钱七", "phone": PHONE})
    dialled = await api.post(f"/api/v1/tickets/{number}/callback/dial", headers=tokens["agent"])
    assert dialled.status_code == 200, dialled.text
    assert dialled.json()["phone"] == PHONE
    log = await api.get("/api/v1/audit/pii-access", params={"ticket_number": number, "kind": "reveal"},
                        headers=tokens["supervisor"])
    assert [(r["actor_username"], r["reason"]) for r in log.json()] == [("agent", "回访")]
    refused = await api.post(f"/api/v1/tickets/{number}/callback/dial", headers=tokens["dept_zjj"])
    assert refused.status_code == 403


async def test_unreached_calls_wait_for_their_retry_and_the_third_makes_the_callback_not_callable(api, tokens):
    number = await replied_ticket(api, tokens, citizen={"phone": PHONE})
    first = await call(api, tokens, number, reached=False)
    assert first.status_code == 200, first.text
    assert timedelta(hours=1.9) < at(first.json()["retry_at"]) - datetime.now(timezone.utc) <= timedelta(hours=2)
    _, retry_list = await desk(api, tokens, "retry")
    assert number in retry_list and number not in (await desk(api, tokens))[1]

    chosen = (datetime.now(timezone.utc) + timedelta(hours=5)).replace(microsecond=0)
    second = await call(api, tokens, number, reached=False, retry_at=chosen.isoformat())
    assert at(second.json()["retry_at"]) == chosen and second.json()["attempts"] == 2
    history = (await detail(api, tokens, number))["attempts"]
    assert [at(a["retry_at"]) for a in history][-1] == chosen and len(history) == 2

    third = await call(api, tokens, number, reached=False)
    assert third.json()["status"] == "not_callable"
    assert third.json()["not_callable_reason"] == "unreachable_after_retries"
    assert third.json()["ticket_status"] == "closed"  # counted apart, not left waiting
    for list_name in ("due", "overdue", "retry", "sms"):
        assert number not in (await desk(api, tokens, list_name))[1]


async def overall(api, tokens):
    return (await api.get("/api/v1/metrics", headers=tokens["supervisor"])).json()["overall"]


async def test_a_refusal_is_not_callable_with_the_citizens_words_and_counted_apart(api, tokens):
    number = await replied_ticket(api, tokens, citizen={"phone": PHONE})
    before = await overall(api, tokens)
    refused = await call(api, tokens, number, reached=True, refused=True, comment="不想评价，电话13812345678别再打")
    assert refused.status_code == 200, refused.text
    assert refused.json()["not_callable_reason"] == "refused" and refused.json()["ticket_status"] == "closed"
    assert refused.json()["comment"] == "不想评价，电话138****5678别再打"  # masked for staff
    after = await overall(api, tokens)
    assert (after["refused"], after["not_callable"]) == (before["refused"] + 1, before["not_callable"] + 1)
    assert after["replied"] == before["replied"]  # still in the callback rate's denominator


async def test_basically_satisfied_closes_with_that_reason_and_the_comment_reaches_the_department(api, tokens):
    number = await replied_ticket(api, tokens, citizen={"phone": PHONE})
    done = await call(api, tokens, number, reached=True, resolved=True, satisfaction="basically_satisfied",
                      comment="灯修好了，但等了好几天")
    assert done.status_code == 200, done.text
    events = (await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["dept_zjj"])).json()
    callback, close = events[-2], events[-1]
    assert callback["data"]["comment"] == "灯修好了，但等了好几天"
    assert close["action"] == "close" and close["reason"] == "回访基本满意，已解决"
    seen = (await api.get("/api/v1/callbacks", params={"status": "done"}, headers=tokens["dept_zjj"])).json()
    assert {c["ticket_number"]: c["comment"] for c in seen}[number] == "灯修好了，但等了好几天"


async def test_bad_retry_times_are_refused_and_nothing_is_written(api, tokens):
    number = await replied_ticket(api, tokens, citizen={"phone": PHONE})
    past = (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat()
    far = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    for value, reason in ((past, "must be later than now"), (far, "must be within 7 days"),
                          ("明天下午", None), ("2026-05-01T10:00:00", "must carry a time zone")):
        response = await call(api, tokens, number, reached=False, retry_at=value)
        assert response.status_code == 422, response.text
        field = response.json()["error"]["fields"][0]
        assert field["field"] == "retry_at" and (reason is None or field["reason"] == reason)
    shown = await detail(api, tokens, number)
    assert shown["callback"]["attempts"] == 0 and shown["attempts"] == []
    assert "callback_attempt" not in await actions(api, tokens, number)


async def test_the_sms_link_takes_the_callback_off_the_phone_list_until_answered_or_expired(api, tokens,
                                                                                             shared_db_url):
    number = await replied_ticket(api, tokens, citizen={"phone": PHONE})
    sent = await api.post(f"/api/v1/tickets/{number}/callback/sms", headers=tokens["agent"])
    assert sent.status_code == 201, sent.text
    assert "token" not in sent.json()  # the agent never holds the citizen's link
    assert number not in (await desk(api, tokens))[1] and number in (await desk(api, tokens, "sms"))[1]
    assert (await actions(api, tokens, number))[-1] == "callback_link_issued"

    outbox = (await api.get("/api/v1/sms-outbox", params={"ticket_number": number},
                            headers=tokens["supervisor"])).json()
    link_sms = [m for m in outbox["items"] if m["template"] == "callback_link"]
    assert len(link_sms) == 1 and link_sms[0]["status"] == "queued"
    assert link_sms[0]["recipient_masked"] == "138****5678" and PHONE not in str(outbox)
    assert "/callback/******" in link_sms[0]["body"]  # the token is never shown to staff
    assert outbox["gateway_configured"] is False

    conn = await asyncpg.connect(shared_db_url)
    try:
        body = await conn.fetchval("SELECT body FROM sms_outbox WHERE id = $1", sent.json()["sms_id"])
        token = body.split("/callback/")[1].split()[0]
        params = await conn.fetchrow("SELECT params->>'ticket_number' AS number, params->>'link' AS link "
                                     "FROM sms_outbox WHERE id = $1", sent.json()["sms_id"])
        assert params["number"] == number and params["link"].endswith("/callback/" + token)  # a template's variables
        page = await api.get(f"/api/v1/public/callbacks/{token}")
        assert page.status_code == 200 and page.json()["ticket_number"] == number
        # A day passes unanswered: the link dies and the callback is back on the phone list.
        await conn.execute("UPDATE callbacks SET link_expires_at = now() - interval '1 minute' "
                           "WHERE ticket_id = (SELECT id FROM tickets WHERE ticket_number = $1)", number)
    finally:
        await conn.close()
    assert number in (await desk(api, tokens))[1]
    assert (await api.get(f"/api/v1/public/callbacks/{token}")).status_code == 404
    late = await api.post(f"/api/v1/public/callbacks/{token}", json={"resolved": True, "satisfaction": "satisfied"})
    assert late.status_code == 404


async def test_the_sms_link_answered_completes_the_callback(api, tokens, shared_db_url):
    number = await replied_ticket(api, tokens, citizen={"phone": PHONE})
    sent = await api.post(f"/api/v1/tickets/{number}/callback/sms", headers=tokens["agent"])
    conn = await asyncpg.connect(shared_db_url)
    try:
        body = await conn.fetchval("SELECT body FROM sms_outbox WHERE id = $1", sent.json()["sms_id"])
    finally:
        await conn.close()
    token = body.split("/callback/")[1].split()[0]
    answered = await api.post(f"/api/v1/public/callbacks/{token}",
                              json={"resolved": False, "satisfaction": "unsatisfied", "comment": "没修好"})
    assert answered.status_code == 200, answered.text
    for list_name in ("due", "sms"):
        assert number not in (await desk(api, tokens, list_name))[1]
    review = (await api.get("/api/v1/callbacks", params={"status": "awaiting_review"},
                            headers=tokens["supervisor"])).json()
    assert {c["ticket_number"]: c["comment"] for c in review}[number] == "没修好"


async def test_a_landline_cannot_get_the_sms_and_nothing_is_written(api, tokens):
    number = await replied_ticket(api, tokens, citizen={"phone": LANDLINE})
    refused = await api.post(f"/api/v1/tickets/{number}/callback/sms", headers=tokens["agent"])
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == [{"field": "citizen.phone",
                                                  "reason": "only a mobile number can receive an SMS"}]
    assert "callback_link_issued" not in await actions(api, tokens, number)
    assert number in (await desk(api, tokens))[1]
    assert (await detail(api, tokens, number))["phone_kind"] == "landline"


async def test_a_citizen_with_a_mobile_gets_the_received_and_replied_notices(api, tokens):
    number = await replied_ticket(api, tokens, citizen={"phone": PHONE})
    outbox = (await api.get("/api/v1/sms-outbox", params={"ticket_number": number},
                            headers=tokens["supervisor"])).json()["items"]
    assert sorted(m["template"] for m in outbox) == ["ticket_received", "ticket_replied"]
    received = next(m for m in outbox if m["template"] == "ticket_received")
    assert number in received["body"] and received["body"].startswith("【温州12345】")
    anonymous = await replied_ticket(api, tokens, citizen={"anonymous": True, "phone": PHONE})
    none = (await api.get("/api/v1/sms-outbox", params={"ticket_number": anonymous},
                          headers=tokens["supervisor"])).json()["items"]
    assert none == []
    assert (await api.get("/api/v1/sms-outbox", headers=tokens["agent"])).status_code == 403
