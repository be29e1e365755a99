"""Anyone can check the calendar: the sign and reply deadlines for a start time, type and urgency."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import AwareDatetime

from hotline.api.deps import Sla
from hotline.dispatch.schemas import DeadlinesOut, TicketType, Urgency

router = APIRouter(prefix="/api/v1/sla", tags=["sla"])


@router.get("/deadlines", response_model=DeadlinesOut)
async def deadlines(sla: Sla, start: AwareDatetime, type: TicketType, urgency: Urgency = "normal") -> DeadlinesOut:
    due = sla.deadlines(start, type, urgency)
    return DeadlinesOut(sign_by=due["sign_by"], reply_by=due["reply_by"])
