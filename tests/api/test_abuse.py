"""Abuse resistance: failed logins lock out with Retry-After; public intake and chat are rate limited."""
import uuid

from tests.conftest import TEST_PASSWORD, make_settings, start_client


async def test_failed_logins_lock_the_user_until_an_admin_lifts_it(api, tokens, shared_db_url):
    from hotline.auth.service import create_user
    from hotline.db import connect

    username = f"clerk-{uuid.uuid4().hex[:6]}"
    conn = await connect(shared_db_url)
    await create_user(conn, username=username, password=TEST_PASSWORD, role="agent")
    await conn.close()
    for _ in range(5):
        wrong = await api.post("/api/v1/auth/token", data={"username": username, "password": "wrong-password!"})
        assert wrong.status_code == 401
    locked = await api.post("/api/v1/auth/token", data={"username": username, "password": TEST_PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert (await api.delete(f"/api/v1/auth/lockouts/{username}", headers=tokens["agent"])).status_code == 403
    assert (await api.delete(f"/api/v1/auth/lockouts/{username}", headers=tokens["admin"])).status_code == 204
    unlocked = await api.post("/api/v1/auth/token", data={"username": username, "password": TEST_PASSWORD})
    assert unlocked.status_code == 200


async def test_public_intake_and_chat_share_a_rate_limit(fresh_db_url, tmp_path):
    app, lifespan, client = await start_client(make_settings(fresh_db_url, tmp_path, public_requests_per_minute=3,
                                                             embedder="hashing"))
    try:
        statuses = []
        for _ in range(3):
            response = await client.post("/api/v1/submissions", json={
                "channel": "web", "external_id": str(uuid.uuid4()), "content": "路灯坏了"})
            statuses.append(response.status_code)
        limited = await client.post("/api/v1/chat", json={"message": "办身份证要带什么"})
        assert statuses == [201, 201, 201]
        assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.json()["error"]["code"] == "too_many_requests"
    finally:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


async def test_anonymous_search_is_throttled_per_address_but_staff_and_the_chat_are_not(fresh_db_url, tmp_path):
    import asyncio
    from datetime import datetime

    app, lifespan, client = await start_client(make_settings(fresh_db_url, tmp_path, public_searches_per_minute=5,
                                                             public_requests_per_minute=5, embedder="hashing"))
    try:
        if datetime.now().second >= 55:  # the budget is per clock minute: start this test inside one
            await asyncio.sleep(61 - datetime.now().second)
        token = (await client.post("/api/v1/auth/token", data={"username": "agent", "password": TEST_PASSWORD}))
        agent = {"Authorization": f"Bearer {token.json()['access_token']}"}
        public = [(await client.get("/api/v1/knowledge/search", params={"q": f"身份证{i}"})).status_code
                  for i in range(6)]
        assert public == [200] * 5 + [429]
        refused = await client.get("/api/v1/knowledge/search", params={"q": "护照"})
        assert refused.json()["error"]["code"] == "too_many_requests" and int(refused.headers["Retry-After"]) >= 1
        # an agent typing as the caller speaks searches on, however often
        assert {(await client.get("/api/v1/knowledge/search", params={"q": f"社保{i}"}, headers=agent)).status_code
                for i in range(10)} == {200}
        # the same citizen's chat has its own budget
        assert (await client.post("/api/v1/chat", json={"message": "办身份证要带什么"})).status_code == 200
    finally:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)
