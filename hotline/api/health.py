"""Liveness that means something: 200 only when the primary database answers; the read replica is reported."""
from __future__ import annotations

import asyncio

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hotline.infra.db import UNAVAILABLE_ERRORS

router = APIRouter(tags=["health"])
CHECK_TIMEOUT_S = 3


async def _answers(pool: asyncpg.Pool) -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            async with pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
    except (*UNAVAILABLE_ERRORS, asyncpg.PostgresError):  # e.g. a replica refusing the login: down all the same
        return False
    return True


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    pool, read_pool = request.app.state.pool, request.app.state.read_pool
    if read_pool is pool:
        primary, replica = await _answers(pool), "none"
    else:
        primary, replica_answers = await asyncio.gather(_answers(pool), _answers(read_pool))
        replica = "up" if replica_answers else "down"
    if not primary:
        return JSONResponse({"status": "unavailable", "database": "down", "replica": replica}, status_code=503)
    # A replica that is down costs only the reports: the process still takes intake and ticket work, so it stays
    # in the proxy's rotation (200) and says what is missing.
    return JSONResponse({"status": "ok" if replica != "down" else "degraded", "database": "up", "replica": replica})
