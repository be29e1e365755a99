"""`hotline bench load`: several API processes and workers on one PostgreSQL, driven open-loop at a steady rate
by the day's mix: public intake, knowledge search, chat, and agents dispatching tickets that departments sign
and reply to. Latency is measured from each request's scheduled start, so a slow server cannot hide it."""
from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict, deque
from pathlib import Path

import httpx

from hotline.bench.load import free_port, percentile
from hotline.config import Settings

# Share of requests per kind; "casework" is an agent confirming a type or dispatching, or a department signing
# or replying, whichever step has tickets waiting.
MIX = {"intake": 0.40, "search": 0.20, "chat": 0.15, "casework": 0.25}
CASEWORK_DEPARTMENTS = ("zjj", "zhzfj", "gaj", "rsj", "sthjj", "scjgj", "water")
WARM_UP_S = 3.0
_COMPLAINTS = (
    "鹿城区五马街道解放街路灯不亮已经一周了，晚上出行很不安全，请尽快维修。",
    "瓯海区娄桥街道某小区楼下餐馆油烟直排，住户窗户都被熏黑了，希望有关部门处理。",
    "龙湾区永中街道一工地夜间施工噪音很大，凌晨两点还在打桩，严重影响休息。",
    "瑞安市安阳街道自来水发黄有异味，已经持续三天，请水务部门检查。",
    "乐清市城东街道公交站台损坏，雨天无处避雨，建议尽快修复。",
    "苍南县灵溪镇农贸市场有商家缺斤短两，希望市场监管部门查处。",
)
_QUESTIONS = (
    "办理居住证需要带什么材料", "身份证丢了怎么补办", "新生儿怎么办理医保", "营业执照怎么申请",
    "公积金提取需要哪些材料", "失业金怎么领取", "结婚登记要带什么", "护照怎么办理",
    "社保卡补办", "退休手续怎么办", "不动产登记要什么材料", "驾驶证到期换证",
    "个体户注销流程", "残疾人补贴怎么申请", "低保申请条件", "出生医学证明补办",
)
_REPLY = "经现场核查，问题属实，已安排人员处理完毕，并将加强日常巡查。"


async def demo_database(settings: Settings, name: str, data_dir: Path) -> tuple[str, dict[str, str]]:
    """A database of the benchmark's own with the whole demo city (departments, matters, demo tickets);
    returns its URL and the demo accounts' generated passwords."""
    from hotline.bench.intake import migrated_database
    from hotline.infra.db import connect
    from hotline.seeds.run import seed_all

    url = await migrated_database(settings, name)
    conn = await connect(url)
    try:
        summary = await seed_all(conn, settings.model_copy(update={"data_dir": data_dir, "demo": True}))
    finally:
        await conn.close()
    return url, {username: password for username, _, password in summary["new_users"]}


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "hotline", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _wait_healthy(url: str, process: subprocess.Popen, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"hotline serve exited with {process.returncode}")
            try:
                if (await client.get(url + "/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout_s} s")


def _rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), None)
    return round(kb / 1024, 1) if kb else None


class Casework:
    """Tickets moving through the centre: received -> confirmed type (agent) -> dispatched (agent) -> signed
    (department) -> replied (department)."""

    def __init__(self, agent: dict[str, str], departments: dict[str, dict[str, str]]):
        self.agent = agent
        self.departments = departments  # code -> auth header of that department's demo account
        self.received: deque[str] = deque()
        self.classified: deque[str] = deque()
        self.dispatched: deque[tuple[str, str]] = deque()
        self.accepted: deque[tuple[str, str]] = deque()
        self._next_department = 0

    def next_step(self, client: httpx.AsyncClient):
        """The most advanced step that has work waiting, as (kind, request coroutine, on_success)."""
        if self.accepted:
            number, code = self.accepted.popleft()
            return "reply", client.post(f"/api/v1/tickets/{number}/reply", json={"content": _REPLY},
                                        headers=self.departments[code]), None
        if self.dispatched:
            number, code = self.dispatched.popleft()
            return "sign", client.post(f"/api/v1/tickets/{number}/sign", headers=self.departments[code]), \
                lambda: self.accepted.append((number, code))
        if self.classified:
            number = self.classified.popleft()
            codes = list(self.departments)
            code = codes[self._next_department % len(codes)]
            self._next_department += 1
            return "dispatch", client.post(f"/api/v1/tickets/{number}/dispatch", json={"department": code},
                                           headers=self.agent), lambda: self.dispatched.append((number, code))
        if self.received:
            number = self.received.popleft()
            # The agent confirms the type (it sets the time limits) before dispatching, as on the console.
            return "classify", client.post(f"/api/v1/tickets/{number}/classification",
                                           json={"type": "complaint", "urgency": "normal"}, headers=self.agent), \
                lambda: self.classified.append(number)
        return None


async def _login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/token", data={"username": username, "password": password})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def warm_up(base_urls: list[str]) -> None:
    """Each process embeds a matter's passages the first time a search shows it, then keeps them: ask every
    question once per process, so the measured run is the steady state and not the first minutes."""
    async def warm(url: str) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=300) as client:
            for question in _QUESTIONS:
                (await client.get("/api/v1/knowledge/search", params={"q": question})).raise_for_status()
                (await client.post("/api/v1/chat", json={"message": question})).raise_for_status()

    await asyncio.gather(*[warm(url) for url in base_urls])


async def drive_open_loop(base_urls: list[str], casework: Casework, *, seconds: float, rate: float,
                          seed: int = 0) -> dict[str, list[tuple[float, str | None]]]:
    """Start request i at t0 + i/rate whatever earlier ones are doing; round-robin over the API processes.
    Returns (latency_ms, failure) per kind: failure is None, an HTTP status (as text) or the client error's name."""
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    results: dict[str, list[tuple[float, str | None]]] = defaultdict(list)
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=100)
    clients = [httpx.AsyncClient(base_url=url, timeout=60, limits=limits) for url in base_urls]

    async def one(i: int, kind: str, scheduled: float) -> None:
        client = clients[i % len(clients)]
        on_success = None
        if kind == "casework":
            step = casework.next_step(client)
            kind, request, on_success = step if step else ("intake", None, None)
        if kind == "intake":
            text = _COMPLAINTS[i % len(_COMPLAINTS)]
            request = client.post("/api/v1/submissions", json={
                "channel": "web", "external_id": f"load-{run}-{i}", "content": f"{text}（编号{i}）",
                "citizen": {"phone": f"137{i % 10**8:08d}"}})
        elif kind == "search":
            request = client.get("/api/v1/knowledge/search", params={"q": _QUESTIONS[i % len(_QUESTIONS)]})
        elif kind == "chat":
            request = client.post("/api/v1/chat", json={"message": _QUESTIONS[(i * 5) % len(_QUESTIONS)]})
        try:
            response = await request
            failure = str(response.status_code) if response.status_code >= 400 else None
        except httpx.HTTPError as error:
            response, failure = None, type(error).__name__
        ok = failure is None
        results[kind].append(((time.perf_counter() - scheduled) * 1000, failure))
        if ok and kind == "intake":
            casework.received.append(response.json()["ticket_number"])
        elif ok and on_success is not None:
            on_success()

    tasks = []
    try:
        t0 = time.perf_counter()
        for i in range(int(seconds * rate)):
            scheduled = t0 + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
            tasks.append(asyncio.create_task(one(i, kind, scheduled)))
        await asyncio.gather(*tasks)
    finally:
        for client in clients:
            await client.aclose()
    return results


def summarise(results: dict[str, list[tuple[float, str | None]]]) -> dict:
    latencies = [ms for rows in results.values() for ms, _ in rows]
    failures = Counter(failure for rows in results.values() for _, failure in rows if failure is not None)
    return {
        "requests": len(latencies),
        "errors": sum(failures.values()),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "error_causes": dict(failures.most_common()),  # HTTP status or client error (e.g. ReadTimeout) -> count
        "by_kind": {kind: {"requests": len(rows), "errors": sum(failure is not None for _, failure in rows),
                           "p95_ms": round(percentile([ms for ms, _ in rows], 95), 1)}
                    for kind, rows in sorted(results.items())},
    }


async def run_load_bench(settings: Settings, *, seconds: float, rate: float, api_processes: int,
                         workers: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="hotline-load-"))
    url, passwords = await demo_database(settings, "hotline_bench_load", data_dir)
    env = {**os.environ, "HOTLINE_DATABASE_URL": url, "HOTLINE_DATA_DIR": str(data_dir),
           "HOTLINE_EMBEDDER": settings.embedder,
           # one load generator is one address: the per-address public budget would refuse it at once
           "HOTLINE_PUBLIC_REQUESTS_PER_MINUTE": str(10**9), "HOTLINE_PUBLIC_SEARCHES_PER_MINUTE": str(10**9)}
    has_classifier = (settings.classifier_path / "manifest.json").exists()
    if has_classifier:
        env["HOTLINE_CLASSIFIER_DIR"] = str(settings.classifier_path)
    ports = [free_port() for _ in range(api_processes)]
    apis = [_start(["serve", "--port", str(port)], env) for port in ports]
    worker_processes = [_start(["worker"], env) for _ in range(workers)]
    base_urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        await asyncio.gather(*[_wait_healthy(u, p) for u, p in zip(base_urls, apis)])
        async with httpx.AsyncClient(base_url=base_urls[0], timeout=30) as client:
            agent = await _login(client, "agent01", passwords["agent01"])
            departments = {code: await _login(client, f"dept-{code}", passwords[f"dept-{code}"])
                           for code in CASEWORK_DEPARTMENTS}
        casework = Casework(agent, departments)
        await warm_up(base_urls)
        await drive_open_loop(base_urls, casework, seconds=WARM_UP_S, rate=rate, seed=1)  # pools and queues
        results = await drive_open_loop(base_urls, casework, seconds=seconds, rate=rate)
        rss = [_rss_mb(p.pid) for p in apis]
    finally:
        for process in apis + worker_processes:
            process.terminate()
        for process in apis + worker_processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
    return {**summarise(results), "rate": rate, "seconds": seconds, "api_processes": api_processes,
            "workers": workers, "embedder": settings.embedder, "classifier": has_classifier,
            "api_rss_mb": rss}
