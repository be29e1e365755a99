"""Fault-test helpers: real `hotline serve` / `hotline worker` processes that a test may kill -9 and restart,
and a burst of public submissions whose clients retry (same external_id) until each one is acknowledged."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from hotline.bench.load import free_port

HOTLINE = [sys.executable, "-m", "hotline"]
ACKNOWLEDGED = (200, 201)
_CONTENT = "鹿城区五马街道解放街路灯不亮已经一周了，晚上出行很不安全，请尽快维修。"


def product_env(database_url: str, data_dir: Path) -> dict[str, str]:
    """What the processes need: the database, the hashing embedder (quick start-up), no classifier model."""
    return {**os.environ, "HOTLINE_DATABASE_URL": database_url, "HOTLINE_DATA_DIR": str(data_dir),
            "HOTLINE_DEMO": "0", "HOTLINE_EMBEDDER": "hashing", "HOTLINE_LOAD_MODELS": "false",
            "HOTLINE_ENVIRONMENT": "test", "HOTLINE_SECRET_KEY": "fault-test-secret-" + "x" * 32,
            "HOTLINE_PUBLIC_REQUESTS_PER_MINUTE": str(10**6), "HOTLINE_PUBLIC_SEARCHES_PER_MINUTE": str(10**6)}


@dataclass
class ApiProcess:
    """One `hotline serve` on a fixed port, so a restarted process answers at the same address."""

    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout_s: float = 60) -> None:
        self.process = subprocess.Popen([*HOTLINE, "serve", "--port", str(self.port)], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"hotline serve exited with {self.process.returncode}"
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"hotline serve did not answer within {timeout_s} s")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([*HOTLINE, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_processes(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def submission(external_id: str, i: int) -> dict:
    return {"channel": "web", "external_id": external_id, "content": f"{_CONTENT}（第{i}次反映）",
            "citizen": {"phone": f"139{i:08d}"}, "address": "温州市鹿城区五马街道"}


@dataclass
class Burst:
    """What the clients saw: the ticket acknowledged per external_id, and every failed attempt."""

    acknowledged: dict[str, str] = field(default_factory=dict)
    failures: list[tuple[str, int | str, str]] = field(default_factory=list)  # (external_id, status|error, body)

    @property
    def failed_attempts(self) -> int:
        return len(self.failures)


async def submit_until_acknowledged(base_url: str, external_ids: list[str], *, clients: int, burst: Burst,
                                    give_up_s: float = 60) -> None:
    """Each client sends its share of submissions; an attempt that fails (connection error, 5xx) is retried
    with the same external_id, as a real channel gateway would, until the API acknowledges it."""
    deadline = time.monotonic() + give_up_s
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for i, external_id in enumerate(external_ids):
        queue.put_nowait((i, external_id))

    async def client_loop(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            i, external_id = queue.get_nowait()
            while True:
                assert time.monotonic() < deadline, f"{external_id} was never acknowledged"
                try:
                    response = await client.post("/api/v1/submissions", json=submission(external_id, i))
                except httpx.TransportError as exc:
                    burst.failures.append((external_id, type(exc).__name__, ""))
                else:
                    if response.status_code in ACKNOWLEDGED:
                        burst.acknowledged[external_id] = response.json()["ticket_number"]
                        break
                    burst.failures.append((external_id, response.status_code, response.text))
                await asyncio.sleep(0.1)

    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        await asyncio.gather(*[client_loop(client) for _ in range(clients)])
