"""/docs works without internet: Swagger UI comes from the app's own static files, and lists the API."""
from __future__ import annotations

from tests.web.conftest import SCREENSHOTS


async def test_the_api_reference_renders_with_every_outside_request_blocked(open_session, live_server):
    reader = await open_session()
    outside: list[str] = []

    async def only_ours(route):
        if route.request.url.startswith(live_server.url):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await reader.page.route("**/*", only_ours)
    await reader.goto("/docs")
    await reader.page.locator(".swagger-ui .info .title", has_text="12345 政务服务便民热线").wait_for()
    await reader.page.locator(".opblock-tag", has_text="admin").first.wait_for()
    assert await reader.page.locator(".opblock").count() > 50  # every operation, e.g. the admin's
    assert outside == [] and [e for e in reader.errors if "favicon" not in e] == []
    await reader.page.screenshot(path=str(SCREENSHOTS / "api-docs-offline.png"))  # the top: a full page is huge
