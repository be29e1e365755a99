"""短信发件箱 for supervisors: every message to citizens with its status, masked numbers and no link tokens."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from hotline.api.deps import AppSettings, Conn, require_roles
from hotline.auth.tokens import Principal
from hotline.sms import service

router = APIRouter(prefix="/api/v1", tags=["sms"])
Supervisor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]
SmsStatus = Literal["queued", "sent", "failed"]


class SmsOut(BaseModel):
    id: int
    ticket_number: str | None
    template: str
    recipient_masked: str
    body: str
    status: SmsStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    provider_message_id: str | None
    created_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None


class OutboxOut(BaseModel):
    gateway_configured: bool  # false: messages wait here until HOTLINE_SMS_GATEWAY_URL is set
    counts: dict[str, int]  # queued, sent, failed
    items: list[SmsOut]


@router.get("/sms-outbox", response_model=OutboxOut)
async def sms_outbox(
    conn: Conn, _: Supervisor, settings: AppSettings, status: SmsStatus | None = None,
    ticket_number: Annotated[str | None, Query(max_length=32)] = None,
) -> OutboxOut:
    items, counts = await service.list_messages(conn, status=status, ticket_number=ticket_number)
    return OutboxOut(gateway_configured=bool(settings.sms_gateway_url), counts=counts,
                     items=[SmsOut(**item) for item in items])
