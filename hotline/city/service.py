"""Reads of the city's reference data: departments, districts and the category tree."""
from __future__ import annotations

import asyncpg

from hotline.infra.sql import load_queries

Q = load_queries(__file__)


async def active_departments(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(Q.active_departments)


async def department_exists(conn: asyncpg.Connection, code: str) -> bool:
    return await conn.fetchval(Q.department_exists, code) is not None


async def districts(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(Q.districts)


async def category_exists(conn: asyncpg.Connection, path: str) -> bool:
    return await conn.fetchval(Q.category_exists, path) is not None


async def category_path_by_id(conn: asyncpg.Connection, category_id: int) -> str | None:
    return await conn.fetchval(Q.category_path_by_id, category_id)


async def services(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Level-1 and level-2 categories, which outside systems see as Open311 services."""
    return await conn.fetch(Q.services)
