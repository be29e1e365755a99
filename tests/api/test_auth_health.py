"""Logging in, the health check, and the departments list."""
from tests.conftest import TEST_PASSWORD, make_settings, start_client


async def test_login_returns_a_bearer_token(api):
    response = await api.post("/api/v1/auth/token", data={"username": "agent", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer" and response.json()["role"] == "agent"


async def test_wrong_password_and_unknown_user_look_the_same(api):
    wrong = await api.post("/api/v1/auth/token", data={"username": "agent", "password": "nope-nope-nope"})
    unknown = await api.post("/api/v1/auth/token", data={"username": "ghost", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_forged_token_is_refused(api):
    response = await api.get("/api/v1/tickets", headers={"Authorization": "Bearer abc.def.ghi"})
    assert response.status_code == 401


async def test_health_is_ok_with_a_database(api):
    response = await api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "replica": "none"}  # no replica: reads use it too


async def test_health_and_intake_answer_503_when_the_database_is_gone(tmp_path):
    # A pool to a server that does not exist: every acquire fails like an outage.
    settings = make_settings("postgresql://nobody@127.0.0.1:1/none", tmp_path, pool_min_size=0)
    app, lifespan, client = await start_client(settings)
    try:
        health = await client.get("/healthz")
        assert health.status_code == 503 and "Traceback" not in health.text
        intake = await client.post("/api/v1/submissions", json={
            "channel": "web", "external_id": "x", "content": "停电了"})
        assert intake.status_code == 503
        assert intake.json()["error"]["code"] == "database_unavailable"
    finally:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


async def test_departments_list_the_city_with_fallback_district_governments(api):
    departments = (await api.get("/api/v1/departments")).json()
    by_code = {d["code"]: d for d in departments}
    assert by_code["zjj"]["level"] == "city"
    assert by_code["gov-330302"]["fallback"] is True and by_code["gov-330302"]["district"] == "330302"
    assert {d["level"] for d in departments} == {"city", "district", "street"}
    # the district bureau that does the municipal bureau's work in its district (where district duties go)
    assert (by_code["lc-zhzf"]["counterpart_of"], by_code["lc-zhzf"]["district"]) == ("zhzfj", "330302")
