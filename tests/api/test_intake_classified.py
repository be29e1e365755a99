"""Intake with a trained classifier loaded: every ticket keeps the model's suggestions beside its routes."""
from pathlib import Path

import pytest

from classifier.pipeline import train_default
from tests.conftest import make_settings, start_client


@pytest.fixture(scope="module")
async def classified_api(shared_db_url, tmp_path_factory):
    model_dir = train_default(tmp_path_factory.mktemp("model") / "classifier", shared_data_dir=Path("/nonexistent"))
    settings = make_settings(shared_db_url, tmp_path_factory.mktemp("var"), load_models=True,
                             classifier_dir=model_dir, embedder="hashing")
    app, lifespan, client = await start_client(settings)
    yield client
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


async def test_a_gas_leak_arrives_classified_and_routed(classified_api, tokens):
    response = await classified_api.post("/api/v1/submissions", json={
        "channel": "web", "external_id": "classified-gas-1", "address": "温州市鹿城区五马街道",
        "content": "救命，我家楼道里燃气泄漏了，味道很大，请马上派人来处理！", "citizen": {"phone": "13912345678"}})
    assert response.status_code == 201, response.text
    number = response.json()["ticket_number"]
    ticket = (await classified_api.get(f"/api/v1/tickets/{number}", headers=tokens["agent"])).json()
    assert ticket["urgency"] == "emergency"
    suggestions = (await classified_api.get(f"/api/v1/tickets/{number}/suggestions", headers=tokens["agent"])).json()
    heads = {s["head"]: s for s in suggestions["classification"]}
    assert set(heads) == {"type", "category", "urgency"}
    assert heads["urgency"]["label"] == "emergency" and heads["urgency"]["top3"][0][0] == "emergency"
    assert [route["rank"] for route in suggestions["routes"]] == list(range(1, len(suggestions["routes"]) + 1))
    assert suggestions["routes"][0]["reasons"], "the first department suggestion must say why"
