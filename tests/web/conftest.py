"""Browser-test fixtures: a live server on a cloned test database, and Debian's chromium driven by Playwright.

Browser tests skip when /usr/bin/chromium or the playwright package is absent; HTTP-level page tests still run.
"""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from hotline.app import create_app
from hotline.config import Settings
from tests.conftest import TEST_PASSWORD, clone_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str
    app: FastAPI


@contextmanager
def serve(database_url: str, data_dir: Path) -> Iterator[LiveServer]:
    """The real app served over HTTP by uvicorn in a thread on the database given, stopped at the end."""
    # The hashing embedder keeps start-up quick; the pages do not depend on search quality.
    settings = Settings(environment="test", database_url=database_url, data_dir=data_dir,
                        load_models=False, secret_key="web-test-secret-" + "x" * 32, embedder="hashing")
    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(timeout=30)
            pytest.fail("the live server did not start within 120 s")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", database_url=database_url, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
async def live_server(pg_server_url, template_db, tmp_path_factory):
    """The live server most browser tests share, on a database of its own (a test that counts the whole city's
    numbers overrides this fixture with a server of its own)."""
    database_url = await clone_database(pg_server_url, template_db)
    with serve(database_url, tmp_path_factory.mktemp("web-var")) as server:
        yield server


@pytest.fixture(scope="session")
async def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian chromium at /usr/bin/chromium (apt-get install -y chromium)")
    playwright_api = pytest.importorskip("playwright.async_api", reason="needs the playwright package")
    async with playwright_api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@dataclass
class Session:
    """One person's browser tab, with every console error and uncaught exception it saw."""

    page: object
    base_url: str
    errors: list[str] = field(default_factory=list)

    async def goto(self, path: str):
        return await self.page.goto(self.base_url + path)

    async def login(self, username: str) -> None:
        await self.goto("/login")
        await self.page.fill("input[name=username]", username)
        await self.page.fill("input[name=password]", TEST_PASSWORD)
        await self.page.click("button[type=submit]")
        await self.page.wait_for_load_state("networkidle")

    async def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
async def open_session(browser, live_server):
    """Open a fresh browser context per person (own cookies), closed after the test."""
    contexts = []

    async def open_() -> Session:
        context = await browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
                                            timezone_id="Asia/Shanghai")
        contexts.append(context)
        context.set_default_timeout(10_000)
        page = await context.new_page()
        session = Session(page=page, base_url=live_server.url)
        page.on("console", lambda msg: session.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: session.errors.append(f"pageerror: {exc}"))
        return session

    yield open_
    for context in contexts:
        await context.close()
