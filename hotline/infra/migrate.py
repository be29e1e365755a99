"""Applies the ordered, forward-only SQL migrations, each in a transaction, under an advisory lock; then re-applies
the files of current SQL functions (CREATE OR REPLACE) that changed since they were last applied."""
from __future__ import annotations

import hashlib
from pathlib import Path

import asyncpg

HOTLINE_DIR = Path(__file__).resolve().parents[1]
MIGRATIONS_DIR = HOTLINE_DIR / "migrations"
# Functions kept whole in one file beside the queries that read what they keep, not scattered over migrations.
FUNCTION_FILES = (HOTLINE_DIR / "metrics" / "functions.sql",)
_LOCK_KEY = 12345_0001  # any constant shared by every process that migrates


def migration_files() -> list[Path]:
    return sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))


async def migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply pending migrations; returns the names applied. Safe to run from several processes at once."""
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        done = {r["name"]: r["checksum"] for r in await conn.fetch("SELECT name, checksum FROM schema_migrations")}
        for path in migration_files():
            sql = path.read_text(encoding="utf-8")
            checksum = hashlib.sha256(sql.encode()).hexdigest()
            if path.name in done:
                if done[path.name] != checksum:
                    raise RuntimeError(f"migration {path.name} was changed after it was applied; add a new one")
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", path.name, checksum
                )
            applied_now.append(path.name)
        applied_now.extend(await _apply_function_files(conn))
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
    return applied_now


async def _apply_function_files(conn: asyncpg.Connection) -> list[str]:
    """Re-apply each function file whose text changed since it was last applied (a new database: all of them)."""
    await conn.execute(
        """CREATE TABLE IF NOT EXISTS schema_functions (
               name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"""
    )
    applied = []
    for path in FUNCTION_FILES:
        sql = path.read_text(encoding="utf-8")
        checksum = hashlib.sha256(sql.encode()).hexdigest()
        name = path.relative_to(HOTLINE_DIR).as_posix()
        if await conn.fetchval("SELECT checksum FROM schema_functions WHERE name = $1", name) == checksum:
            continue
        async with conn.transaction():
            await conn.execute(sql)
            await conn.execute(
                """INSERT INTO schema_functions (name, checksum) VALUES ($1, $2)
                   ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()""",
                name, checksum)
        applied.append(name)
    return applied


async def pending_migrations(conn: asyncpg.Connection) -> list[str]:
    """The migrations not yet applied to this database (all of them on a new one), without applying any."""
    if not await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL"):
        return [path.name for path in migration_files()]
    done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
    return [path.name for path in migration_files() if path.name not in done]
