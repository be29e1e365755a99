"""Closed-loop HTTP load: C clients each send requests back to back for a fixed time; latency percentiles."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from typing import Awaitable, Callable

import httpx


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def drive(
    base_url: str, make_request: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]],
    *, seconds: float, concurrency: int,
) -> dict:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            response = await make_request(client, next(counter))
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code >= 400:
                errors += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*[client_loop(client) for _ in range(concurrency)])
        elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "errors": errors, "throughput_per_s": len(latencies) / elapsed,
            "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(factory: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Start `uvicorn --factory` in a child process and wait until it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        env={**os.environ, **env},
    )
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base_url + "/docs", timeout=1)
            return process, base_url
        except httpx.HTTPError:
            if process.poll() is not None:
                raise RuntimeError(f"{factory} exited with {process.returncode}")
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{factory} did not start")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
