"""The asyncpg pools (the primary, a read replica) and the errors that mean the database is unreachable."""
from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from hotline.config import Settings

# Errors that mean "the database is not answering", turned into 503 by the app.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ConnectionError,
    TimeoutError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
    # The protocol's state broken under the client, e.g. `cannot switch to state 15` on a connection whose backend
    # announced its end (postmaster killed) between two statements of a transaction.
    asyncpg.exceptions.InternalClientError,
)


def database_went_away(error: BaseException) -> bool:
    """Whether an error is, or was raised while handling, the database not answering: a transaction's rollback on a
    connection the server dropped fails with asyncpg's `InternalClientError: cannot switch to state 15`, whose
    cause is the lost connection."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, UNAVAILABLE_ERRORS):
            return True
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return False


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    await conn.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def connect(url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(url)
    await _init_connection(conn)
    return conn


async def with_connection(url: str, work):
    """Run `await work(conn)` on a connection of its own (commands, not requests: those use the pool)."""
    conn = await connect(url)
    try:
        return await work(conn)
    finally:
        await conn.close()


async def _keep_session(conn: asyncpg.Connection) -> None:
    """On release asyncpg still rolls back an open transaction; its default reset would also send
    `RESET ALL; UNLISTEN *; CLOSE ALL; pg_advisory_unlock_all()`, one more round trip per request for state
    the product never leaves on a pooled connection (LISTEN and session locks use connections of their own)."""


async def create_pool(settings: Settings, url: str) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        url,
        min_size=settings.pool_min_size,
        max_size=settings.pool_max_size,
        command_timeout=settings.db_command_timeout_s,
        init=_init_connection,
        reset=_keep_session,
    )


async def create_read_pool(settings: Settings, url: str) -> asyncpg.Pool:
    """The pool of a streaming replica, for reads that tolerate a second of lag.

    It opens no connection up front, so a replica that is down does not stop the API from starting: its reads
    answer 503 until it is back, while everything on the primary goes on. A connection attempt gives up after
    the command timeout rather than asyncpg's minute, so a replica host that went dark fails its reads fast.
    Sessions are read-only, so a read endpoint that began to write would fail even with the primary's URL here.
    """
    return await asyncpg.create_pool(
        url,
        min_size=0,
        max_size=settings.read_pool_max_size,
        command_timeout=settings.db_command_timeout_s,
        timeout=settings.db_command_timeout_s,
        server_settings={"default_transaction_read_only": "on"},
        init=_init_connection,
        reset=_keep_session,
    )


def database_url(server_url: str, name: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))
