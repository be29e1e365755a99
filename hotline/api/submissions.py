"""Intake from every channel: one endpoint, idempotent on (channel, external_id)."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from hotline.api.deps import MaybeStaff, PublicRateLimit
from hotline.errors import Forbidden, Unauthorized
from hotline.flows import on_submission
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
    ticket, created = await on_submission(request.app.state.runtime, submission=body, actor=staff)
    if not created:
        response.status_code = status.HTTP_200_OK
    return SubmissionOut(id=ticket["id"], ticket_number=ticket["ticket_number"], status=ticket["status"])
