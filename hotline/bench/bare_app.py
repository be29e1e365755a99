"""The stack's ceiling for the intake benchmark: FastAPI + asyncpg inserting one row, nothing else."""
from __future__ import annotations

import os
from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI, Request
from pydantic import BaseModel


class Item(BaseModel):
    external_id: str
    content: str


def bare_app() -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.pool = await asyncpg.create_pool(os.environ["HOTLINE_DATABASE_URL"], min_size=2, max_size=10)
        async with app.state.pool.acquire() as conn:
            await conn.execute("CREATE TABLE IF NOT EXISTS bench_ceiling (id bigserial PRIMARY KEY, "
                               "external_id text, content text)")
        yield
        await app.state.pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/insert", status_code=201)
    async def insert(item: Item, request: Request) -> dict:
        async with request.app.state.pool.acquire() as conn:
            new_id = await conn.fetchval("INSERT INTO bench_ceiling (external_id, content) VALUES ($1, $2) "
                                         "RETURNING id", item.external_id, item.content)
        return {"id": new_id}

    return app
