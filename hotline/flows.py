"""Flows that span services: a new contact is normalised, then recorded with its event in one transaction."""
from __future__ import annotations

import asyncpg

from hotline.auth.tokens import Principal
from hotline.intake.schemas import SubmissionIn
from hotline.intake.service import prepare_submission, record_submission
from hotline.runtime import Runtime


async def on_submission(
    runtime: Runtime, *, submission: SubmissionIn, actor: Principal | None, category_path: str | None = None,
) -> tuple[asyncpg.Record, bool]:
    prepared = prepare_submission(submission, runtime.gazetteer)
    async with runtime.pool.acquire() as conn, conn.transaction():
        return await record_submission(conn, prepared=prepared, actor=actor, category_path=category_path)
