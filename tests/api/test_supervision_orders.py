"""督办单 loop over the API: the order's deadline and level, the department's 反馈, the supervisor's 办结 or 升级,
an order past its deadline escalating by itself (once per level, then lapsed once), and bad input refused."""
from datetime import datetime, timezone

from hotline.infra.db import connect
from tests.api.test_access_matrix import ticket_sent_to_zjj
from tests.api.test_callbacks import actions

ORDERS = "/api/v1/supervision-orders"


async def issue(api, tokens, number, **body):
    response = await api.post(f"/api/v1/tickets/{number}/supervision-orders", headers=tokens["supervisor"],
                              json={"note": "群众多次来电，请三个工作日内办结并反馈", **body})
    assert response.status_code == 201, response.text
    return response.json()


async def orders_of(api, tokens, user, **params):
    response = await api.get(ORDERS, params=params, headers=tokens[user])
    assert response.status_code == 200, response.text
    return {o["id"]: o for o in response.json()}


async def test_the_department_answers_and_the_supervisor_closes(api, tokens):
    number = await ticket_sent_to_zjj(api, tokens)
    order = await issue(api, tokens, number, working_days=2)
    assert order["level"] == 1 and order["status"] == "open" and order["overdue"] is False
    assert datetime.fromisoformat(order["due_at"]) > datetime.now(timezone.utc)
    assert order["id"] in await orders_of(api, tokens, "dept_zjj", status="open")
    assert order["id"] not in await orders_of(api, tokens, "dept_zhzfj")

    other = await api.post(f"{ORDERS}/{order['id']}/answer", headers=tokens["dept_zhzfj"], json={"answer": "已办"})
    assert other.status_code == 403
    for body, field in (({"answer": "  "}, "answer"), ({}, "answer"), ({"answer": "x" * 2001}, "answer")):
        bad = await api.post(f"{ORDERS}/{order['id']}/answer", headers=tokens["dept_zjj"], json=body)
        assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == field
    assert (await orders_of(api, tokens, "supervisor"))[order["id"]]["status"] == "open"  # nothing half-written

    answered = await api.post(f"{ORDERS}/{order['id']}/answer", headers=tokens["dept_zjj"],
                              json={"answer": "已约谈物业，明日完成维修并回复来电人"})
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered" and answered.json()["answered_by"] == "dept_zjj"
    again = await api.post(f"{ORDERS}/{order['id']}/answer", headers=tokens["dept_zjj"], json={"answer": "再答"})
    assert again.status_code == 409
    seen = (await orders_of(api, tokens, "supervisor", status="answered"))[order["id"]]
    assert seen["answer"] == "已约谈物业，明日完成维修并回复来电人"

    closed = await api.post(f"{ORDERS}/{order['id']}/close", headers=tokens["supervisor"], json={"note": "反馈属实"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert order["id"] not in await orders_of(api, tokens, "supervisor", status="active")
    assert (await api.post(f"{ORDERS}/{order['id']}/close", headers=tokens["supervisor"])).status_code == 409
    assert (await actions(api, tokens, number))[-3:] == [
        "supervision_order", "supervision_answered", "supervision_closed"]


async def test_escalation_raises_the_level_up_to_the_top_and_asks_for_a_new_answer(api, tokens):
    number = await ticket_sent_to_zjj(api, tokens)
    order = await issue(api, tokens, number)
    await api.post(f"{ORDERS}/{order['id']}/answer", headers=tokens["dept_zjj"], json={"answer": "正在处理"})
    bad = await api.post(f"{ORDERS}/{order['id']}/escalate", headers=tokens["supervisor"], json={"reason": ""})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "reason"

    up = await api.post(f"{ORDERS}/{order['id']}/escalate", headers=tokens["supervisor"],
                        json={"reason": "反馈未说明办结时间"})
    assert up.status_code == 200, up.text
    assert up.json()["level"] == 2 and up.json()["status"] == "open"  # the department answers again
    events = (await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["dept_zjj"])).json()
    assert events[-1]["action"] == "supervision_escalated" and events[-1]["reason"] == "反馈未说明办结时间"
    assert events[-1]["data"]["copied_to"] == "承办单位主要负责人"
    top = await api.post(f"{ORDERS}/{order['id']}/escalate", headers=tokens["supervisor"], json={"reason": "仍未办结"})
    assert top.json()["level"] == 3
    beyond = await api.post(f"{ORDERS}/{order['id']}/escalate", headers=tokens["supervisor"], json={"reason": "再升"})
    assert beyond.status_code == 409
    assert (await api.post(f"{ORDERS}/{order['id']}/escalate", headers=tokens["dept_zjj"],
                           json={"reason": "x"})).status_code == 403


async def test_an_order_past_its_deadline_escalates_by_itself_then_lapses_once(api, tokens, shared_db_url):
    from hotline.callbacks.supervision import escalate_overdue_orders
    from hotline.seeds import SLA_POLICIES
    from timelimits.sla import SlaClock

    number = await ticket_sent_to_zjj(api, tokens)
    order = await issue(api, tokens, number)
    conn = await connect(shared_db_url)

    async def deadline_passes() -> None:  # stands in for the working days going by unanswered
        await conn.execute("UPDATE supervision_orders SET due_at = now() - interval '1 minute' WHERE id = $1",
                           order["id"])
        async with conn.transaction():
            await escalate_overdue_orders(conn, clock=SlaClock.from_file(SLA_POLICIES))

    try:
        await deadline_passes()
        raised = (await orders_of(api, tokens, "dept_zjj"))[order["id"]]
        assert raised["level"] == 2 and raised["status"] == "open" and raised["overdue"] is False
        assert datetime.fromisoformat(raised["due_at"]) > datetime.now(timezone.utc)  # a new deadline to answer
        events = (await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["supervisor"])).json()
        assert events[-1]["action"] == "supervision_escalated" and events[-1]["actor_role"] == "system"
        assert events[-1]["reason"] == "逾期未反馈，自动升级"
        await deadline_passes()
        await deadline_passes()  # at the top level: lapsed, recorded once
        await deadline_passes()
        final = (await orders_of(api, tokens, "supervisor"))[order["id"]]
        assert final["level"] == 3 and final["lapsed_at"] is not None and final["overdue"] is True
        assert (await actions(api, tokens, number)).count("supervision_lapsed") == 1
        assert (await actions(api, tokens, number)).count("supervision_escalated") == 2
    finally:
        await conn.close()


async def test_an_answered_order_waits_for_the_supervisor_and_does_not_escalate(api, tokens, shared_db_url):
    from hotline.callbacks.supervision import escalate_overdue_orders
    from hotline.seeds import SLA_POLICIES
    from timelimits.sla import SlaClock

    number = await ticket_sent_to_zjj(api, tokens)
    order = await issue(api, tokens, number)
    await api.post(f"{ORDERS}/{order['id']}/answer", headers=tokens["dept_zjj"], json={"answer": "已处理"})
    conn = await connect(shared_db_url)
    try:
        await conn.execute("UPDATE supervision_orders SET due_at = now() - interval '1 minute' WHERE id = $1",
                           order["id"])
        async with conn.transaction():
            await escalate_overdue_orders(conn, clock=SlaClock.from_file(SLA_POLICIES))
    finally:
        await conn.close()
    assert (await orders_of(api, tokens, "supervisor"))[order["id"]]["level"] == 1


async def test_an_issued_order_needs_a_sensible_answer_time(api, tokens):
    number = await ticket_sent_to_zjj(api, tokens)
    for days in (0, 31, "三天"):
        bad = await api.post(f"/api/v1/tickets/{number}/supervision-orders", headers=tokens["supervisor"],
                             json={"note": "请尽快", "working_days": days})
        assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "working_days"
    assert await orders_of(api, tokens, "supervisor", ticket_number=number) == {}
