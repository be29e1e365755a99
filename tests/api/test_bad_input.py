"""Input an attacker or a broken client sends gets a 4xx naming the field, never a 500; unknown paths answer in
the error schema (a browser gets a page in Chinese)."""
from __future__ import annotations

import uuid

import pytest

HUGE = "1" + "0" * 22  # 23 digits: beyond any bigint


def field_error(response, status: int = 422) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    return error["fields"][0]["field"] if error.get("fields") else error.get("field")


@pytest.mark.parametrize(("received_at", "reason"), [
    ("0001-01-01T00:00:00+14:00", "must not be before 2000-01-01"),
    ("9999-12-31T23:59:59-14:00", "must not be after 2099-12-31"),
    ("1999-12-31T08:00:00+08:00", "must not be before 2000-01-01"),
])
async def test_a_far_off_received_at_is_refused_naming_the_field(api, received_at, reason):
    response = await api.post("/api/v1/submissions", json={
        "channel": "web", "external_id": str(uuid.uuid4()), "content": "小区门口路灯不亮", "received_at": received_at})
    assert field_error(response) == "received_at"
    assert reason in response.json()["error"]["fields"][0]["reason"]


async def test_ids_beyond_any_row_are_refused_naming_the_field(api, tokens):
    for path in (f"/api/v1/extension-requests/{HUGE}/approve", f"/api/v1/extension-requests/-{HUGE}/reject"):
        assert field_error(await api.post(path, json={}, headers=tokens["supervisor"])) == "request_id"
    for article in (HUGE, "9223372036854775808"):
        response = await api.get(f"/api/v1/knowledge/articles/{article}")
        assert field_error(response, 404) == "code"


async def test_a_nul_byte_in_a_path_or_query_parameter_is_refused_naming_it(api, tokens):
    assert field_error(await api.get("/api/v1/tickets/T%00", headers=tokens["agent"])) == "ticket_number"
    assert field_error(await api.get("/api/v1/knowledge/matters/%00")) == "code"
    response = await api.get("/api/v1/tickets", params={"q": "路灯\x00"}, headers=tokens["agent"])
    assert field_error(response) == "q"


async def test_a_report_period_far_off_names_the_day(api, tokens):
    for params, field in (({"to": "9999-12-31"}, "to"), ({"from": "0001-01-01", "to": "0001-01-02"}, "from")):
        response = await api.get("/api/v1/metrics", params=params, headers=tokens["supervisor"])
        assert field_error(response) == field


async def test_unknown_paths_answer_in_the_error_schema(api, tokens):
    missing = await api.get("/api/v1/no-such-thing", headers=tokens["agent"])
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "no such path: /api/v1/no-such-thing"}}
    wrong_method = await api.delete("/api/v1/tickets", headers=tokens["agent"])
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "method_not_allowed"
    # a script asking for a page that is not there still gets data, not a document
    assert (await api.get("/no-such-page", headers={"Accept": "application/json"})).json()["error"]["code"] == \
        "not_found"


async def test_a_browser_following_a_dead_link_gets_a_page_in_chinese(api):
    response = await api.get("/no-such-page", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "页面不存在" in response.text and 'href="/"' in response.text
    api_path = await api.get("/api/v1/nothing", headers={"Accept": "text/html"})
    assert api_path.json()["error"]["code"] == "not_found"  # the API's paths answer data even to a browser
