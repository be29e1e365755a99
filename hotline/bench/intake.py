"""`hotline bench intake`: the live intake API against the bare FastAPI+asyncpg ceiling, same machine, same run."""
from __future__ import annotations

import uuid

import asyncpg

from hotline.bench.load import drive, start_server, stop_server
from hotline.config import Settings

_TEXT = "鹿城区五马街道解放街路灯不亮已经一周了，晚上出行很不安全，请尽快维修。联系电话13812345678。"


async def migrated_database(settings: Settings, name: str) -> str:
    """A database of the benchmark's own, created anew and migrated, so it neither reads nor pollutes real data."""
    from hotline.infra.db import connect, database_url
    from hotline.infra.migrate import migrate

    admin = await asyncpg.connect(settings.database_url)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = database_url(settings.database_url, name)
    conn = await connect(url)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    return url


async def fresh_database(settings: Settings, name: str) -> str:
    """A migrated database of its own with the city and its categories, no tickets."""
    from hotline.infra.db import connect
    from hotline.seeds.city import seed_categories, seed_city

    url = await migrated_database(settings, name)
    conn = await connect(url)
    try:
        async with conn.transaction():
            await seed_city(conn)
            await seed_categories(conn)
    finally:
        await conn.close()
    return url


async def run_intake_bench(settings: Settings, *, seconds: float, concurrency: int) -> dict:
    url = await fresh_database(settings, "hotline_bench")
    run_id = uuid.uuid4().hex[:8]
    # The live API runs the real pipeline: the classifier (when trained) and the router on every ticket.
    env = {"HOTLINE_DATABASE_URL": url, "HOTLINE_POOL_MAX_SIZE": "10",
           "HOTLINE_PUBLIC_REQUESTS_PER_MINUTE": str(10**9), "HOTLINE_DATA_DIR": str(settings.data_dir)}
    if settings.classifier_dir:
        env["HOTLINE_CLASSIFIER_DIR"] = str(settings.classifier_dir)

    async def live(client, i):
        return await client.post("/api/v1/submissions", json={
            "channel": "web", "external_id": f"bench-{run_id}-{i}", "content": _TEXT,
            "citizen": {"phone": f"138{i % 100_000:08d}"}, "address": "温州市鹿城区五马街道"})

    async def bare(client, i):
        return await client.post("/insert", json={"external_id": f"bench-{run_id}-{i}", "content": _TEXT})

    results = {}
    for label, factory, request in (("live", "hotline.app:app_from_env", live),
                                    ("ceiling", "hotline.bench.bare_app:bare_app", bare)):
        process, base_url = start_server(factory, env)
        try:
            await drive(base_url, request, seconds=min(2.0, seconds), concurrency=concurrency)  # warm-up
            results[label] = await drive(base_url, request, seconds=seconds, concurrency=concurrency)
        finally:
            stop_server(process)
    live_r, ceiling_r = results["live"], results["ceiling"]
    return {
        "throughput_per_s": round(live_r["throughput_per_s"], 1),
        "p50_ms": round(live_r["p50_ms"], 2),
        "p95_ms": round(live_r["p95_ms"], 2),
        "errors": live_r["errors"],
        "ceiling_per_s": round(ceiling_r["throughput_per_s"], 1),
        "ratio": round(live_r["throughput_per_s"] / ceiling_r["throughput_per_s"], 3),
        "concurrency": concurrency,
        "seconds": seconds,
    }
