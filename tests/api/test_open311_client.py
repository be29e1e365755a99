"""Outside clients drive the Open311 facade over real HTTP, in XML and in JSON: `georeport` 0.3.1 from PyPI (an
independent GeoReport v2 client; it reads services, definitions and requests but cannot POST) and a submitter
that sends what FixMyStreet's perllib/Open311.pm sends (form-encoded POST, attribute[...], then tokens/{token}).
Every answer either of them gets is checked against the Open311 schemas."""
from __future__ import annotations

import threading
import time
import uuid
from types import SimpleNamespace

import pytest
import requests
import uvicorn
import xmltodict
from georeport import GeoReport

from hotline.app import create_app
from tests.api.open311_conformance import check
from tests.conftest import TEST_PASSWORD, clone_database, make_settings
from tests.web.conftest import _free_port

NOISE = "环境保护/环境污染/噪音污染"
JURISDICTION = "wenzhou.gov.cn"


@pytest.fixture(scope="module")
async def server(pg_server_url, template_db, tmp_path_factory):
    """The app served by uvicorn on a port of its own, over a database of its own."""
    settings = make_settings(await clone_database(pg_server_url, template_db), tmp_path_factory.mktemp("o311"),
                             embedder="hashing")  # quick start-up: no knowledge search here
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, name="open311-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


def _bearer(server: str, username: str) -> dict[str, str]:
    token = requests.post(f"{server}/api/v1/auth/token", data={"username": username, "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


@pytest.fixture(scope="module")
def api_key(server) -> str:
    made = requests.post(f"{server}/api/v1/admin/open311-keys", headers=_bearer(server, "admin"),
                         json={"name": "FixMyStreet 温州", "note": "测试接入"})
    assert made.status_code == 201, made.text
    return made.json()["key"]


@pytest.fixture
def answers(monkeypatch):
    """Every response the georeport client receives, kept for the schema check (its own behaviour unchanged)."""
    seen: list[requests.Response] = []
    real_get = requests.get

    def recording_get(*args, **kwargs):
        response = real_get(*args, **kwargs)
        seen.append(response)
        return response

    monkeypatch.setattr("georeport.georeport.requests", SimpleNamespace(get=recording_get))
    return seen


def fixmystreet_post(server: str, fmt: str, params: dict) -> requests.Response:
    """What FixMyStreet's Open311::_post sends: jurisdiction_id and api_key, then the problem's fields."""
    return requests.post(f"{server}/open311/v2/requests.{fmt}", data=params, timeout=30)


def fixmystreet_params(api_key: str, service_code: str, title: str) -> dict:
    description = f"title:  {title}\n\ndetail: 每天晚上十点以后还在打桩\n\nurl: https://fms.example/report/1\n\n" \
                  "Submitted via FixMyStreet\n"
    return {"jurisdiction_id": JURISDICTION, "api_key": api_key, "lat": "27.9943", "long": "120.6994",
            "email": "reporter@example.com", "description": description, "service_code": service_code,
            "first_name": "Wei", "last_name": "Zhang", "phone": "13857712345",
            "media_url": "https://fms.example/photo/1.jpeg",
            "attribute[time_period]": "night", "attribute[noise_source]": "construction"}


def _submitted_id(fmt: str, response: requests.Response) -> tuple[str, str]:
    """(service_request_id, token) the way the submitter reads them: FixMyStreet parses XML with XML::Simple."""
    data = check("post", fmt, response)
    if fmt == "xml":
        request = xmltodict.parse(response.content)["service_requests"]["request"]
        assert (request["service_request_id"], request["token"]) == (data[0]["service_request_id"], data[0]["token"])
    return data[0]["service_request_id"], data[0]["token"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_outside_system_lists_files_and_follows_a_request(server, api_key, answers, fmt):
    client = GeoReport(f"{server}/open311/v2", jurisdiction=JURISDICTION, output_format=fmt)
    services = client.get_service_list()
    noise = next(s for s in services if s["description"] == NOISE)
    assert noise["service_name"] == "环境污染/噪音污染" and str(noise["metadata"]).lower() == "true"
    definition = client.get_service_definition(noise["service_code"])
    attributes = definition["attributes"]["attribute"] if fmt == "xml" else definition["attributes"]
    assert [a["code"] for a in attributes] == ["time_period", "noise_source", "days", "last_seen"]

    params = fixmystreet_params(api_key, noise["service_code"], f"工地夜间施工噪音 {uuid.uuid4().hex[:6]}")
    first = fixmystreet_post(server, fmt, params)
    assert first.status_code == 201, first.text
    number, token = _submitted_id(fmt, first)
    retry = fixmystreet_post(server, fmt, params)  # the send was retried after a timeout
    assert retry.status_code == 200 and _submitted_id(fmt, retry) == (number, token)
    resolved = requests.get(f"{server}/open311/v2/tokens/{token}.{fmt}", params={"jurisdiction_id": JURISDICTION})
    assert check("token", fmt, resolved)[0]["service_request_id"] == number

    agent = _bearer(server, "agent")
    for step, body in (("classification", {"type": "complaint", "category": NOISE}),
                       ("dispatch", {"department": "zjj"})):
        assert requests.post(f"{server}/api/v1/tickets/{number}/{step}", headers=agent, json=body).status_code == 200
    followed = client.get_service_request(number)
    assert followed["status"] == "open" and followed["agency_responsible"] == "温州市住房和城乡建设局"
    assert followed["service_code"] == noise["service_code"] and followed["status_notes"] == "已转交承办单位"
    assert followed["description"] is None and followed["expected_datetime"]  # no key given: no words, a deadline
    listed = client.get_service_requests(service_code=noise["service_code"], status="open")
    listed = [listed] if isinstance(listed, dict) else listed  # xmltodict gives a lone request as a dict
    assert number in {r["service_request_id"] for r in listed}
    by_id = client.get_service_requests(service_request_id=number)
    assert (by_id if isinstance(by_id, dict) else by_id[0])["service_request_id"] == number

    with pytest.raises(requests.HTTPError):
        client.get_service_definition("99999999999999999999")
    assert answers[-1].status_code == 404 and check("errors", fmt, answers[-1])[0]["code"] == 404

    kinds = ["services", "service_definition", "requests", "requests", "requests", "errors"]
    assert len(answers) == len(kinds)
    for kind, answer in zip(kinds, answers):
        check(kind, fmt, answer)
    discovered = requests.get(f"{server}/open311/v2/discovery.{fmt}")
    assert check("discovery", fmt, discovered)["endpoints"][0]["url"] == f"{server}/open311/v2"
