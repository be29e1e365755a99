"""A supervisor's reveal of a 举报 reporter with a stated reason, and the log of who saw personal data."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from hotline.api.deps import Conn, ReadConn, require_roles
from hotline.audit import service as audit
from hotline.auth.tokens import Principal
from hotline.tickets import service
from hotline.tickets.schemas import CitizenOut, present_ticket
from hotline.infra.validation import NonBlankStr

router = APIRouter(prefix="/api/v1", tags=["audit"])
Supervisor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]


class RevealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: NonBlankStr = Field(max_length=1000)


class RevealOut(BaseModel):
    ticket_number: str
    citizen: CitizenOut
    title: str | None
    content: str
    address: str | None
    revealed_at: datetime


class AccessOut(BaseModel):
    id: int
    ticket_number: str
    kind: Literal[audit.KINDS]  # type: ignore[valid-type]
    actor_username: str
    actor_role: str
    reason: str | None
    detail: dict[str, Any]  # e.g. {"query_kind": "mobile"} for a search by number (never the number)
    accessed_at: datetime


@router.post("/tickets/{ticket_number}/reveal", response_model=RevealOut)
async def reveal(ticket_number: str, body: RevealIn, conn: Conn, actor: Supervisor) -> RevealOut:
    ticket = await service.get_ticket(conn, ticket_number=ticket_number, viewer=actor)
    # The log row is written before anything is shown: no reveal without its trace.
    logged = await audit.log_access(conn, ticket_id=ticket["id"], viewer=actor, kind="reveal", reason=body.reason)
    shown = present_ticket(ticket, reveal=service.may_see_personal_data(actor, ticket, revealed=True))
    return RevealOut(ticket_number=shown.ticket_number, citizen=shown.citizen, title=shown.title,
                     content=shown.content, address=shown.address, revealed_at=logged["accessed_at"])


@router.get("/audit/pii-access", response_model=list[AccessOut])
async def pii_access(
    conn: ReadConn, _: Supervisor,
    ticket_number: Annotated[str | None, Query(max_length=32)] = None,
    kind: Literal[audit.KINDS] | None = None,  # type: ignore[valid-type]
    username: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[AccessOut]:
    rows = await audit.list_access(conn, ticket_number=ticket_number, kind=kind, username=username,
                                   limit=page_size, offset=(page - 1) * page_size)
    return [AccessOut(**dict(r)) for r in rows]
