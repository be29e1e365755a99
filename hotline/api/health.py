"""Liveness that means something: 200 only when the database answers."""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hotline.db import UNAVAILABLE_ERRORS

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    try:
        async with asyncio.timeout(3):
            async with request.app.state.pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
    except UNAVAILABLE_ERRORS:
        return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "up"})
