"""Walks every API route in the OpenAPI spec as each role and checks the server refuses whom it must.

ACCESS is the expected role table: a route missing from it fails the test, so no route ships unguarded
by accident. A department of another department must never get a 2xx on a ticket it was not sent.
"""
import uuid

from tests.conftest import TEST_PASSWORD, log_in

ANYONE = frozenset({"anonymous", "agent", "department", "supervisor", "admin"})
STAFF = frozenset({"agent", "department", "supervisor", "admin"})
OFFICE = frozenset({"agent", "supervisor", "admin"})  # the hotline's own staff
DEPARTMENT = frozenset({"department"})
SUPERVISORS = frozenset({"supervisor", "admin"})
ADMIN = frozenset({"admin"})
PBX = frozenset()  # a PBX's own token (hotline cti token), never a person's: every staff token is a 401

ACCESS = {
    ("POST", "/api/v1/auth/token"): ANYONE,
    ("DELETE", "/api/v1/auth/lockouts/{username}"): ADMIN,
    ("GET", "/api/v1/auth/session"): STAFF,
    ("POST", "/api/v1/auth/logout"): STAFF,
    ("GET", "/api/v1/admin/users"): ADMIN,
    ("POST", "/api/v1/admin/users"): ADMIN,
    ("PATCH", "/api/v1/admin/users/{username}"): ADMIN,
    ("POST", "/api/v1/admin/users/{username}/disable"): ADMIN,
    ("POST", "/api/v1/admin/users/{username}/enable"): ADMIN,
    ("POST", "/api/v1/admin/users/{username}/password-reset"): ADMIN,
    ("POST", "/api/v1/admin/users/{username}/unlock"): ADMIN,
    ("GET", "/api/v1/admin/users/{username}/history"): ADMIN,
    ("GET", "/api/v1/admin/changes"): ADMIN,
    ("POST", "/api/v1/submissions"): ANYONE,
    ("GET", "/api/v1/tickets"): STAFF,
    ("GET", "/api/v1/tickets/{ticket_number}"): STAFF,
    ("GET", "/api/v1/tickets/{ticket_number}/events"): STAFF,
    ("GET", "/api/v1/tickets/{ticket_number}/suggestions"): OFFICE,
    ("GET", "/api/v1/tickets/{ticket_number}/department-copy"): OFFICE,
    ("PUT", "/api/v1/tickets/{ticket_number}/department-copy"): OFFICE,
    ("POST", "/api/v1/tickets/{ticket_number}/merge"): OFFICE,
    ("POST", "/api/v1/tickets/{ticket_number}/classification"): OFFICE,
    ("POST", "/api/v1/tickets/{ticket_number}/dispatch"): OFFICE,
    ("POST", "/api/v1/tickets/{ticket_number}/sign"): DEPARTMENT,
    ("POST", "/api/v1/tickets/{ticket_number}/return"): DEPARTMENT,
    ("POST", "/api/v1/tickets/{ticket_number}/reply"): DEPARTMENT,
    ("POST", "/api/v1/tickets/{ticket_number}/answer"): OFFICE,
    ("POST", "/api/v1/tickets/{ticket_number}/extension-requests"): DEPARTMENT,
    ("GET", "/api/v1/extension-requests"): STAFF,
    ("POST", "/api/v1/extension-requests/{request_id}/approve"): SUPERVISORS,
    ("POST", "/api/v1/extension-requests/{request_id}/reject"): SUPERVISORS,
    ("GET", "/api/v1/sla/deadlines"): ANYONE,
    ("GET", "/api/v1/knowledge/search"): ANYONE,
    ("POST", "/api/v1/knowledge/answer"): ANYONE,
    ("POST", "/api/v1/chat"): ANYONE,
    ("POST", "/api/v1/knowledge/suggestions"): STAFF,
    ("GET", "/api/v1/knowledge/matters/{code}"): ANYONE,
    ("PUT", "/api/v1/knowledge/matters/{code}"): SUPERVISORS,
    ("GET", "/api/v1/knowledge/review-due"): STAFF,
    ("GET", "/api/v1/knowledge/articles/{code}"): ANYONE,
    ("PUT", "/api/v1/knowledge/articles/{code}"): SUPERVISORS,
    ("GET", "/api/v1/knowledge/export"): SUPERVISORS,
    ("POST", "/api/v1/knowledge/import"): SUPERVISORS,
    ("GET", "/api/v1/departments"): ANYONE,
    ("GET", "/api/v1/routing-rules/duties"): STAFF,
    ("POST", "/api/v1/routing-rules/duties"): SUPERVISORS,
    ("PUT", "/api/v1/routing-rules/duties/{rule_id}"): SUPERVISORS,
    ("POST", "/api/v1/routing-rules/duties/{rule_id}/disable"): SUPERVISORS,
    ("GET", "/api/v1/routing-rules/duties/{rule_id}/history"): STAFF,
    ("GET", "/api/v1/routing-rules/keywords"): STAFF,
    ("POST", "/api/v1/routing-rules/keywords"): SUPERVISORS,
    ("PUT", "/api/v1/routing-rules/keywords/{rule_id}"): SUPERVISORS,
    ("POST", "/api/v1/routing-rules/keywords/{rule_id}/disable"): SUPERVISORS,
    ("GET", "/api/v1/routing-rules/keywords/{rule_id}/history"): STAFF,
    ("POST", "/api/v1/tickets/{ticket_number}/callback"): OFFICE,
    ("POST", "/api/v1/tickets/{ticket_number}/callback-link"): OFFICE,
    ("GET", "/api/v1/callbacks"): STAFF,
    ("GET", "/api/v1/callback-desk"): OFFICE,
    ("GET", "/api/v1/callback-desk/{ticket_number}"): OFFICE,
    ("POST", "/api/v1/tickets/{ticket_number}/callback/dial"): OFFICE,
    ("POST", "/api/v1/tickets/{ticket_number}/callback/sms"): OFFICE,
    ("GET", "/api/v1/sms-outbox"): SUPERVISORS,
    ("POST", "/api/v1/tickets/{ticket_number}/reopen"): SUPERVISORS,
    ("POST", "/api/v1/tickets/{ticket_number}/appeal-upheld"): SUPERVISORS,
    ("GET", "/api/v1/public/callbacks/{token}"): ANYONE,
    ("POST", "/api/v1/public/callbacks/{token}"): ANYONE,
    ("GET", "/api/v1/metrics"): SUPERVISORS,
    ("GET", "/api/v1/metrics/league"): SUPERVISORS,
    ("GET", "/api/v1/metrics/report.csv"): SUPERVISORS,
    ("GET", "/api/v1/metrics/report.xlsx"): SUPERVISORS,
    ("GET", "/api/v1/supervision-orders"): STAFF,
    ("POST", "/api/v1/tickets/{ticket_number}/supervision-orders"): SUPERVISORS,
    ("POST", "/api/v1/supervision-orders/{order_id}/answer"): DEPARTMENT,
    ("POST", "/api/v1/supervision-orders/{order_id}/close"): SUPERVISORS,
    ("POST", "/api/v1/supervision-orders/{order_id}/escalate"): SUPERVISORS,
    ("GET", "/api/v1/hot-issues"): OFFICE,
    ("POST", "/api/v1/public/tickets/lookup"): ANYONE,
    ("POST", "/api/v1/tickets/{ticket_number}/reveal"): SUPERVISORS,
    ("GET", "/api/v1/audit/pii-access"): SUPERVISORS,
    ("GET", "/api/v1/calendar/days"): OFFICE,
    ("GET", "/api/v1/calendar/days/history"): OFFICE,
    ("PUT", "/api/v1/calendar/days/{date}"): SUPERVISORS,
    ("DELETE", "/api/v1/calendar/days/{date}"): SUPERVISORS,
    ("POST", "/api/v1/calendar/days/{date}/shift-deadlines"): SUPERVISORS,
    ("GET", "/api/v1/admin/open311-keys"): ADMIN,
    ("POST", "/api/v1/admin/open311-keys"): ADMIN,
    ("POST", "/api/v1/admin/open311-keys/{key_id}/disable"): ADMIN,
    ("POST", "/api/v1/cti/events"): PBX,
    ("GET", "/api/v1/cti/calls"): OFFICE,
    ("GET", "/api/v1/cti/metrics"): SUPERVISORS,
    ("GET", "/api/v1/cti/calls/{call_ref}/caller"): OFFICE,
    ("GET", "/api/v1/cti/stream"): OFFICE,
    ("POST", "/api/v1/cti/transfers"): OFFICE,
    ("GET", "/api/v1/admin/cti-tokens"): ADMIN,
    ("POST", "/api/v1/admin/cti-tokens"): ADMIN,
    ("POST", "/api/v1/admin/cti-tokens/{token_id}/disable"): ADMIN,
    ("GET", "/api/v1/admin/cti-extensions"): ADMIN,
    ("PUT", "/api/v1/admin/cti-extensions/{extension}"): ADMIN,
    ("DELETE", "/api/v1/admin/cti-extensions/{extension}"): ADMIN,
    ("POST", "/api/v1/autofill"): OFFICE,
    ("GET", "/api/v1/console/assist"): OFFICE,
    ("GET", "/api/v1/console/departments"): OFFICE,
    ("GET", "/api/v1/console/categories"): OFFICE,
    ("GET", "/api/v1/console/content-history"): SUPERVISORS,
    ("POST", "/api/v1/tickets/{ticket_number}/contacts"): OFFICE,
    ("GET", "/api/v1/quick-phrases"): OFFICE,
    ("POST", "/api/v1/quick-phrases"): SUPERVISORS,
    ("PUT", "/api/v1/quick-phrases/{phrase_id}"): SUPERVISORS,
    ("POST", "/api/v1/quick-phrases/{phrase_id}/disable"): SUPERVISORS,
    ("GET", "/api/v1/category-templates"): OFFICE,
    ("PUT", "/api/v1/category-templates/{category_path}"): SUPERVISORS,
    ("GET", "/api/v1/command/tiles"): SUPERVISORS,
    ("GET", "/api/v1/command/trends"): SUPERVISORS,
    ("GET", "/api/v1/command/map"): SUPERVISORS,
    ("GET", "/api/v1/command/ranking"): SUPERVISORS,
    ("GET", "/api/v1/command/tickets"): SUPERVISORS,
    ("GET", "/api/v1/command/wallboard"): SUPERVISORS,
    ("GET", "/api/v1/command/wallboard/stream"): SUPERVISORS,
    ("GET", "/api/v1/public/ranking"): ANYONE,
}
# The live call stream and the wallboard's never end for a role they serve: only their refusals are walked here
# (tests/web/test_console_call.py and tests/web/test_command_view.py read them in a browser).
STREAMS = {("GET", "/api/v1/cti/stream"), ("GET", "/api/v1/command/wallboard/stream")}

# The department probing is dept_zhzfj; the ticket is sent to zjj. It goes first, before others change the ticket.
CALLERS = {"anonymous": None, "department": "dept_zhzfj", "agent": "agent", "supervisor": "supervisor",
           "admin": "admin"}
PATH_VALUES = {"username": "nobody", "request_id": "999999", "code": "no-such-matter", "token": "no-such-token",
               "key_id": "999999", "order_id": "999999", "call_ref": "999999", "token_id": "999999",
               "extension": "9999", "phrase_id": "999999", "category_path": "no/such/category"}
QUERIES = {
    "/api/v1/sla/deadlines": {"start": "2026-11-02T09:00:00+08:00", "type": "complaint"},
    "/api/v1/knowledge/search": {"q": "社保卡"},
}
REASON = {"reason": "核查需要"}
BODIES = {
    "/api/v1/tickets/{ticket_number}/department-copy": lambda: {"content": "解放街路灯不亮"},
    "/api/v1/admin/users": lambda: {"username": f"probe-{uuid.uuid4().hex[:8]}", "role": "agent", **REASON},
    "/api/v1/admin/users/{username}": lambda: {"role": "supervisor", **REASON},
    "/api/v1/admin/users/{username}/disable": lambda: REASON,
    "/api/v1/admin/users/{username}/enable": lambda: REASON,
    "/api/v1/admin/users/{username}/password-reset": lambda: REASON,
    "/api/v1/admin/users/{username}/unlock": lambda: REASON,
    "/api/v1/submissions": lambda: {"channel": "web", "external_id": str(uuid.uuid4()), "content": "路灯坏了"},
    "/api/v1/tickets/{ticket_number}/merge": lambda: {"into": "20990101999999"},
    "/api/v1/tickets/{ticket_number}/classification": lambda: {"type": "complaint"},
    "/api/v1/tickets/{ticket_number}/dispatch": lambda: {"department": "zjj"},
    "/api/v1/tickets/{ticket_number}/return": lambda: REASON,
    "/api/v1/tickets/{ticket_number}/reply": lambda: {"content": "已处理完毕"},
    "/api/v1/tickets/{ticket_number}/answer": lambda: {"content": "已答复来电人"},
    "/api/v1/tickets/{ticket_number}/extension-requests": lambda: {"working_days": 3, **REASON},
    "/api/v1/extension-requests/{request_id}/approve": lambda: {"note": "同意"},
    "/api/v1/extension-requests/{request_id}/reject": lambda: {"note": "不同意"},
    "/api/v1/knowledge/answer": lambda: {"question": "社保卡怎么补办"},
    "/api/v1/chat": lambda: {"message": "社保卡怎么补办"},
    "/api/v1/knowledge/suggestions": lambda: {"text": "社保卡丢了怎么补办"},
    "/api/v1/tickets/{ticket_number}/callback": lambda: {"reached": False},
    "/api/v1/tickets/{ticket_number}/reopen": lambda: REASON,
    "/api/v1/tickets/{ticket_number}/appeal-upheld": lambda: REASON,
    "/api/v1/public/callbacks/{token}": lambda: {"resolved": True, "satisfaction": "satisfied"},
    "/api/v1/tickets/{ticket_number}/supervision-orders": lambda: {"note": "请加快办理"},
    "/api/v1/supervision-orders/{order_id}/answer": lambda: {"answer": "已加快办理"},
    "/api/v1/supervision-orders/{order_id}/escalate": lambda: REASON,
    "/api/v1/public/tickets/lookup": lambda: {"ticket_number": "20990101999999", "phone_last4": "5678"},
    "/api/v1/tickets/{ticket_number}/reveal": lambda: REASON,
    "/api/v1/admin/open311-keys": lambda: {"name": f"接入系统-{uuid.uuid4().hex[:8]}"},
    "/api/v1/admin/open311-keys/{key_id}/disable": lambda: REASON,
}


def api_routes(app) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops
            if path.startswith("/api/")}


async def ticket_sent_to_zjj(api, tokens) -> str:
    submitted = await api.post("/api/v1/submissions", json={
        "channel": "web", "external_id": str(uuid.uuid4()), "citizen": {"phone": "13912345678"},
        "content": "小区门口违章搭建，请住建部门处理。"})
    assert submitted.status_code == 201, submitted.text
    number = submitted.json()["ticket_number"]
    agent = tokens["agent"]
    assert (await api.post(f"/api/v1/tickets/{number}/classification", headers=agent,
                           json={"type": "complaint"})).status_code == 200
    assert (await api.post(f"/api/v1/tickets/{number}/dispatch", headers=agent,
                           json={"department": "zjj"})).status_code == 200
    return number


async def fresh_login(api, headers):
    session = (await api.get("/api/v1/auth/session", headers=headers)).json()
    return (await log_in(api, session["username"]))[session["username"]]


async def call(api, method, path, number, headers):
    url = path.replace("{ticket_number}", number)
    for name, value in PATH_VALUES.items():
        url = url.replace("{" + name + "}", value)
    if path == "/api/v1/auth/token":
        return await api.post(url, data={"username": "agent", "password": TEST_PASSWORD}, headers=headers)
    if path == "/api/v1/auth/logout" and headers:  # a session of its own: the shared tokens must stay alive
        headers = await fresh_login(api, headers)
    body = BODIES.get(path)
    return await api.request(method, url, params=QUERIES.get(path), json=body() if body else None, headers=headers)


async def test_every_api_route_is_in_the_role_table(api):
    routes = api_routes(api._transport.app)
    assert routes - ACCESS.keys() == set(), "new routes: add them to ACCESS with the roles that may call them"
    assert ACCESS.keys() - routes == set(), "ACCESS lists routes the app no longer has"


async def test_each_role_reaches_exactly_the_routes_the_table_grants(api, tokens):
    number = await ticket_sent_to_zjj(api, tokens)
    wrong = []
    for (method, path), allowed in ACCESS.items():
        for role, user in CALLERS.items():
            if role in allowed and (method, path) in STREAMS:
                continue
            response = await call(api, method, path, number, tokens[user] if user else {})
            status = response.status_code
            if role not in allowed:
                expected = {401} if role == "anonymous" or allowed is PBX else {403}
            elif role == "department" and "{ticket_number}" in path:
                expected = {403}  # granted to departments, but not on another department's ticket
            else:
                expected = set(range(200, 500)) - {401, 403}
            if status not in expected:
                wrong.append(f"{method} {path} as {role}: {status} {response.text[:120]}")
    assert wrong == []
