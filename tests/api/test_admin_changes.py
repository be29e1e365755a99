"""The admin's audit (/api/v1/admin/changes): an account, a calendar day and an Open311 key changed through the API
each come back with who, when, what before and after, and why; newest first, filtered by area."""
import uuid


async def test_the_admins_changes_are_listed_with_who_what_and_why(api, tokens):
    admin = tokens["admin"]
    username = f"audit-{uuid.uuid4().hex[:8]}"
    created = await api.post("/api/v1/admin/users", headers=admin,
                             json={"username": username, "role": "agent", "reason": "新入职"})
    assert created.status_code == 201, created.text
    moved = await api.patch(f"/api/v1/admin/users/{username}", headers=admin,
                            json={"role": "department", "department": "zjj", "reason": "调岗"})
    assert moved.status_code == 200, moved.text
    day = await api.put("/api/v1/calendar/days/2099-06-01", headers=admin, json={"kind": "holiday", "reason": "台风停工"})
    assert day.status_code == 200, day.text
    key = await api.post("/api/v1/admin/open311-keys", headers=admin, json={"name": f"审计测试-{username}"})
    assert key.status_code == 201, key.text

    changes = (await api.get("/api/v1/admin/changes", headers=admin)).json()
    mine = [(c["area"], c["action"], c["reason"]) for c in changes
            if c["subject"] in (username, "2099-06-01", f"审计测试-{username}")]
    assert mine[:4] == [("open311_key", "create", ""), ("calendar", "set", "台风停工"), ("user", "set", "调岗"),
                        ("user", "create", "新入职")]
    move = next(c for c in changes if c["subject"] == username and c["action"] == "set")
    assert move["actor"] == "admin"
    assert (move["before"]["role"], move["after"]["role"], move["after"]["department_code"]) == (
        "agent", "department", "zjj")

    users_only = (await api.get("/api/v1/admin/changes", params={"area": "user"}, headers=admin)).json()
    assert users_only and {c["area"] for c in users_only} == {"user"}
    refused = await api.get("/api/v1/admin/changes", params={"area": "tickets"}, headers=admin)
    assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"] == "area"
    assert (await api.get("/api/v1/admin/changes", headers=tokens["supervisor"])).status_code == 403
    removed = await api.delete("/api/v1/calendar/days/2099-06-01", params={"reason": "测试结束"}, headers=admin)
    assert removed.status_code == 204  # the shared database keeps no calendar day of this test
