"""Flows that span services: a new contact is normalised, classified and routed off the event loop, then
recorded with its suggestions and its event in one transaction."""
from __future__ import annotations

from typing import Awaitable, Callable

import anyio
import asyncpg

from hotline.auth.tokens import Principal
from hotline.intake.redact import Reporter
from hotline.intake.repeats import find_repeats
from hotline.intake.schemas import SubmissionIn
from hotline.intake.service import PreparedSubmission, prepare_submission, record_submission
from hotline.runtime import Runtime
from hotline.sms.service import queue_received_notice
from hotline.tickets import protection


async def on_submission(
    runtime: Runtime, *, submission: SubmissionIn, actor: Principal | None, category_path: str | None = None,
    on_created: Callable[[asyncpg.Connection, asyncpg.Record], Awaitable[None]] | None = None,
) -> tuple[asyncpg.Record, bool]:
    """`on_created(conn, ticket)` writes what a channel keeps beside a new ticket, in the ticket's transaction."""
    prepared = prepare_submission(submission, runtime.gazetteer)
    text = "\n".join(part for part in (prepared.title, prepared.content) if part)
    # One connection for the whole contact: a second checkout costs more than holding this one for the
    # milliseconds the models take.
    async with runtime.pool.acquire() as conn:
        await runtime.router.refresh(conn)  # a rule edited through any process applies from the next ticket
        classification, routes, routes_model, department_copy = await anyio.to_thread.run_sync(
            _suggest, runtime, prepared, text, category_path)
        async with conn.transaction():
            ticket, created = await record_submission(
                conn, prepared=prepared, actor=actor, category_path=category_path, classification=classification,
                routes=routes, routes_model=routes_model)
            if created and department_copy is not None:
                await protection.store_copy(conn, ticket_id=ticket["id"], copy=department_copy)
            if created:
                # The same caller's open tickets now; the same event's (by text similarity) when the worker that
                # record_submission asked for has embedded the text, which keeps the model's cost off the wait.
                await find_repeats(conn, ticket_id=ticket["id"], phone=submission.citizen.phone,
                                   district_code=None, vector=None, embedder=None)
                await queue_received_notice(conn, ticket_id=ticket["id"], ticket_number=ticket["ticket_number"],
                                            phone=submission.citizen.phone, anonymous=submission.citizen.anonymous)
                if on_created is not None:
                    await on_created(conn, ticket)
        return ticket, created


def _suggest(runtime: Runtime, prepared: PreparedSubmission, text: str, category_path: str | None):
    """Model work, run off the event loop: type/category/urgency, then ranked departments with reasons. A post
    nobody waits on is routed by the rules alone when the dispatch-history model embeds the text: the enrich
    worker adds the model's suggestions before a dispatcher reads them."""
    classification = runtime.classifier.predict(text) if runtime.classifier is not None else None
    category, confidence = category_path, 1.0
    if category is None and classification is not None:
        category, confidence = classification["category"]["label"], classification["category"]["confidence"]
    with_model = runtime.router.model is not None and not runtime.router.defers_model(prepared.submission.channel)
    routes = runtime.router.route(
        text, category=category, category_confidence=confidence, address=prepared.address,
        district_code=prepared.district_code, street_code=prepared.street_code, with_model=with_model,
    )
    # A 举报 (as the classifier reads it) or a confidential contact gets its department copy now, beside the model.
    type_head = (classification or {}).get("type")
    reported = type_head is not None and not type_head["abstain"] and type_head["label"] == "report"
    department_copy = None
    if reported or prepared.submission.citizen.confidential:
        citizen = prepared.submission.citizen
        department_copy = protection.redacted_copy(
            title=prepared.title, content=prepared.content, address=prepared.address,
            reporter=Reporter(name=citizen.name, phone=citizen.phone, id_number=citizen.id_number))
    return classification, routes, runtime.router.model_version if with_model else None, department_copy
