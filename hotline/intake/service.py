"""Intake: turn one contact from any channel into a ticket exactly once, keyed on (channel, external_id)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import asyncpg

from hotline.auth.tokens import Principal, actor_role
from hotline.infra.errors import Conflict
from hotline.text.address import Gazetteer
from hotline.text.normalise import normalise_text
from hotline.text.pii import mask_text
from hotline.intake.schemas import SubmissionIn
from hotline.infra.sql import load_queries

Q = load_queries(__file__)
HEADS = ("type", "category", "urgency")


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


def _confident_labels(classification: dict[str, Any] | None) -> dict[str, str]:
    if not classification:
        return {}
    return {head: classification[head]["label"] for head in HEADS
            if head in classification and not classification[head]["abstain"]}


def _suggestion_columns(classification: dict[str, Any] | None) -> tuple[list, list, list, list, list, str]:
    """The model's heads as parallel arrays (head, label, confidence, top3, abstain) and its version."""
    heads = [head for head in HEADS if classification and head in classification]
    return (heads, [classification[h]["label"] for h in heads],
            [float(classification[h]["confidence"]) for h in heads],
            [json.dumps(classification[h]["top3"], ensure_ascii=False) for h in heads],
            [bool(classification[h]["abstain"]) for h in heads],
            (classification or {}).get("model_version", "unknown"))


# Fields added after submissions were first stored: left out of the hash while unset, so a retry of a submission
# stored before they existed still matches its first hash.
_LATER_FIELDS = ("call_id", "details")


def payload_hash(submission: SubmissionIn) -> str:
    unset = {name for name in _LATER_FIELDS if getattr(submission, name) is None}
    canonical = json.dumps(submission.model_dump(mode="json", exclude=unset), sort_keys=True, ensure_ascii=False)
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
    category_path: str | None = None, classification: dict[str, Any] | None = None,
    routes: list[dict[str, Any]] | None = None, routes_model: str | None = None,
) -> tuple[asyncpg.Record, bool]:
    """Insert the ticket, its model suggestions, its first event and its enrichment timer; a repeated key
    returns the existing ticket (created=False).

    Suggestions the model does not abstain on become the ticket's working type, urgency and category until
    an agent confirms or corrects them."""
    sub = prepared.submission
    citizen = sub.citizen
    suggested = _confident_labels(classification)
    routes = routes or []
    heads, labels, confidences, top3, abstains, classifier_version = _suggestion_columns(classification)
    ticket = await conn.fetchrow(Q.record_contact, *Q.args(
        "record_contact",
        channel=sub.channel, external_id=sub.external_id, payload_hash=prepared.payload_hash,
        received_at=prepared.received_at, type=suggested.get("type"), urgency=suggested.get("urgency", "normal"),
        category_chosen=category_path, category_suggested=suggested.get("category"),
        title=prepared.title, content=prepared.content, content_masked=prepared.content_masked,
        pii_kinds=prepared.pii_kinds, address=prepared.address, district_code=prepared.district_code,
        street_code=prepared.street_code, citizen_name=citizen.name, citizen_phone=citizen.phone,
        citizen_id_number=citizen.id_number, anonymous=citizen.anonymous, confidential=citizen.confidential,
        suggestion_heads=heads, suggestion_labels=labels, suggestion_confidences=confidences,
        suggestion_top3=top3, suggestion_abstains=abstains, classifier_version=classifier_version,
        route_departments=[r["department"] for r in routes], route_scores=[float(r["score"]) for r in routes],
        route_reasons=[json.dumps(r["reasons"], ensure_ascii=False) for r in routes], routes_model=routes_model,
        actor_user_id=actor.user_id if actor else None, actor_role=actor_role(actor),
        actor_department=actor.department_code if actor else None,
        event_data={"channel": sub.channel, "external_id": sub.external_id, "pii_found": prepared.pii_kinds,
                    **({"call_id": sub.call_id} if sub.call_id else {})},
    ))
    if ticket is not None:
        return ticket, True
    existing = await conn.fetchrow(Q.existing_submission, sub.channel, sub.external_id)
    if existing["payload_hash"] != prepared.payload_hash:
        raise Conflict(
            f"submission ({sub.channel}, {sub.external_id}) was already received with a different payload",
            key={"channel": sub.channel, "external_id": sub.external_id},
        )
    return existing, False
