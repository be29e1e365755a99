"""Every request's token checked against the account as it stands: active, role, department, token epoch, and
whether its session was ended by logout. Answers are kept for at most `ttl_s` per session, so a disabled or
moved account's tokens are refused within that time on every API process (the state lives in PostgreSQL).
"""
from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from hotline.auth.tokens import Principal, TokenClaims
from hotline.infra.errors import Unauthorized
from hotline.infra.sql import load_queries

Q = load_queries(__file__)
CHECK_TTL_S = 1.0  # the contract is "refused within 2 seconds"; one second leaves room for a slow request


@dataclass(frozen=True)
class _Verdict:
    checked_at: float
    refusal: str | None  # None: the account and session are as the token says


class SessionChecker:
    """One per process: a small cache of recent verdicts in front of one indexed query per session and second."""

    def __init__(self, *, ttl_s: float = CHECK_TTL_S, max_entries: int = 20_000):
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._verdicts: OrderedDict[tuple, _Verdict] = OrderedDict()

    async def check(self, pool: asyncpg.Pool, claims: TokenClaims) -> Principal:
        """The token's principal if the account still matches it; else Unauthorized saying why."""
        p = claims.principal
        key = (p.user_id, claims.session_id, claims.epoch, p.role, p.department_code)
        now = time.monotonic()
        verdict = self._verdicts.get(key)
        if verdict is None or now - verdict.checked_at > self.ttl_s:
            async with pool.acquire() as conn:
                row = await conn.fetchrow(Q.session_account, p.user_id, claims.session_id)
            verdict = _Verdict(now, refusal(row, claims))
            self._verdicts[key] = verdict
            self._verdicts.move_to_end(key)
            while len(self._verdicts) > self.max_entries:
                self._verdicts.popitem(last=False)
        if verdict.refusal is not None:
            raise Unauthorized(verdict.refusal)
        return p

    def forget(self) -> None:
        self._verdicts.clear()


def refusal(row: asyncpg.Record | None, claims: TokenClaims) -> str | None:
    """Why the account no longer backs this token, or None when it does."""
    p = claims.principal
    if row is None or not row["active"]:
        return "account disabled; log in again"
    if row["ended"]:
        return "session ended (logged out); log in again"
    if row["token_epoch"] != claims.epoch or row["role"] != p.role or row["department_code"] != p.department_code:
        return "account changed (role, department or password); log in again"
    return None


async def end_session(conn: asyncpg.Connection, *, claims: TokenClaims, expires_at: datetime) -> None:
    """Logout: the session's id is refused from now on; the row can go once its last token has expired."""
    await conn.execute(Q.end_session, claims.session_id, claims.principal.user_id, expires_at)
    await conn.execute(Q.prune_ended_sessions)
