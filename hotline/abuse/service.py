"""Login lock-out and public rate limits, counted in PostgreSQL so several API processes agree."""
from __future__ import annotations

from datetime import datetime, timezone

import asyncpg

from hotline.infra.errors import DomainError
from hotline.infra.sql import load_queries

Q = load_queries(__file__)
LOGIN_WINDOW_S = 15 * 60
MAX_FAILURES_PER_USER = 5
# Past this many failures from one address its logins are slowed, never refused: a whole call centre may sit
# behind one NAT address, and its staff with the right password must still get in.
SLOW_AFTER_FAILURES_PER_ADDRESS = 20
MAX_ADDRESS_DELAY_S = 8.0


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after


def _retry_after(oldest: datetime | None) -> int:
    if oldest is None:
        return LOGIN_WINDOW_S
    elapsed = (datetime.now(timezone.utc) - oldest).total_seconds()
    return max(1, int(LOGIN_WINDOW_S - elapsed) + 1)


def address_delay(failures: int) -> float:
    """Seconds a login from an address waits before its password is checked: 0 up to the threshold, then
    doubling every 5 failures (0.25, 0.5, 1, ... s) up to MAX_ADDRESS_DELAY_S."""
    if failures < SLOW_AFTER_FAILURES_PER_ADDRESS:
        return 0.0
    return min(MAX_ADDRESS_DELAY_S, 0.25 * 2 ** ((failures - SLOW_AFTER_FAILURES_PER_ADDRESS) // 5))


async def check_login_allowed(conn: asyncpg.Connection, *, username: str, address: str) -> float:
    """Refuse a locked account (429 + Retry-After); else the delay the address's recent failures earn it."""
    row = await conn.fetchrow(Q.recent_failures, username, address, LOGIN_WINDOW_S)
    if row["by_user"] >= MAX_FAILURES_PER_USER:
        raise TooManyRequests(f"too many failed logins for {username}; try later or ask an admin to unlock",
                              retry_after=_retry_after(row["oldest_by_user"]))
    return address_delay(row["by_address"])


async def record_login_failure(conn: asyncpg.Connection, *, username: str, address: str) -> None:
    await conn.execute(Q.record_failure, username, address)


async def clear_login_failures(conn: asyncpg.Connection, *, username: str) -> None:
    await conn.execute(Q.clear_user_failures, username)


async def hit_rate_limit(conn: asyncpg.Connection, *, key: str, limit: int, window_s: int = 60) -> None:
    """Count one request against `key` in the current window; refuse past `limit`."""
    row = await conn.fetchrow(Q.hit_bucket, key, window_s)
    if row["hits"] > limit:
        raise TooManyRequests(f"more than {limit} requests per {window_s} s; slow down",
                              retry_after=max(1, row["retry_after"]))


async def check_budget(conn: asyncpg.Connection, *, key: str, limit: int, window_s: int) -> None:
    """Refuse when `key` has used its budget in the current window (without counting this request)."""
    if await conn.fetchval(Q.bucket_hits, key, window_s) >= limit:
        raise TooManyRequests(f"more than {limit} tries per {window_s} s; try later", retry_after=window_s)
