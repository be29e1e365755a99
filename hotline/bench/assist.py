"""`hotline bench assist`: N agents typing callers' words into the console at once, against one API process of
its own (on a fresh city database, no demo tickets). Each agent types a caller's text in bursts of a few
characters with the pauses of a fast typist; after every burst it sends what the console sends then (the
knowledge panel and auto-fill, side by side), and at each new call it looks up the caller's number. Latency is
per request, from send to answer; the generator runs on the same machine as the server and PostgreSQL."""
from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from hotline.bench.load import free_port, percentile
from hotline.bench.mixed import _login, _start, _wait_healthy
from hotline.config import Settings

WARM_UP_S = 5.0
BURST_CHARS = (3, 8)        # characters typed between two pauses
PAUSE_S = (0.8, 2.0)        # the pause that makes the console ask (it waits 400 ms of quiet)
TEXT_CHARS = (60, 160)      # how much of a caller's words an agent notes down
_BUILT_IN = (
    "来电人反映鹿城区五马街道解放街88号楼下烧烤店每晚十点以后油烟和噪音很大，已经持续两个月，希望有关部门尽快处理。",
    "我想问一下身份证丢了怎么补办，需要带什么材料，在哪里办，要多久能拿到。",
    "瓯海区娄桥街道古岸头路口的红绿灯坏了两天了，早晚高峰非常堵，请尽快修复。",
    "咨询个体户营业执照怎么申请，需要准备哪些材料，可以网上办吗。",
    "公司拖欠我们三个月工资了，老板一直说没钱，我们十几个工人想问问应该去哪里投诉。",
    "龙湾区永中街道一工地夜间施工噪音很大，凌晨两点还在打桩，严重影响休息，请查处。",
    "新生儿怎么办理医保，出生医学证明丢了能补办吗，需要父母都到场吗。",
    "瑞安市安阳街道自来水发黄有异味，已经持续三天，请水务部门检查。",
)


def callers_texts(shared_data_dir: Path, limit: int = 400, seed: int = 7) -> tuple[list[str], str]:
    """Real citizens' words (the public messages in ../shared/data) when present, else built-in ones."""
    path = shared_data_dir / "tipdm_messages_unlabeled.jsonl"
    if not path.exists():
        return list(_BUILT_IN), "built-in"
    rng = random.Random(seed)
    texts = []
    with open(path, encoding="utf-8") as file:
        for line in file:
            row = json.loads(line)
            body = " ".join((row.get("body") or "").split())
            if len(body) >= TEXT_CHARS[0]:
                texts.append(body[: rng.randint(*TEXT_CHARS)])
    rng.shuffle(texts)
    return texts[:limit], path.name


async def agent_types(client: httpx.AsyncClient, headers: dict[str, str], texts: list[str], *, agent: int,
                      until: float, results: dict[str, list[tuple[float, bool]]], seed: int) -> None:
    rng = random.Random(seed)
    turn = agent
    while time.monotonic() < until:
        text = texts[turn % len(texts)]
        turn += 7
        phone = f"135{rng.randrange(10**8):08d}"
        await _timed(results, "history", client.get("/api/v1/tickets", headers=headers,
                                                    params={"q": phone, "page_size": "10"}))
        typed = 0
        while typed < len(text) and time.monotonic() < until:
            typed = min(len(text), typed + rng.randint(*BURST_CHARS))
            notes = text[:typed]
            if len(notes) >= 6:  # the console asks once the notes say something
                await asyncio.gather(
                    _timed(results, "knowledge", client.post("/api/v1/knowledge/suggestions", headers=headers,
                                                             json={"text": notes})),
                    _timed(results, "autofill", client.post("/api/v1/autofill", headers=headers,
                                                            json={"text": notes})))
            await asyncio.sleep(rng.uniform(*PAUSE_S))


async def _timed(results: dict[str, list[tuple[float, bool]]], kind: str, request) -> None:
    started = time.perf_counter()
    try:
        response = await request
        ok = response.status_code < 400
    except httpx.HTTPError:
        ok = False
    results[kind].append(((time.perf_counter() - started) * 1000, ok))


async def drive(base_url: str, logins: list[dict[str, str]], texts: list[str], *, agents: int,
                seconds: float, seed: int) -> dict[str, list[tuple[float, bool]]]:
    results: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    limits = httpx.Limits(max_connections=4 * agents, max_keepalive_connections=4 * agents)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        until = time.monotonic() + seconds
        await asyncio.gather(*[agent_types(client, logins[i % len(logins)], texts, agent=i, until=until,
                                           results=results, seed=seed * 1000 + i) for i in range(agents)])
    return results


async def run_assist_bench(settings: Settings, *, agents: int, seconds: float) -> dict:
    from hotline.bench.intake import migrated_database
    from hotline.infra.db import connect
    from hotline.seeds.run import seed_all

    data_dir = Path(tempfile.mkdtemp(prefix="hotline-assist-"))
    url = await migrated_database(settings, "hotline_bench_assist")
    conn = await connect(url)
    try:
        summary = await seed_all(conn, settings.model_copy(update={"data_dir": data_dir, "demo": False}))
    finally:
        await conn.close()
    passwords = {username: password for username, _, password in summary["new_users"]}
    env = {**os.environ, "HOTLINE_DATABASE_URL": url, "HOTLINE_DATA_DIR": str(data_dir),
           "HOTLINE_EMBEDDER": settings.embedder}
    has_classifier = (settings.classifier_path / "manifest.json").exists()
    if has_classifier:
        env["HOTLINE_CLASSIFIER_DIR"] = str(settings.classifier_path)
    port = free_port()
    api = _start(["serve", "--port", str(port)], env)
    base_url = f"http://127.0.0.1:{port}"
    texts, source = callers_texts(settings.shared_data_dir)
    try:
        await _wait_healthy(base_url, api)
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            logins = [await _login(client, name, passwords[name]) for name in ("agent01", "agent02")]
        await drive(base_url, logins, texts, agents=agents, seconds=WARM_UP_S, seed=1)  # pools, first vectors
        load_before = os.getloadavg()
        results = await drive(base_url, logins, texts, agents=agents, seconds=seconds, seed=2)
        load_after = os.getloadavg()
    finally:
        api.terminate()
        try:
            api.wait(15)
        except subprocess.TimeoutExpired:
            api.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
    latencies = [ms for rows in results.values() for ms, _ in rows]
    return {
        "seconds": seconds, "embedder": settings.embedder, "classifier": has_classifier, "texts": source,
        "load_avg_before": [round(x, 2) for x in load_before], "load_avg_after": [round(x, 2) for x in load_after],
        "by_endpoint": {kind: {"requests": len(rows), "errors": sum(not ok for _, ok in rows),
                               "p50_ms": round(percentile([ms for ms, _ in rows], 50), 1),
                               "p95_ms": round(percentile([ms for ms, _ in rows], 95), 1)}
                        for kind, rows in sorted(results.items())},
        # the contract's keys last, in its order
        "agents": agents, "requests": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
        "errors": sum(not ok for rows in results.values() for _, ok in rows),
    }
