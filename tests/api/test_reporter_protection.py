"""举报 reporters stay hidden from departments (issue 19 items 1, 2, 11, 13): a department reads and searches only
the reviewed copy of a protected ticket; a search by a reporter's number is logged or, for a confidential ticket,
needs a reason; a department that gave a ticket back stops reading it; unmasked timelines are logged."""
import json
import uuid
from datetime import datetime, timezone

NAME, PHONE, ID_NUMBER = "张伟", "13857712345", "330302199001011235"
REPORT = (f"我叫{NAME}，身份证号{ID_NUMBER}，电话{PHONE}，住解放街88号3单元502室。"
          "举报解放街90号一楼店面违章搭建，夜里施工，请查处。")
# Every trace of the reporter a department must never see or match, in any form.
HIDDEN = [NAME, "张*", "张先生", PHONE, "138****", "2345", ID_NUMBER, "1235", "19900101", "88号3单元", "502室"]


async def web_report(api, *, confidential: bool, content: str = REPORT, name: str | None = NAME,
                     phone: str = PHONE) -> str:
    response = await api.post("/api/v1/submissions", json={
        "channel": "web", "external_id": str(uuid.uuid4()), "title": f"{NAME}举报违章搭建",
        "citizen": {"name": name, "phone": phone, "id_number": ID_NUMBER, "confidential": confidential},
        "content": content})
    assert response.status_code == 201, response.text
    return response.json()["ticket_number"]


async def classify(api, tokens, number, type_="report"):
    response = await api.post(f"/api/v1/tickets/{number}/classification", headers=tokens["agent"],
                              json={"type": type_, "urgency": "normal"})
    assert response.status_code == 200, response.text


async def dispatch(api, tokens, number, department="zjj", note=None):
    response = await api.post(f"/api/v1/tickets/{number}/dispatch", headers=tokens["agent"],
                              json={"department": department, "note": note})
    assert response.status_code == 200, response.text


def department_texts(ticket: dict, events: list[dict]) -> str:
    return json.dumps([ticket, events], ensure_ascii=False)


async def department_reads(api, tokens, number, who="dept_zjj") -> str:
    ticket = await api.get(f"/api/v1/tickets/{number}", headers=tokens[who])
    events = await api.get(f"/api/v1/tickets/{number}/events", headers=tokens[who])
    assert ticket.status_code == events.status_code == 200, (ticket.text, events.text)
    return department_texts(ticket.json(), events.json())


async def department_finds(api, tokens, q, who="dept_zjj") -> set[str]:
    response = await api.get("/api/v1/tickets", params={"q": q, "page_size": 100}, headers=tokens[who])
    assert response.status_code == 200, response.text
    return {t["ticket_number"] for t in response.json()["items"]}


async def test_a_confidential_report_reaches_the_department_without_the_reporter(api, tokens):
    """Item 1, the probe's own case: nothing of 张伟 in the ticket, its title, its events or its search."""
    number = await web_report(api, confidential=True)
    await classify(api, tokens, number)
    await dispatch(api, tokens, number, note=f"请核实，举报人{NAME}电话{PHONE}")
    seen = await department_reads(api, tokens, number)
    assert [hidden for hidden in HIDDEN if hidden in seen] == []
    ticket = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["dept_zjj"])).json()
    assert ticket["citizen"] | {"anonymous": None} == {
        "name": None, "phone": None, "id_number": None, "anonymous": None, "confidential": True, "masked": True,
        "protected": True}
    assert "解放街90号" in ticket["content"] and "【姓名】" in ticket["content"] and "【住址】" in ticket["content"]
    assert "张" not in ticket["title"] and "张" not in ticket["content"]
    for q in (NAME, "张", "2345", "1235", "502室", "3单元", PHONE, "19900101"):
        assert number not in await department_finds(api, tokens, q), q
    assert number in await department_finds(api, tokens, "解放街90号")  # the reported place is searchable
    listed = (await api.get("/api/v1/tickets", params={"page_size": 100}, headers=tokens["dept_zjj"])).text
    assert NAME not in listed and PHONE[-4:] not in listed
    # Its reply opens a callback: the department's callback list names the ticket by its copy too.
    for step, body in (("sign", None), ("reply", {"content": "已现场核查，责令店主自行拆除。"})):
        assert (await api.post(f"/api/v1/tickets/{number}/{step}", headers=tokens["dept_zjj"],
                               json=body)).status_code == 200
    callbacks = await api.get("/api/v1/callbacks", headers=tokens["dept_zjj"])
    [mine] = [c for c in callbacks.json() if c["ticket_number"] == number]
    assert "张" not in (mine["title"] or "") and "举报违章搭建" in mine["title"]
    # A supervisor's order note naming the reporter reaches the department redacted.
    ordered = await api.post(f"/api/v1/tickets/{number}/supervision-orders", headers=tokens["supervisor"],
                             json={"note": f"举报人{NAME}（{PHONE}）多次来电催办，请加快办理"})
    assert ordered.status_code == 201, ordered.text
    orders = await api.get("/api/v1/supervision-orders", headers=tokens["dept_zjj"])
    [order] = [o for o in orders.json() if o["ticket_number"] == number]
    assert NAME not in order["note"] and PHONE not in order["note"] and "请加快办理" in order["note"]
    assert [hidden for hidden in HIDDEN if hidden in await department_reads(api, tokens, number)] == []


async def test_every_report_is_protected_flag_or_not_and_the_agent_sees_what_the_department_will(api, tokens):
    number = await web_report(api, confidential=False)
    await classify(api, tokens, number)
    copy = await api.get(f"/api/v1/tickets/{number}/department-copy", headers=tokens["agent"])
    assert copy.status_code == 200, copy.text
    assert copy.json()["protected"] is True and NAME not in copy.json()["content"]
    # The agent corrects it: the copy still may not carry a number or the reporter's name.
    leaking = await api.put(f"/api/v1/tickets/{number}/department-copy", headers=tokens["agent"], json={
        "title": "违章搭建", "content": f"举报人{NAME}反映解放街90号违建，电话{PHONE}"})
    assert leaking.status_code == 422
    assert {(f["field"], f["reason"]) for f in leaking.json()["error"]["fields"]} == {
        ("content", "contains the reporter's name"), ("content", "contains a phone number")}
    corrected = await api.put(f"/api/v1/tickets/{number}/department-copy", headers=tokens["agent"], json={
        "title": "解放街90号违章搭建", "content": "【姓名】举报解放街90号一楼店面违章搭建，夜里施工，请查处。",
        "address": "解放街90号"})
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["edited_by"] == "agent" and corrected.json()["address"] == "解放街90号"
    await dispatch(api, tokens, number)
    seen = await department_reads(api, tokens, number)
    assert [hidden for hidden in HIDDEN if hidden in seen] == []
    ticket = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["dept_zjj"])).json()
    assert ticket["content"] == "【姓名】举报解放街90号一楼店面违章搭建，夜里施工，请查处。"
    events = (await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["supervisor"])).json()
    [edit] = [e for e in events if e["action"] == "redaction_corrected"]
    assert edit["actor_username"] == "agent" and set(edit["data"]["fields"]) == {"title", "content", "address"}


async def test_a_type_change_to_report_after_dispatch_hides_the_original_and_back_keeps_it_hidden(api, tokens):
    content = f"我是{NAME}，解放街90号一楼店面夜里施工，太吵了，电话{PHONE}。"
    number = await web_report(api, confidential=False, content=content)
    await classify(api, tokens, number, "complaint")
    await dispatch(api, tokens, number)
    before = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["dept_zjj"])).json()
    assert NAME in before["content"]  # a complaint: the department reads the masked text
    await classify(api, tokens, number, "report")
    seen = await department_reads(api, tokens, number)
    assert NAME not in seen and number not in await department_finds(api, tokens, NAME)
    await classify(api, tokens, number, "complaint")  # the department knew it as a 举报: it stays protected
    seen = await department_reads(api, tokens, number)
    assert NAME not in seen and number not in await department_finds(api, tokens, NAME)


async def test_a_department_that_returned_a_ticket_no_longer_reads_it(api, tokens):
    """Item 11: neither the ticket nor the next department's reply."""
    number = await web_report(api, confidential=False, content="解放街90号路灯不亮一个月了。", name=None)
    await classify(api, tokens, number, "complaint")
    await dispatch(api, tokens, number, "zjj")
    returned = await api.post(f"/api/v1/tickets/{number}/return", headers=tokens["dept_zjj"],
                              json={"reason": "路灯归综合执法局管理"})
    assert returned.status_code == 200, returned.text
    await dispatch(api, tokens, number, "zhzfj")
    for step, body in (("sign", None), ("reply", {"content": "已修复路灯。"})):
        assert (await api.post(f"/api/v1/tickets/{number}/{step}", headers=tokens["dept_zhzfj"],
                               json=body)).status_code == 200
    for path in (f"/api/v1/tickets/{number}", f"/api/v1/tickets/{number}/events"):
        assert (await api.get(path, headers=tokens["dept_zjj"])).status_code == 403, path
    assert number not in await department_finds(api, tokens, "解放街90号路灯")
    assert (await api.get(f"/api/v1/tickets/{number}", headers=tokens["dept_zhzfj"])).status_code == 200


async def access_rows(api, tokens, number):
    response = await api.get("/api/v1/audit/pii-access", params={"ticket_number": number},
                             headers=tokens["supervisor"])
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_search_by_a_reporters_number_is_logged_and_confidential_tickets_need_a_reason(api, tokens):
    """Items 2 and 13: the report found by its reporter's phone is logged (who, what, why); the confidential one
    is left out (and counted) until the agent gives a reason, which the log keeps."""
    phone = "1390577" + f"{uuid.uuid4().int % 10_000:04d}"
    open_report = await web_report(api, confidential=False, phone=phone)
    secret = await web_report(api, confidential=True, phone=phone)
    for number in (open_report, secret):
        await classify(api, tokens, number)

    found = await api.get("/api/v1/tickets", params={"q": f"{phone[:3]} {phone[3:7]} {phone[7:]}"},
                          headers=tokens["agent"])
    assert found.status_code == 200, found.text
    assert [t["ticket_number"] for t in found.json()["items"]] == [open_report]
    assert found.json()["withheld"] == 1
    assert [(r["kind"], r["actor_username"], r["reason"], r["detail"]) for r in await access_rows(
        api, tokens, open_report)] == [("search", "agent", "按号码检索", {"query_kind": "mobile"})]
    assert await access_rows(api, tokens, secret) == []

    reason = "来电人查询本人举报进展"
    found = await api.get("/api/v1/tickets", params={"q": phone, "reason": reason}, headers=tokens["supervisor"])
    assert {t["ticket_number"] for t in found.json()["items"]} == {open_report, secret}
    assert found.json()["withheld"] == 0
    assert [(r["kind"], r["actor_username"], r["reason"]) for r in await access_rows(api, tokens, secret)] == [
        ("search", "supervisor", reason)]
    # The ID number finds people too.
    by_id = await api.get("/api/v1/tickets", params={"q": ID_NUMBER, "page_size": 100}, headers=tokens["agent"])
    assert open_report in {t["ticket_number"] for t in by_id.json()["items"]}
    assert ("search", "agent", "按号码检索", {"query_kind": "id_number"}) in [
        (r["kind"], r["actor_username"], r["reason"], r["detail"]) for r in await access_rows(api, tokens, open_report)]


async def test_reading_a_timeline_with_personal_data_unmasked_is_logged(api, tokens):
    """Item 13: replies carry phone numbers; the agent who reads them in clear leaves a row, the masked reader not."""
    number = await web_report(api, confidential=False, content="解放街90号路灯不亮。", name=None)
    await classify(api, tokens, number, "complaint")
    await dispatch(api, tokens, number, "zjj")
    for step, body in (("sign", None), ("reply", {"content": "已修复，如有问题请联系维修班13900001111。"})):
        assert (await api.post(f"/api/v1/tickets/{number}/{step}", headers=tokens["dept_zjj"],
                               json=body)).status_code == 200
    before = {r["id"] for r in await access_rows(api, tokens, number)}
    events = await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["agent"])
    assert "13900001111" in events.text
    new = [r for r in await access_rows(api, tokens, number) if r["id"] not in before]
    assert [(r["kind"], r["actor_username"]) for r in new] == [("events", "agent")]
    masked = await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["dept_zjj"])
    assert "13900001111" not in masked.text
    assert len(await access_rows(api, tokens, number)) == len(before) + 1


async def desk_round(api, tokens, number, *, comment: str, note: str, close_note: str) -> tuple[dict, dict]:
    """Reply, a callback with the citizen's words, a 督办单 answered and closed; what the department then lists of
    the callback and the order."""
    for step, body in (("sign", None), ("reply", {"content": "已现场核查，责令店主自行拆除。"})):
        assert (await api.post(f"/api/v1/tickets/{number}/{step}", headers=tokens["dept_zjj"],
                               json=body)).status_code == 200
    called = await api.post(f"/api/v1/tickets/{number}/callback", headers=tokens["agent"], json={
        "reached": True, "resolved": False, "satisfaction": "unsatisfied", "comment": comment})
    assert called.status_code == 200, called.text
    order = await api.post(f"/api/v1/tickets/{number}/supervision-orders", headers=tokens["supervisor"],
                           json={"note": note})
    assert order.status_code == 201, order.text
    order_id = order.json()["id"]
    for path, user, body in (("answer", "dept_zjj", {"answer": "已再次现场核查，店面已停工。"}),
                             ("close", "supervisor", {"note": close_note})):
        response = await api.post(f"/api/v1/supervision-orders/{order_id}/{path}", headers=tokens[user], json=body)
        assert response.status_code == 200, response.text
    [callback] = [c for c in (await api.get("/api/v1/callbacks", headers=tokens["dept_zjj"])).json()
                  if c["ticket_number"] == number]
    [listed] = (await api.get("/api/v1/supervision-orders", params={"ticket_number": number},
                              headers=tokens["dept_zjj"])).json()
    return callback, listed


async def test_a_reports_callback_and_supervision_order_reach_the_department_redacted(api, tokens):
    """The desk's department views of a 举报: the citizen's callback words, the order's title, note and close
    note (written by the centre's staff, who know the reporter) are redacted like the ticket's text."""
    number = await web_report(api, confidential=False)
    await classify(api, tokens, number)
    await dispatch(api, tokens, number)
    callback, order = await desk_round(
        api, tokens, number, comment=f"我是{NAME}，身份证{ID_NUMBER}，店面还在施工，有事打{PHONE}",
        note=f"举报人{NAME}（{PHONE}）对办理结果不满意，请重新核查", close_note=f"已电话告知{NAME}核查结果")
    texts = [callback["title"], callback["comment"], order["title"], order["note"], order["answer"],
             order["close_note"]]
    assert [hidden for hidden in HIDDEN if any(hidden in text for text in texts)] == [], texts
    assert "店面还在施工" in callback["comment"] and "举报违章搭建" in order["title"]
    assert "请重新核查" in order["note"] and "店面已停工" in order["answer"] and "核查结果" in order["close_note"]
    assert [hidden for hidden in HIDDEN if hidden in await department_reads(api, tokens, number)] == []
    # The timeline's 请于…前反馈 still reads a time: a deadline is no one's words to redact.
    events = (await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["dept_zjj"])).json()
    [issued] = [e for e in events if e["action"] == "supervision_order"]
    assert datetime.fromisoformat(issued["data"]["due_at"]) > datetime.now(timezone.utc)
    # The centre's supervisor reads the note as written.
    [supervised] = (await api.get("/api/v1/supervision-orders", params={"ticket_number": number},
                                  headers=tokens["supervisor"])).json()
    assert NAME in supervised["note"]


async def test_a_complaints_callback_and_order_reach_the_department_with_numbers_masked(api, tokens):
    number = await web_report(api, confidential=False, content="解放街90号店面夜里施工，太吵了。", name=None)
    await classify(api, tokens, number, "complaint")
    await dispatch(api, tokens, number)
    callback, order = await desk_round(
        api, tokens, number, comment=f"还在施工，有事打{PHONE}", note=f"来电人（{PHONE}）不满意，请重新核查",
        close_note="反馈属实")
    assert PHONE not in callback["comment"] and "还在施工" in callback["comment"]
    assert PHONE not in order["note"] and "请重新核查" in order["note"]
