"""Reading tickets: who sees what, masking, pagination and filters."""
import uuid

from hotline.infra.db import connect


async def submit(api, **extra):
    payload = {"channel": "wechat", "external_id": str(uuid.uuid4()),
               "citizen": {"name": "李四", "phone": "13912345678", "id_number": "11010519491231002X"},
               "content": "小区门口的路灯坏了，身份证11010519491231002X，电话13912345678。"}
    payload.update(extra)
    response = await api.post("/api/v1/submissions", json=payload)
    assert response.status_code == 201, response.text
    return response.json()["ticket_number"]


async def assign(db_url, ticket_number, department):
    conn = await connect(db_url)
    await conn.execute(
        """INSERT INTO ticket_departments (ticket_id, department_code, role)
           SELECT id, $2, 'lead' FROM tickets WHERE ticket_number = $1""", ticket_number, department)
    await conn.close()


async def test_department_sees_only_its_tickets_and_masked(api, tokens, shared_db_url):
    number = await submit(api)
    assert (await api.get(f"/api/v1/tickets/{number}", headers=tokens["dept_zjj"])).status_code == 403
    await assign(shared_db_url, number, "zjj")
    ticket = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["dept_zjj"])).json()
    assert ticket["citizen"]["phone"] == "139****5678"
    assert ticket["citizen"]["id_number"].startswith("110105") and "19491231" not in ticket["citizen"]["id_number"]
    assert "13912345678" not in ticket["content"] and "19491231" not in ticket["content"]
    listed = (await api.get("/api/v1/tickets", headers=tokens["dept_zjj"])).json()
    assert number in [t["ticket_number"] for t in listed["items"]]
    other = (await api.get("/api/v1/tickets", headers=tokens["dept_zhzfj"])).json()
    assert number not in [t["ticket_number"] for t in other["items"]]
    asked = await api.get("/api/v1/tickets?department=zjj", headers=tokens["dept_zhzfj"])
    assert asked.status_code == 403


async def test_reading_needs_a_login(api):
    assert (await api.get("/api/v1/tickets")).status_code == 401


async def test_a_confidential_report_hides_the_reporter_even_from_agents(api, tokens):
    number = await submit(api, citizen={"name": "王五", "phone": "13712345678", "confidential": True})
    ticket = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["agent"])).json()
    assert ticket["citizen"]["phone"] == "137****5678" and ticket["citizen"]["name"] == "王*"


async def test_list_filters_and_paginates(api, tokens):
    marker = uuid.uuid4().hex[:8]
    numbers = [await submit(api, channel="email", content=f"测试分页 {marker} 第{i}件") for i in range(5)]
    page1 = (await api.get(f"/api/v1/tickets?q={marker}&page_size=2", headers=tokens["supervisor"])).json()
    page3 = (await api.get(f"/api/v1/tickets?q={marker}&page_size=2&page=3", headers=tokens["supervisor"])).json()
    assert page1["total"] == 5 and len(page1["items"]) == 2 and len(page3["items"]) == 1
    assert page1["items"][0]["ticket_number"] == numbers[-1]  # newest first
    by_channel = (await api.get(f"/api/v1/tickets?q={marker}&channel=web", headers=tokens["agent"])).json()
    assert by_channel["total"] == 0
    by_phone = (await api.get("/api/v1/tickets?q=13912345678&page_size=100", headers=tokens["agent"])).json()
    assert by_phone["total"] >= 5
    masked_probe = (await api.get("/api/v1/tickets?q=13912345678", headers=tokens["dept_zjj"])).json()
    assert masked_probe["total"] == 0  # a department cannot search by a citizen's number


async def test_unknown_ticket_is_404(api, tokens):
    response = await api.get("/api/v1/tickets/20990101999999", headers=tokens["agent"])
    assert response.status_code == 404


async def test_bad_filters_name_the_field(api, tokens):
    response = await api.get("/api/v1/tickets?status=lost&page=0", headers=tokens["agent"])
    assert response.status_code == 422
    assert {f["field"] for f in response.json()["error"]["fields"]} == {"status", "page"}
