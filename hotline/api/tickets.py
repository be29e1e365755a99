"""Reading tickets and their timeline; what each reader may see is decided by the ticket service."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from pydantic import BaseModel, ConfigDict, Field

from hotline.api.deps import Conn, Staff, require_roles
from hotline.audit.service import events_for, log_number_search, unmasked_for
from hotline.auth.tokens import Principal
from hotline.tickets import protection
from hotline.infra.validation import CleanStr, NonBlankStr
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
    reason: Annotated[str | None, Query(max_length=200, description=(
        "why the hotline's staff search by a phone or ID number; with it, confidential tickets are included "
        "(every ticket found by a number is logged as a personal-data access either way)"))] = None,
) -> TicketPage:
    reason = reason.strip() if reason and reason.strip() else None
    async with conn.transaction():
        rows, total, withheld = await service.list_tickets(
            conn, viewer=viewer, status=status, channel=channel, department=department, q=q or None,
            page=page, page_size=page_size, reason=reason,
        )
        await log_number_search(conn, viewer=viewer, q=q, rows=rows, reason=reason)
    department_view = viewer.role == "department"
    return TicketPage(items=[present_summary(r, department_view=department_view) for r in rows], page=page,
                      page_size=page_size, total=total, withheld=withheld)


@router.get("/{ticket_number}", response_model=TicketOut)
async def get_ticket(ticket_number: str, conn: Conn, viewer: Staff) -> TicketOut:
    ticket = await service.get_ticket(conn, ticket_number=ticket_number, viewer=viewer)
    return present_ticket(ticket, reveal=await unmasked_for(conn, viewer, ticket),
                          department_view=viewer.role == "department")


@router.get("/{ticket_number}/events", response_model=list[EventOut])
async def get_events(ticket_number: str, conn: Conn, viewer: Staff) -> list[EventOut]:
    ticket = await service.get_ticket(conn, ticket_number=ticket_number, viewer=viewer)
    events = [dict(r) for r in await service.ticket_events(conn, ticket_id=ticket["id"])]
    return [EventOut(**e) for e in await events_for(conn, viewer=viewer, ticket=ticket, events=events)]


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


class DepartmentCopyOut(BaseModel):
    ticket_number: str
    protected: bool  # False: the ticket is no 举报 and not confidential; departments read its masked text
    title: str | None
    content: str | None
    address: str | None
    edited_by: str | None  # the agent who last corrected the copy
    edited_at: datetime | None


class DepartmentCopyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: CleanStr | None = Field(default=None, max_length=200)
    content: NonBlankStr = Field(max_length=20_000)
    address: CleanStr | None = Field(default=None, max_length=500)


@router.get("/{ticket_number}/department-copy", response_model=DepartmentCopyOut,
            dependencies=[Depends(require_roles("agent", "supervisor", "admin"))])
async def department_copy(ticket_number: str, conn: Conn) -> DepartmentCopyOut:
    """部门将看到的内容: what a department will read of a protected ticket, for the agent to check before dispatch."""
    return DepartmentCopyOut(**await protection.review_copy(conn, ticket_number=ticket_number))


@router.put("/{ticket_number}/department-copy", response_model=DepartmentCopyOut)
async def correct_department_copy(
    ticket_number: str, body: DepartmentCopyIn, conn: Conn,
    actor: Annotated[Principal, Depends(require_roles("agent", "supervisor", "admin"))],
) -> DepartmentCopyOut:
    """The agent's correction (an event: who and when); refused while it still names a number or the reporter."""
    async with conn.transaction():
        await protection.correct_copy(conn, ticket_number=ticket_number, actor=actor, title=body.title or None,
                                      content=body.content, address=body.address or None)
    return DepartmentCopyOut(**await protection.review_copy(conn, ticket_number=ticket_number))
