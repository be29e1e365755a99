"""What the console asks for beside tickets: a repeat caller's contact added to the open ticket, auto-fill, the
category's questions and quick phrases (and their editing), the pickers' lists, the fields stored with a ticket."""
from __future__ import annotations

import uuid


async def file(api, tokens, content, *, phone="13577778888", **extra):
    response = await api.post("/api/v1/submissions", headers=tokens["agent"], json={
        "channel": "phone", "external_id": str(uuid.uuid4()), "content": content, "citizen": {"phone": phone},
        **extra})
    assert response.status_code == 201, response.text
    return response.json()["ticket_number"]


async def test_a_repeat_call_is_an_urge_on_the_open_ticket_never_a_second_ticket(api, tokens):
    number = await file(api, tokens, "鹿城区松台街道九山路的路灯坏了一个星期，晚上很黑。")
    await api.post(f"/api/v1/tickets/{number}/classification", headers=tokens["agent"],
                   json={"type": "complaint", "urgency": "normal"})
    await api.post(f"/api/v1/tickets/{number}/dispatch", headers=tokens["agent"], json={"department": "zjj"})
    total_before = (await api.get("/api/v1/tickets", headers=tokens["agent"])).json()["total"]
    key = str(uuid.uuid4())
    body = {"kind": "urge", "content": "来电人说三天了还没人来修，请尽快。", "external_id": key}
    first = await api.post(f"/api/v1/tickets/{number}/contacts", headers=tokens["agent"], json=body)
    assert first.status_code == 201, first.text
    assert first.json()["urge_count"] == 1 and first.json()["status"] == "dispatched"
    again = await api.post(f"/api/v1/tickets/{number}/contacts", headers=tokens["agent"], json=body)
    assert again.status_code == 200 and again.json()["urge_count"] == 1  # a retry adds nothing
    second = await api.post(f"/api/v1/tickets/{number}/contacts", headers=tokens["agent"],
                            json={**body, "external_id": str(uuid.uuid4())})
    assert second.json()["urge_count"] == 2
    assert (await api.get("/api/v1/tickets", headers=tokens["agent"])).json()["total"] == total_before

    inbox = (await api.get("/api/v1/tickets", headers=tokens["dept_zjj"], params={"q": number})).json()["items"]
    assert inbox[0]["urge_count"] == 2  # the department sees 催办 × 2
    seen = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["dept_zjj"])).json()
    assert seen["urge_count"] == 2
    events = (await api.get(f"/api/v1/tickets/{number}/events", headers=tokens["dept_zjj"])).json()
    assert [e["action"] for e in events].count("urge") == 2
    assert events[-1]["to_status"] == "dispatched"  # the ticket's state is left as it was

    supplement = await api.post(f"/api/v1/tickets/{number}/contacts", headers=tokens["agent"],
                                json={"kind": "supplement", "external_id": str(uuid.uuid4())})
    assert supplement.status_code == 422 and supplement.json()["error"]["fields"][0]["field"] == "content"
    clash = await api.post(f"/api/v1/tickets/{number}/contacts", headers=tokens["agent"],
                           json={**body, "kind": "supplement"})
    assert clash.status_code == 409  # the same contact key cannot become something else


async def test_a_finished_ticket_takes_no_contact(api, tokens):
    number = await file(api, tokens, "咨询居住证怎么办理。")
    await api.post(f"/api/v1/tickets/{number}/classification", headers=tokens["agent"],
                   json={"type": "consult", "urgency": "normal"})
    await api.post(f"/api/v1/tickets/{number}/answer", headers=tokens["agent"], json={"content": "带身份证到派出所办理。"})
    refused = await api.post(f"/api/v1/tickets/{number}/contacts", headers=tokens["agent"],
                             json={"kind": "urge", "external_id": str(uuid.uuid4())})
    assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"] == "ticket_number"
    assert (await api.post(f"/api/v1/tickets/{number}/contacts", headers=tokens["dept_zjj"],
                           json={"kind": "urge", "external_id": str(uuid.uuid4())})).status_code == 403


async def test_autofill_reads_the_callers_words(api, tokens):
    text = ("我住在鹿城区五马街道解放街88号，楼下的好再来烧烤店最近两个月每晚十点以后油烟和噪音都很大，"
            "希望有关部门尽快处理。我的电话是一三八五七七一二三四五。")
    found = (await api.post("/api/v1/autofill", headers=tokens["agent"], json={"text": text})).json()
    assert found["district"]["name"] == "鹿城区" and found["street"]["name"] == "五马街道"
    assert "解放街88号" in found["place"]["text"]
    assert "烧烤店" in found["object"]["text"]
    assert "两个月" in found["time"]["text"] or "十点" in found["time"]["text"]
    assert found["appeal"]["text"].startswith("希望")
    assert found["phones"] == ["13857712345"]  # read out digit by digit
    assert text[found["place"]["start"]:found["place"]["end"]] == found["place"]["text"]
    assert (await api.post("/api/v1/autofill", json={"text": text})).status_code == 401


async def test_fields_and_template_answers_are_stored_with_the_ticket(api, tokens, shared_db_url):
    details = {"fields": {"time": "每晚十点以后", "place": "解放街88号", "object": "好再来烧烤店", "appeal": "尽快处理",
                          "phones": ["0577-88123456"], "district_code": "330302"},
               "suggested": {"time": "最近两个月", "object": "好再来烧烤店"},
               "category": "环境保护/环境污染/噪音污染",
               "template_answers": {"time_period": ["night"], "noise_source": ["commercial"]}}
    number = await file(api, tokens, "楼下烧烤店晚上很吵。", details=details)
    ticket = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["agent"])).json()
    assert ticket["content"].endswith("补充信息：噪音出现的时间段：夜间（22时至次日6时）；声源：商铺经营（音响、招揽）")
    import asyncpg

    conn = await asyncpg.connect(shared_db_url)
    try:
        row = await conn.fetchrow("SELECT d.fields::text, d.suggested::text FROM ticket_intake_details d "
                                  "JOIN tickets t ON t.id = d.ticket_id WHERE t.ticket_number = $1", number)
    finally:
        await conn.close()
    assert "057788123456" in row["fields"] and "好再来烧烤店" in row["suggested"]

    bad = await api.post("/api/v1/submissions", headers=tokens["agent"], json={
        "channel": "phone", "external_id": str(uuid.uuid4()), "content": "很吵",
        "details": {**details, "template_answers": {"noise_source": ["aliens"]}}})
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "details.template_answers.noise_source"
    phone = await api.post("/api/v1/submissions", headers=tokens["agent"], json={
        "channel": "phone", "external_id": str(uuid.uuid4()), "content": "很吵",
        "details": {"fields": {"phones": ["12"]}}})
    assert phone.status_code == 422 and phone.json()["error"]["fields"][0]["field"] == "details.fields.phones"


async def test_questions_and_quick_phrases_follow_the_category(api, tokens):
    noise = (await api.get("/api/v1/console/assist", headers=tokens["agent"],
                           params={"category": "环境保护/环境污染/噪音污染"})).json()
    assert [q["description"] for q in noise["questions"]][:2] == ["噪音出现的时间段", "声源"]
    titles = [p["title"] for p in noise["phrases"]]
    assert titles[0] == "夜间施工噪音" and "受理告知" in titles  # its own first, then the general ones
    general = (await api.get("/api/v1/console/assist", headers=tokens["agent"])).json()
    assert general["questions"] == [] and "夜间施工噪音" not in [p["title"] for p in general["phrases"]]


async def test_supervisors_edit_phrases_and_templates_with_a_history(api, tokens):
    made = await api.post("/api/v1/quick-phrases", headers=tokens["supervisor"], json={
        "category_path": "城乡建设/城乡规划/违章建筑", "title": "举报违建须知", "body": "请提供违建的具体位置和开始施工的时间。",
        "reason": "新增"})
    assert made.status_code == 201, made.text
    phrase = made.json()["id"]
    assert (await api.post("/api/v1/quick-phrases", headers=tokens["agent"], json={
        "title": "x", "body": "y"})).status_code == 403
    unknown = await api.post("/api/v1/quick-phrases", headers=tokens["supervisor"], json={
        "category_path": "没有/这个", "title": "x", "body": "y"})
    assert unknown.status_code == 422 and unknown.json()["error"]["fields"][0]["field"] == "category_path"
    edited = await api.put(f"/api/v1/quick-phrases/{phrase}", headers=tokens["supervisor"], json={
        "category_path": "城乡建设/城乡规划/违章建筑", "title": "举报违建须知", "body": "请说明违建位置、面积和施工时间。",
        "reason": "补充面积"})
    assert edited.json()["body"].startswith("请说明")
    off = await api.post(f"/api/v1/quick-phrases/{phrase}/disable", headers=tokens["supervisor"], json={"reason": "合并"})
    assert off.json()["active"] is False
    shown = (await api.get("/api/v1/console/assist", headers=tokens["agent"],
                           params={"category": "城乡建设/城乡规划/违章建筑"})).json()["phrases"]
    assert "举报违建须知" not in [p["title"] for p in shown]

    questions = [{"code": "vehicle", "description": "车辆类型", "datatype": "singlevaluelist", "required": True,
                  "values": [{"key": "truck", "name": "渣土车"}, {"key": "car", "name": "小汽车"}]}]
    saved = await api.put("/api/v1/category-templates/交通运输/客货运输", headers=tokens["supervisor"],
                          json={"questions": questions, "reason": "渣土车投诉多"})
    assert saved.status_code == 200, saved.text
    asked = (await api.get("/api/v1/console/assist", headers=tokens["agent"],
                           params={"category": "交通运输/客货运输/其他"})).json()["questions"]
    assert asked[0]["description"] == "车辆类型"  # a category without its own template uses its parent's
    broken = await api.put("/api/v1/category-templates/交通运输/客货运输", headers=tokens["supervisor"],
                           json={"questions": [{"code": "x", "description": "y", "datatype": "singlevaluelist"}]})
    assert broken.status_code == 422
    history = (await api.get("/api/v1/console/content-history", headers=tokens["supervisor"])).json()
    kinds = [(h["kind"], h["reason"]) for h in history[:4]]
    assert ("template", "渣土车投诉多") in kinds and ("phrase", "合并") in kinds


async def test_departments_are_found_by_pinyin_initials(api, tokens):
    rows = (await api.get("/api/v1/console/departments", headers=tokens["agent"])).json()
    market = next(r for r in rows if r["name"] == "温州市市场监督管理局")
    assert "scjdglj" in market["initials"] and "wzsscjdglj" in market["initials"]
    categories = (await api.get("/api/v1/console/categories", headers=tokens["agent"])).json()
    assert {c["level"] for c in categories} == {1, 2, 3}
    assert any(c["path"] == "环境保护/环境污染/噪音污染" for c in categories)
