"""A dispatch-history model that embeds the text routes phone calls at once and public posts in the worker."""
import json
import uuid

import pytest

from routing.model import DepartmentModel

STREETLIGHTS = ["五马街的路灯坏了，晚上一片漆黑", "人民路路灯不亮好几天了", "小区外面马路的路灯一直闪",
                "学院路路灯损坏无人维修", "江滨路一排路灯全灭了", "车站大道路灯杆倾斜有危险"]
PROPERTY_FEES = ["物业费上涨没有公示", "物业公司不打扫楼道", "物业不让业主装充电桩",
                 "小区物业乱收停车费", "物业服务太差要求更换", "物业擅自占用公共绿地"]
TEXT = "解放路上的路灯坏了没人修，晚上走路很危险"


def embedding_model() -> DepartmentModel:
    # "hashing" stands in for E5: what matters is that the model embeds the text, so intake defers it
    return DepartmentModel(embedder="hashing").fit(STREETLIGHTS + PROPERTY_FEES,
                                                   ["zhzfj"] * len(STREETLIGHTS) + ["zjj"] * len(PROPERTY_FEES))


@pytest.fixture(scope="module")
async def model_api(pg_server_url, template_db, tmp_path_factory):
    from hotline.runtime import routing_model_path
    from routing.artifacts import save_model
    from tests.conftest import TEST_PASSWORD, clone_database, make_settings, start_client

    # a database of its own: the worker below fires every due timer and re-routes every public post it finds
    settings = make_settings(await clone_database(pg_server_url, template_db), tmp_path_factory.mktemp("var"),
                             load_models=True, embedder="hashing")
    save_model(routing_model_path(settings), embedding_model(), {"task": "department"})
    app, lifespan, client = await start_client(settings)
    token = await client.post("/api/v1/auth/token", data={"username": "agent", "password": TEST_PASSWORD})
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    yield settings, client
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


async def submit(client, channel: str) -> str:
    response = await client.post("/api/v1/submissions", json={
        "channel": channel, "external_id": str(uuid.uuid4()), "content": TEXT,
        "citizen": {"phone": "13612345678"}, "address": "温州市鹿城区五马街道"})
    assert response.status_code == 201, response.text
    return response.json()["ticket_number"]


async def routes_of(client, number: str) -> list[dict]:
    return (await client.get(f"/api/v1/tickets/{number}/suggestions")).json()["routes"]


def model_reasons(routes: list[dict]) -> list[str]:
    return [r["detail"] for route in routes for r in route["reasons"] if r["source"] == "model"]


async def run_worker_once(settings) -> None:
    """What a worker does with due timers: its own routing model, loaded as at its start-up."""
    from classifier.embedders import load_embedder
    from hotline.infra.db import create_pool
    from hotline.intake.enrich import make_enricher
    from hotline.runtime import load_live_router
    from hotline.worker import enrich_due_tickets

    pool = await create_pool(settings, settings.database_url)
    try:
        enricher = make_enricher(load_embedder("hashing"), await load_live_router(settings, pool))
        async with pool.acquire() as conn:
            await enrich_due_tickets(conn, worker="test", enricher=enricher)
    finally:
        await pool.close()


async def test_a_web_post_gets_the_models_suggestion_from_the_worker(model_api):
    settings, client = model_api
    number = await submit(client, "web")
    at_intake = await routes_of(client, number)
    assert at_intake and model_reasons(at_intake) == []  # the rules alone: nobody waits on a web post

    await run_worker_once(settings)
    later = await routes_of(client, number)
    assert later[0]["department_code"] == "zhzfj"
    assert any(detail.startswith("历史派单模型 p=") for detail in model_reasons(later))
    assert {route["model_version"] for route in later} == {model_version(settings)}
    assert [route["rank"] for route in later] == list(range(1, len(later) + 1))  # one set, not two mixed
    assert await stored_sets(settings, number) == {None: len(at_intake), model_version(settings): len(later)}


async def test_a_phone_call_gets_the_models_suggestion_at_once(model_api):
    settings, client = model_api
    number = await submit(client, "phone")
    routes = await routes_of(client, number)
    assert routes[0]["department_code"] == "zhzfj"
    assert any(detail.startswith("历史派单模型 p=") for detail in model_reasons(routes))
    assert {route["model_version"] for route in routes} == {model_version(settings)}  # stamped with its model

    await run_worker_once(settings)
    assert await routes_of(client, number) == routes  # the worker leaves an agent channel's suggestions alone


async def test_first_dispatch_accuracy_judges_the_set_the_dispatcher_saw(model_api):
    from hotline.infra.db import connect
    from hotline.training.service import suggestion_accuracy
    from tests.conftest import TEST_PASSWORD

    settings, client = model_api
    early = await submit(client, "web")
    await dispatch(client, early)  # before the worker: the dispatcher saw the rules' 兜底 (鹿城区人民政府) only
    late = await submit(client, "web")
    await run_worker_once(settings)
    await dispatch(client, late)  # after it: the model's 综合行政执法局 was on top
    token = await client.post("/api/v1/auth/token", data={"username": "dept_zhzfj", "password": TEST_PASSWORD})
    for number in (early, late):
        signed = await client.post(f"/api/v1/tickets/{number}/sign",
                                   headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert signed.status_code == 200, signed.text
    conn = await connect(settings.database_url)
    try:
        assert await suggestion_accuracy(conn) == {"tickets": 2, "top1_accuracy": 0.5, "top3_accuracy": 0.5}
    finally:
        await conn.close()


async def dispatch(client, number: str) -> None:
    for action, body in (("classification", {"type": "complaint", "category": "城乡建设", "urgency": "normal"}),
                         ("dispatch", {"department": "zhzfj"})):
        response = await client.post(f"/api/v1/tickets/{number}/{action}", json=body)
        assert response.status_code == 200, (action, response.text)


def test_a_words_only_model_routes_every_channel_inline():
    from hotline.routing_rules.live_router import LiveRouter

    words_only = DepartmentModel().fit(STREETLIGHTS + PROPERTY_FEES,
                                       ["zhzfj"] * len(STREETLIGHTS) + ["zjj"] * len(PROPERTY_FEES))
    assert not LiveRouter(model=words_only).defers_model("web")
    assert LiveRouter(model=embedding_model()).defers_model("web")
    assert not LiveRouter(model=embedding_model()).defers_model("phone")


def model_version(settings) -> str:
    from hotline.runtime import routing_model_path

    return json.loads((routing_model_path(settings) / "manifest.json").read_text(encoding="utf-8"))["model_version"]


async def stored_sets(settings, number: str) -> dict[str | None, int]:
    """Every set of suggestions the ticket ever got: {model_version: rows}."""
    from hotline.infra.db import connect

    conn = await connect(settings.database_url)
    try:
        rows = await conn.fetch("SELECT r.model_version, count(*) FROM routing_suggestions r JOIN tickets t "
                                "ON t.id = r.ticket_id WHERE t.ticket_number = $1 GROUP BY 1", number)
    finally:
        await conn.close()
    return {row["model_version"]: row["count"] for row in rows}
