"""Intake: turn one contact from any channel into a ticket exactly once, keyed on (channel, external_id)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

import asyncpg

from hotline.auth.tokens import Principal
from hotline.errors import Conflict
from hotline.intake.address import Gazetteer
from hotline.intake.normalise import normalise_text
from hotline.intake.pii import mask_text
from hotline.intake.schemas import SubmissionIn
from hotline.sql import load_queries
from hotline.tickets.service import record_event

Q = load_queries(__file__)


@dataclass(frozen=True)
class PreparedSubmission:
    """A submission after normalisation: clean text, its masked twin, and where it happened."""

    submission: SubmissionIn
    payload_hash: str
    received_at: datetime
    title: str | None
    content: str
    content_masked: str
    pii_kinds: list[str]
    address: str | None
    district_code: str | None
    street_code: str | None


def payload_hash(submission: SubmissionIn) -> str:
    canonical = json.dumps(submission.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def prepare_submission(submission: SubmissionIn, gazetteer: Gazetteer) -> PreparedSubmission:
    content = normalise_text(submission.content)
    title = normalise_text(submission.title) if submission.title else None
    address = normalise_text(submission.address) if submission.address else None
    content_masked, spans = mask_text(content)
    location = gazetteer.locate(address) if address else None
    if location is None or location.district_code is None:
        location = gazetteer.locate(content) or location
    return PreparedSubmission(
        submission=submission,
        payload_hash=payload_hash(submission),
        received_at=submission.received_at or datetime.now(timezone.utc),
        title=title or None,
        content=content,
        content_masked=content_masked,
        pii_kinds=sorted({span.kind for span in spans}),
        address=address or None,
        district_code=location.district_code if location else None,
        street_code=location.street_code if location else None,
    )


async def record_submission(
    conn: asyncpg.Connection, *, prepared: PreparedSubmission, actor: Principal | None,
    category_path: str | None = None,
) -> tuple[asyncpg.Record, bool]:
    """Insert the ticket and its first event; on a repeated key return the existing ticket (created=False)."""
    sub = prepared.submission
    submission_id = await conn.fetchval(
        Q.claim_submission, sub.channel, sub.external_id, prepared.payload_hash, prepared.received_at
    )
    if submission_id is None:
        existing = await conn.fetchrow(Q.existing_submission, sub.channel, sub.external_id)
        if existing["payload_hash"] != prepared.payload_hash:
            raise Conflict(
                f"submission ({sub.channel}, {sub.external_id}) was already received with a different payload",
                key={"channel": sub.channel, "external_id": sub.external_id},
            )
        return existing, False
    citizen = sub.citizen
    ticket = await conn.fetchrow(
        Q.insert_ticket, sub.channel, None, "normal", category_path, prepared.title, prepared.content,
        prepared.content_masked, prepared.pii_kinds, prepared.address, prepared.district_code,
        prepared.street_code, citizen.name, citizen.phone, citizen.id_number, citizen.anonymous,
        citizen.confidential, prepared.received_at,
    )
    await conn.execute(Q.link_submission, submission_id, ticket["id"])
    await record_event(
        conn, ticket_id=ticket["id"], action="receive", from_status=None, to_status="received", actor=actor,
        data={"channel": sub.channel, "external_id": sub.external_id, "pii_found": prepared.pii_kinds},
    )
    return ticket, True
