"""Intake from every channel: one endpoint, idempotent on (channel, external_id)."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from hotline.api.deps import MaybeStaff, PublicRateLimit
from hotline.console.service import store_details, template_lines
from hotline.infra.errors import Forbidden, InvalidField, Unauthorized
from hotline.intake.flows import on_submission
from hotline.intake.schemas import STAFF_CHANNELS, SubmissionIn, SubmissionOut

router = APIRouter(prefix="/api/v1", tags=["intake"])
_STAFF_INTAKE_ROLES = frozenset({"agent", "supervisor", "admin"})


@router.post("/submissions", response_model=SubmissionOut, status_code=status.HTTP_201_CREATED,
             dependencies=[PublicRateLimit],
             responses={200: {"model": SubmissionOut, "description": "the same submission again"}})
async def submit(body: SubmissionIn, request: Request, response: Response, staff: MaybeStaff) -> SubmissionOut:
    if body.channel in STAFF_CHANNELS and staff is None:
        raise Unauthorized(f"channel {body.channel} is taken by hotline agents; log in first")
    if body.channel in STAFF_CHANNELS and staff.role not in _STAFF_INTAKE_ROLES:
        raise Forbidden(f"channel {body.channel} is taken by hotline agents; log in as an agent", field="channel")
    on_created = None
    if body.call_id is not None or body.details is not None:
        if staff is None or staff.role not in _STAFF_INTAKE_ROLES:
            raise InvalidField("call_id" if body.call_id else "details", "only the agent console sends these")
        body = await _with_template_answers(request, body)

        async def on_created(conn, ticket):  # in the ticket's own transaction: all of it or none
            await store_details(conn, ticket=ticket, details=body.details, call_id=body.call_id, actor=staff,
                                channel=body.channel)

    # The category the agent chose during the call is the ticket's (routing reads it too).
    category = body.details.category if body.details is not None else None
    ticket, created = await on_submission(request.app.state.runtime, submission=body, actor=staff,
                                          category_path=category, on_created=on_created)
    if not created:
        response.status_code = status.HTTP_200_OK
    return SubmissionOut(id=ticket["id"], ticket_number=ticket["ticket_number"], status=ticket["status"])


async def _with_template_answers(request: Request, body: SubmissionIn) -> SubmissionIn:
    """The answers to the category's questions go into the ticket's text ("补充信息：声源：建筑施工；…"), as
    Open311's do, so the department and the models read them; a wrong answer is refused before anything is
    written."""
    if body.details is None or (not body.details.template_answers and body.details.category is None):
        return body
    async with request.app.state.pool.acquire() as conn:
        lines = await template_lines(conn, body.details)
    if not lines:
        return body
    content = body.content.rstrip() + "\n补充信息：" + "；".join(lines)
    if len(content) > 20_000:
        raise InvalidField("content", "too long with the answers to the questions added")
    return body.model_copy(update={"content": content})
