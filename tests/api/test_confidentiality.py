"""举报 reporter confidentiality: a supervisor's logged reveal, the read audit, and nothing leaking to departments."""
import json
import uuid

from tests.api.test_tickets import assign

PHONE, ID_NUMBER = "13712345678", "11010519491231002X"


async def submit(api, *, confidential: bool) -> str:
    payload = {"channel": "web", "external_id": str(uuid.uuid4()),
               "citizen": {"name": "王五", "phone": PHONE, "id_number": ID_NUMBER, "confidential": confidential},
               "content": f"举报某单位违规收费，我的电话{PHONE}，身份证{ID_NUMBER}。"}
    response = await api.post("/api/v1/submissions", json=payload)
    assert response.status_code == 201, response.text
    return response.json()["ticket_number"]


async def audit_rows(api, tokens, number):
    response = await api.get(f"/api/v1/audit/pii-access?ticket_number={number}", headers=tokens["supervisor"])
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_supervisor_reveals_a_reporter_with_a_reason_and_the_reveal_is_listed(api, tokens):
    number = await submit(api, confidential=True)
    shown = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["supervisor"])).json()
    assert shown["citizen"]["masked"] and PHONE not in json.dumps(shown, ensure_ascii=False)

    revealed = await api.post(f"/api/v1/tickets/{number}/reveal", json={"reason": "公安机关协查函 2026-118"},
                              headers=tokens["supervisor"])
    assert revealed.status_code == 200, revealed.text
    body = revealed.json()
    assert body["citizen"]["phone"] == PHONE and body["citizen"]["name"] == "王五" and PHONE in body["content"]

    again = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["supervisor"])).json()
    assert again["citizen"]["phone"] != PHONE  # a reveal shows the data once, it does not unmask the ticket
    rows = await audit_rows(api, tokens, number)
    assert [(r["kind"], r["actor_username"], r["reason"]) for r in rows] == [
        ("reveal", "supervisor", "公安机关协查函 2026-118")]


async def test_a_reveal_needs_a_reason_and_a_supervisor(api, tokens):
    number = await submit(api, confidential=True)
    for reason in ("", "   "):
        blank = await api.post(f"/api/v1/tickets/{number}/reveal", json={"reason": reason},
                               headers=tokens["supervisor"])
        assert blank.status_code == 422
    assert (await api.post(f"/api/v1/tickets/{number}/reveal", json={}, headers=tokens["admin"])).status_code == 422
    for who in ("agent", "dept_zjj"):
        refused = await api.post(f"/api/v1/tickets/{number}/reveal", json={"reason": "想看看"}, headers=tokens[who])
        assert refused.status_code == 403
    assert (await api.post(f"/api/v1/tickets/{number}/reveal", json={"reason": "x"})).status_code == 401
    assert await audit_rows(api, tokens, number) == []
    assert (await api.get("/api/v1/audit/pii-access", headers=tokens["agent"])).status_code == 403


async def test_every_unmasked_read_is_logged_and_masked_reads_are_not(api, tokens, shared_db_url):
    number = await submit(api, confidential=False)
    await assign(shared_db_url, number, "zjj")
    agent_view = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["agent"])).json()
    assert agent_view["citizen"]["phone"] == PHONE
    await api.get(f"/api/v1/tickets/{number}", headers=tokens["dept_zjj"])  # masked: not a personal-data read
    rows = await audit_rows(api, tokens, number)
    assert [(r["kind"], r["actor_username"], r["actor_role"]) for r in rows] == [("read", "agent", "agent")]
    by_kind = (await api.get("/api/v1/audit/pii-access?kind=read&username=agent", headers=tokens["admin"])).json()
    assert number in {r["ticket_number"] for r in by_kind}


async def test_a_department_sees_no_phone_or_id_anywhere_in_the_ticket_or_its_events(api, tokens, shared_db_url):
    number = await submit(api, confidential=True)
    agent = tokens["agent"]
    classified = await api.post(f"/api/v1/tickets/{number}/classification", headers=agent,
                                json={"type": "report", "urgency": "normal"})
    assert classified.status_code == 200, classified.text
    dispatched = await api.post(f"/api/v1/tickets/{number}/dispatch", headers=agent,
                                json={"department": "zjj", "note": f"请核实，举报人电话{PHONE}"})
    assert dispatched.status_code == 200, dispatched.text
    for path in (f"/api/v1/tickets/{number}", f"/api/v1/tickets/{number}/events", "/api/v1/tickets?page_size=100"):
        response = await api.get(path, headers=tokens["dept_zjj"])
        assert response.status_code == 200, (path, response.text)
        text = response.text
        assert PHONE not in text and ID_NUMBER not in text and "19491231" not in text, path
        assert "王五" not in text, path
