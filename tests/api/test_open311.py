"""The Open311 GeoReport v2 facade files and follows requests through the same intake."""


async def test_services_then_request_then_status(api, tokens):
    services = (await api.get("/open311/v2/services.json")).json()
    lamp = next(s for s in services if s["service_name"] == "城市建设和市政管理")
    created = await api.post("/open311/v2/requests.json", data={
        "service_code": lamp["service_code"], "description": "路灯坏了三天了，电话13812345678",
        "address_string": "温州市鹿城区松台街道", "first_name": "小明", "last_name": "王"})
    assert created.status_code == 201, created.text
    number = created.json()[0]["service_request_id"]

    public = (await api.get(f"/open311/v2/requests/{number}.json")).json()[0]
    assert public["status"] == "open" and public["description"] is None
    staff = (await api.get(f"/open311/v2/requests/{number}.json", headers=tokens["agent"])).json()[0]
    assert "138****5678" in staff["description"]
    ticket = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["agent"])).json()
    assert ticket["category"] == "城乡建设/城市建设和市政管理" and ticket["district_code"] == "330302"


async def test_unknown_service_code_names_the_field(api):
    response = await api.post("/open311/v2/requests.json", data={"service_code": "99999", "description": "x"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "service_code"
