"""The Open311 GeoReport v2 facade: keys, service definitions from the category templates, requests filed once
per retry window, reads without personal data or anything of a 举报, throttled enumeration, errors in the spec's
format naming the field. Every answer is validated against the Open311 schemas."""
import asyncio
import uuid
from urllib.parse import urlencode

import pytest

from tests.api.open311_conformance import check
from tests.conftest import make_settings, start_client

NOISE = "环境保护/环境污染/噪音污染"
BASE = "/open311/v2"


@pytest.fixture(scope="module")
async def services(api):
    listed = check("services", "json", await api.get(f"{BASE}/services.json"))
    return {s["description"]: s for s in listed}


@pytest.fixture(scope="module")
async def key(api, tokens):
    made = await api.post("/api/v1/admin/open311-keys", headers=tokens["admin"],
                          json={"name": f"温州市民App-{uuid.uuid4().hex[:6]}", "note": "测试"})
    assert made.status_code == 201, made.text
    return made.json()["key"]


def noise_form(key: str, services: dict, **extra) -> dict:
    return {"api_key": key, "jurisdiction_id": "wenzhou.gov.cn", "service_code": services[NOISE]["service_code"],
            "address_string": "温州市鹿城区五马街道解放街88号", "description": "楼下工地每晚施工，吵得睡不着",
            "first_name": "伟", "last_name": "张", "phone": "13857712345", "email": "zhangwei@example.com",
            "device_id": str(uuid.uuid4()), "attribute[time_period]": "night",
            "attribute[noise_source]": "construction", **extra}


async def test_keys_are_shown_once_listed_by_prefix_and_disabled_with_a_reason(api, tokens, services):
    made = (await api.post("/api/v1/admin/open311-keys", headers=tokens["admin"],
                           json={"name": f"邻市平台-{uuid.uuid4().hex[:6]}"})).json()
    listed = (await api.get("/api/v1/admin/open311-keys", headers=tokens["admin"])).json()
    row = next(k for k in listed if k["id"] == made["id"])
    assert made["key"] not in str(listed) and made["key"].startswith(row["key_prefix"])
    assert row["created_by"] == "admin" and row["disabled_at"] is None
    again = await api.post("/api/v1/admin/open311-keys", headers=tokens["admin"], json={"name": made["name"]})
    assert again.status_code == 409 and again.json()["error"]["fields"][0]["field"] == "name"
    for role in ("agent", "supervisor", "dept_zjj"):
        assert (await api.get("/api/v1/admin/open311-keys", headers=tokens[role])).status_code == 403

    filed = await api.post(f"{BASE}/requests.json", data=noise_form(made["key"], services))
    assert filed.status_code == 201, filed.text
    no_reason = await api.post(f"/api/v1/admin/open311-keys/{made['id']}/disable", headers=tokens["admin"], json={})
    assert no_reason.status_code == 422
    disabled = await api.post(f"/api/v1/admin/open311-keys/{made['id']}/disable", headers=tokens["admin"],
                              json={"reason": "系统下线"})
    assert disabled.status_code == 200
    assert (disabled.json()["disabled_by"], disabled.json()["disabled_reason"], disabled.json()["requests"]) == (
        "admin", "系统下线", 1)
    refused = await api.post(f"{BASE}/requests.xml", data=noise_form(made["key"], services))
    assert refused.status_code == 403
    assert check("errors", "xml", refused)[0]["description"].startswith("api_key: ")
    huge = await api.post(f"/api/v1/admin/open311-keys/{'9' * 25}/disable", headers=tokens["admin"],
                          json={"reason": "x"})
    assert huge.status_code == 422


async def test_a_post_needs_a_valid_api_key(api, services):
    form = noise_form("", services)
    for fmt in ("json", "xml"):
        missing = await api.post(f"{BASE}/requests.{fmt}", data={k: v for k, v in form.items() if k != "api_key"})
        wrong = await api.post(f"{BASE}/requests.{fmt}", data={**form, "api_key": "o311_guessed"})
        for response in (missing, wrong):
            assert response.status_code == 403
            assert check("errors", fmt, response)[0]["description"].startswith("api_key: ")


async def test_service_definitions_come_from_the_category_templates(api, services):
    noise = services[NOISE]
    assert noise["metadata"] is True and noise["group"] == "环境保护" and noise["service_name"] == "环境污染/噪音污染"
    assert services["环境保护/环境污染"]["metadata"] is False and "噪音污染" in services["环境保护/环境污染"]["keywords"]
    assert services["环境保护"]["group"] == "环境保护"  # a level 1 is its own service (the agent console lists it)
    for fmt in ("json", "xml"):
        definition = check("service_definition", fmt, await api.get(f"{BASE}/services/{noise['service_code']}.{fmt}"))
        by_code = {a["code"]: a for a in definition["attributes"]}
        assert list(by_code) == ["time_period", "noise_source", "days", "last_seen"]
        assert [a["order"] for a in definition["attributes"]] == [1, 2, 3, 4]
        assert by_code["time_period"]["description"] == "噪音出现的时间段" and by_code["time_period"]["required"]
        assert {"key": "night", "name": "夜间（22时至次日6时）"} in by_code["time_period"]["values"]
        assert by_code["days"]["datatype"] == "multivaluelist" and by_code["last_seen"]["datatype"] == "datetime"
    xml_list = check("services", "xml", await api.get(f"{BASE}/services.xml"))
    assert {s["service_code"]: s for s in xml_list}[noise["service_code"]] == noise


async def test_a_post_goes_through_intake_with_its_answers_and_a_retry_never_doubles(api, tokens, key, services):
    form = noise_form(key, services, **{"attribute[days][]": "weekday"})
    form_multi = {"content": urlencode(list(form.items()) + [("attribute[days][]", "weekend")]),
                  "headers": {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}}
    first = await api.post(f"{BASE}/requests.json", **form_multi)
    assert first.status_code == 201, first.text
    created = check("post", "json", first)[0]
    number = created["service_request_id"]
    retried = await api.post(f"{BASE}/requests.xml", **form_multi)  # the gateway retries, in XML this time
    assert retried.status_code == 200
    assert check("post", "xml", retried)[0] == created
    token = check("token", "json", await api.get(f"{BASE}/tokens/{created['token']}.json"))[0]
    assert token == {"token": created["token"], "service_request_id": number}

    ticket = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["agent"])).json()
    assert ticket["channel"] == "app" and ticket["category"] == NOISE and ticket["district_code"] == "330302"
    assert "补充信息：噪音出现的时间段：夜间（22时至次日6时）；声源：建筑施工；出现的日子：工作日、周末" in ticket["content"]
    same_text_other_device = await api.post(f"{BASE}/requests.json",
                                            data={**form, "device_id": "another-" + "d" * 80})
    assert same_text_other_device.status_code == 201  # item 14: a device_id of 61-100 characters is fine
    assert check("post", "json", same_text_other_device)[0]["service_request_id"] != number


async def test_concurrent_copies_of_one_request_make_one_ticket(api, key, services):
    form = noise_form(key, services, description=f"同一时刻重发的请求 {uuid.uuid4().hex[:8]}")
    answers = await asyncio.gather(*(api.post(f"{BASE}/requests.json", data=form) for _ in range(6)))
    assert sorted(a.status_code for a in answers) == [200] * 5 + [201]
    assert len({check("post", "json", a)[0]["service_request_id"] for a in answers}) == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("change,field,status", [
    ({"attribute[time_period]": ""}, "attribute[time_period]", 400),
    ({"attribute[noise_source]": "aliens"}, "attribute[noise_source]", 400),
    ({"attribute[last_seen]": "昨晚"}, "attribute[last_seen]", 400),
    ({"attribute[unknown]": "x"}, "attribute[unknown]", 400),
    ({"lat": "91", "long": "120.6"}, "lat", 400),
    ({"lat": "nan", "long": "120.6"}, "lat", 400),
    ({"lat": "27.99"}, "long", 400),
    ({"address_string": ""}, "address_string", 400),
    ({"service_code": "99999999999999999999"}, "service_code", 404),
    ({"service_code": "0"}, "service_code", 404),  # the code reads show for a withheld category
    ({"jurisdiction_id": "example.org"}, "jurisdiction_id", 404),
    ({"device_id": "d" * 101}, "device_id", 400),
    ({"phone": "12345"}, "phone", 400),
    ({"email": "not-an-address"}, "email", 400),
    ({"description": "长" * 4001}, "description", 400),
])
async def test_a_bad_post_names_the_field_in_the_spec_error_format(api, key, services, fmt, change, field, status):
    response = await api.post(f"{BASE}/requests.{fmt}", data={**noise_form(key, services), **change})
    assert response.status_code == status, response.text
    assert any(e["description"].startswith(f"{field}: ") for e in check("errors", fmt, response))


async def test_a_location_by_coordinates_or_address_id_is_enough(api, tokens, key, services):
    form = {k: v for k, v in noise_form(key, services).items() if k != "address_string"}
    by_point = await api.post(f"{BASE}/requests.json", data={**form, "lat": "27.994", "long": "120.699"})
    by_id = await api.post(f"{BASE}/requests.json", data={**form, "address_id": "WZ-330302-001"})
    assert (by_point.status_code, by_id.status_code) == (201, 201)
    number = check("post", "json", by_point)[0]["service_request_id"]
    unclassified = check("requests", "json", await api.get(f"{BASE}/requests/{number}.json", params={"api_key": key}))
    assert unclassified[0]["address"] is None  # its type is not known yet: it could be a 举报
    await api.post(f"/api/v1/tickets/{number}/classification", headers=tokens["agent"],
                   json={"type": "complaint", "category": NOISE})
    own = check("requests", "json", await api.get(f"{BASE}/requests/{number}.json", params={"api_key": key}))[0]
    assert (own["lat"], own["long"], own["address"]) == (27.994, 120.699, "经纬度 27.994000,120.699000")


@pytest.mark.parametrize("path", ["services/99999999999999999999.json", "services/abc.xml", "requests/none.json",
                                  "tokens/nope.xml", "services.csv", "nothing/here.json"])
async def test_what_does_not_exist_is_a_404_in_the_spec_format(api, path):
    response = await api.get(f"{BASE}/{path}")
    assert response.status_code == 404
    assert check("errors", "json" if path.endswith(".json") else "xml", response)[0]["code"] == 404


async def test_reads_show_no_personal_data_and_nothing_of_a_report(api, tokens, key, services):
    complaint = check("post", "json", await api.post(f"{BASE}/requests.json", data=noise_form(key, services)))[0]
    report = check("post", "json", await api.post(f"{BASE}/requests.json", data=noise_form(
        key, services, description="举报：某局工作人员收受好处，我叫张伟，住解放街88号3单元502室")))[0]
    for number, kind in ((complaint["service_request_id"], "complaint"), (report["service_request_id"], "report")):
        await api.post(f"/api/v1/tickets/{number}/classification", headers=tokens["agent"],
                       json={"type": kind, "category": NOISE})
        await api.post(f"/api/v1/tickets/{number}/dispatch", headers=tokens["agent"], json={"department": "zjj"})

    for fmt in ("json", "xml"):
        for params in ({}, {"api_key": key}):
            shown = check("requests", fmt, await api.get(f"{BASE}/requests/{complaint['service_request_id']}.{fmt}",
                                                         params=params))[0]
            assert shown["status"] == "open" and shown["status_notes"] == "已转交承办单位"
            assert shown["agency_responsible"] and shown["service_code"] == services[NOISE]["service_code"]
            assert shown["expected_datetime"] > shown["requested_datetime"]
            text = str(shown)
            for personal in ("张", "伟", "13857712345", "2345", "zhangwei", "example.com"):
                assert personal not in text
            assert (shown["description"] is not None) == bool(params)  # only the system that filed it reads it
            hidden = check("requests", fmt, await api.get(f"{BASE}/requests/{report['service_request_id']}.{fmt}",
                                                          params=params))[0]
            assert {k for k, v in hidden.items() if v is not None} == {
                "service_request_id", "status", "service_code", "requested_datetime", "updated_datetime"}
            assert hidden["service_code"] == "0"
    listed = check("requests", "json", await api.get(f"{BASE}/requests.json", params={
        "service_request_id": f"{complaint['service_request_id']},{report['service_request_id']}"}))
    assert [r["agency_responsible"] is not None for r in listed] in ([True, False], [False, True])
    window = check("requests", "json", await api.get(f"{BASE}/requests.json"))
    assert complaint["service_request_id"] in {r["service_request_id"] for r in window}
    assert report["service_request_id"] not in {r["service_request_id"] for r in window}  # lists leave out 举报


async def test_the_request_list_filters_as_the_spec_says(api, tokens, key, services):
    old = await api.post("/api/v1/submissions", headers=tokens["agent"], json={
        "channel": "phone", "external_id": str(uuid.uuid4()), "content": "一百天前的来电：路灯不亮",
        "received_at": "2020-01-15T10:00:00+08:00"})
    old_number = old.json()["ticket_number"]
    await api.post(f"/api/v1/tickets/{old_number}/classification", headers=tokens["agent"],
                   json={"type": "complaint", "category": NOISE})
    new = check("post", "json", await api.post(f"{BASE}/requests.json", data=noise_form(key, services)))[0]
    await api.post(f"/api/v1/tickets/{new['service_request_id']}/classification", headers=tokens["agent"],
                   json={"type": "complaint", "category": NOISE})

    def numbers(rows):
        return {r["service_request_id"] for r in rows}

    noise = services[NOISE]["service_code"]
    recent = check("requests", "xml", await api.get(f"{BASE}/requests.xml", params={"service_code": noise}))
    assert new["service_request_id"] in numbers(recent) and old_number not in numbers(recent)
    assert {r["service_code"] for r in recent} == {noise}
    dated = check("requests", "json", await api.get(f"{BASE}/requests.json", params={
        "start_date": "2020-01-01T00:00:00Z", "end_date": "2020-02-01T00:00:00+08:00", "status": "open"}))
    assert numbers(dated) == {old_number}
    assert check("requests", "json", await api.get(f"{BASE}/requests.json", params={
        "start_date": "2020-01-01", "status": "closed"})) == []
    for params, field in (({"start_date": "2020-01-01", "end_date": "2020-06-01"}, "end_date"),
                          ({"start_date": "yesterday"}, "start_date"), ({"status": "pending"}, "status"),
                          ({"service_code": "99999999999"}, "service_code")):
        refused = await api.get(f"{BASE}/requests.json", params=params)
        assert refused.status_code in (400, 404)
        assert check("errors", "json", refused)[0]["description"].startswith(f"{field}: ")


async def test_discovery_names_the_endpoint_and_both_formats(api):
    for fmt in ("json", "xml"):
        found = check("discovery", fmt, await api.get(f"{BASE}/discovery.{fmt}"))
        endpoint = found["endpoints"][0]
        assert endpoint["url"] == "http://testserver/open311/v2"
        assert endpoint["formats"] == ["text/xml", "application/json"]


async def test_enumerating_request_numbers_meets_429_quickly(fresh_db_url, tmp_path, tokens):
    # The hashing embedder keeps start-up quick: no knowledge search here.
    settings = make_settings(fresh_db_url, tmp_path, open311_reads_per_minute=20, embedder="hashing")
    app, lifespan, client = await start_client(settings)
    try:
        statuses = []
        for n in range(150):
            response = await client.get(f"{BASE}/requests/20250101{n:06d}.json")
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert int(response.headers["Retry-After"]) >= 1
                assert check("errors", "json", response)[0]["code"] == 429
                break
        assert statuses == [404] * 20 + [429]
        listing = await client.get(f"{BASE}/requests.xml")
        assert listing.status_code == 429 and check("errors", "xml", listing)[0]["code"] == 429
        admin = (await client.post("/api/v1/auth/token", data={"username": "admin", "password": "test-password-123"}))
        headers = {"Authorization": f"Bearer {admin.json()['access_token']}"}
        key = (await client.post("/api/v1/admin/open311-keys", headers=headers, json={"name": "网格平台"})).json()["key"]
        with_key = [(await client.get(f"{BASE}/requests/20250101{n:06d}.json", params={"api_key": key})).status_code
                    for n in range(25)]
        assert with_key == [404] * 25  # a known system reads on its own budget
    finally:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


def test_the_cli_makes_a_key_that_the_facade_accepts(fresh_db_url):
    from typer.testing import CliRunner

    from hotline.cli import app
    from hotline.infra.db import connect
    from hotline.open311 import service

    result = CliRunner().invoke(app, ["open311", "key", "12345微信小程序", "--note", "运维：李工"],
                                env={"HOTLINE_DATABASE_URL": fresh_db_url})
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]

    async def owner():
        conn = await connect(fresh_db_url)
        try:
            return await service.active_key(conn, api_key=key)
        finally:
            await conn.close()

    assert asyncio.run(owner())["name"] == "12345微信小程序"
    again = CliRunner().invoke(app, ["open311", "key", "12345微信小程序"], env={"HOTLINE_DATABASE_URL": fresh_db_url})
    assert again.exit_code == 1


async def test_the_same_request_a_day_later_is_a_new_ticket(api, shared_db_url, key, services):
    from hotline.infra.db import connect

    form = noise_form(key, services)
    first = check("post", "json", await api.post(f"{BASE}/requests.json", data=form))[0]
    conn = await connect(shared_db_url)
    try:  # the first copy was filed 25 hours ago
        await conn.execute("UPDATE open311_requests SET created_at = now() - interval '25 hours' WHERE token = $1",
                           first["token"])
    finally:
        await conn.close()
    later = await api.post(f"{BASE}/requests.json", data=form)
    assert later.status_code == 201
    second = check("post", "json", later)[0]
    assert second["service_request_id"] != first["service_request_id"]
    again = check("post", "json", await api.post(f"{BASE}/requests.json", data=form))[0]
    assert again == second  # and its own retries return it
