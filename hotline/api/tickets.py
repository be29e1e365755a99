"""Reading tickets and their timeline; what each reader may see is decided by the ticket service."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from pydantic import BaseModel, ConfigDict, Field

from hotline.api.deps import Conn, Staff, require_roles
from hotline.audit.service import unmasked_for
from hotline.auth.tokens import Principal
from hotline.validation import NonBlankStr
from hotline.intake.pii import mask_text
from hotline.intake.schemas import Channel
from hotline.tickets import service
from hotline.tickets.schemas import EventOut, TicketOut, TicketPage, present_summary, present_ticket
from hotline.tickets.states import STATUSES

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])
Status = Literal[STATUSES]  # type: ignore[valid-type]


@router.get("", response_model=TicketPage)
async def list_tickets(
    conn: Conn, viewer: Staff,
    status: Status | None = None,
    channel: Channel | None = None,
    department: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=service.PAGE_SIZE_MAX)] = 20,
) -> TicketPage:
    rows, total = await service.list_tickets(
        conn, viewer=viewer, status=status, channel=channel, department=department, q=q or None,
        page=page, page_size=page_size,
    )
    return TicketPage(items=[present_summary(r) for r in rows], page=page, page_size=page_size, total=total)


@router.get("/{ticket_number}", response_model=TicketOut)
async def get_ticket(ticket_number: str, conn: Conn, viewer: Staff) -> TicketOut:
    ticket = await service.get_ticket(conn, ticket_number=ticket_number, viewer=viewer)
    return present_ticket(ticket, reveal=await unmasked_for(conn, viewer, ticket))


@router.get("/{ticket_number}/events", response_model=list[EventOut])
async def get_events(ticket_number: str, conn: Conn, viewer: Staff) -> list[EventOut]:
    ticket = await service.get_ticket(conn, ticket_number=ticket_number, viewer=viewer)
    events = [dict(r) for r in await service.ticket_events(conn, ticket_id=ticket["id"])]
    if not service.may_see_personal_data(viewer, ticket):
        # Staff write notes, replies and reasons freely; a phone or ID typed there is masked like the content.
        for event in events:
            event["reason"] = _masked(event["reason"])
            event["data"] = {key: _masked(value) for key, value in event["data"].items()}
    return [EventOut(**e) for e in events]


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)[0]
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


@router.get("/{ticket_number}/suggestions", dependencies=[Depends(require_roles("agent", "supervisor", "admin"))])
async def get_suggestions(ticket_number: str, conn: Conn, viewer: Staff) -> dict[str, Any]:
    ticket = await service.get_ticket(conn, ticket_number=ticket_number, viewer=viewer)
    return await service.ticket_suggestions(conn, ticket_id=ticket["id"])


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    into: NonBlankStr = Field(max_length=32)
    reason: NonBlankStr | None = Field(default=None, max_length=500)


@router.post("/{ticket_number}/merge", response_model=TicketOut)
async def merge(ticket_number: str, body: MergeIn, conn: Conn,
                actor: Annotated[Principal, Depends(require_roles("agent", "supervisor", "admin"))]) -> TicketOut:
    async with conn.transaction():
        await service.merge_ticket(conn, ticket_number=ticket_number, into_number=body.into, actor=actor,
                                   reason=body.reason)
    ticket = await service.get_ticket(conn, ticket_number=ticket_number, viewer=actor)
    return present_ticket(ticket, reveal=await unmasked_for(conn, actor, ticket))
