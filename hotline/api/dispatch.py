"""Ticket actions: classify, dispatch, sign, return, extension requests and decisions, reply, direct answer."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from hotline.api.deps import Conn, Sla, Staff, require_roles
from hotline.auth.tokens import Principal
from hotline.dispatch import service
from hotline.dispatch.schemas import (
    ActionOut, ClassificationIn, ContentIn, DecisionIn, DispatchIn, ExtensionIn, ExtensionOut, ReasonIn,
)
from hotline.infra.validation import BIGINT_MAX

router = APIRouter(prefix="/api/v1", tags=["dispatch"])
Agent = Annotated[Principal, Depends(require_roles("agent", "supervisor", "admin"))]
Department = Annotated[Principal, Depends(require_roles("department"))]
Supervisor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]
RequestId = Annotated[int, Path(ge=1, le=BIGINT_MAX, description="an extension request's id")]
ExtensionStatus = Literal["pending", "approved", "rejected"]


async def _state(conn, ticket_number: str) -> ActionOut:
    ticket = await service.ticket_for_action(conn, ticket_number)
    return ActionOut(ticket_number=ticket_number, status=ticket["status"], lead_department=ticket["lead_department"],
                     sign_by=ticket["sign_by"], reply_by=ticket["reply_by"])


@router.post("/tickets/{ticket_number}/classification", response_model=ActionOut)
async def classify(ticket_number: str, body: ClassificationIn, conn: Conn, actor: Agent) -> ActionOut:
    async with conn.transaction():
        await service.classify_ticket(conn, ticket_number=ticket_number, actor=actor, type_=body.type,
                                      category=body.category, urgency=body.urgency)
    return await _state(conn, ticket_number)


@router.post("/tickets/{ticket_number}/dispatch", response_model=ActionOut)
async def dispatch(ticket_number: str, body: DispatchIn, conn: Conn, actor: Agent, sla: Sla) -> ActionOut:
    async with conn.transaction():
        await service.dispatch_ticket(
            conn, ticket_number=ticket_number, actor=actor, department=body.department,
            co_departments=body.co_departments, note=body.note, sla=sla,
        )
    return await _state(conn, ticket_number)


@router.post("/tickets/{ticket_number}/sign", response_model=ActionOut)
async def sign(ticket_number: str, conn: Conn, actor: Department) -> ActionOut:
    async with conn.transaction():
        await service.sign_ticket(conn, ticket_number=ticket_number, actor=actor)
    return await _state(conn, ticket_number)


@router.post("/tickets/{ticket_number}/return", response_model=ActionOut)
async def return_ticket(ticket_number: str, body: ReasonIn, conn: Conn, actor: Department) -> ActionOut:
    async with conn.transaction():
        await service.return_ticket(conn, ticket_number=ticket_number, actor=actor, reason=body.reason)
    return await _state(conn, ticket_number)


@router.post("/tickets/{ticket_number}/reply", response_model=ActionOut)
async def reply(ticket_number: str, body: ContentIn, conn: Conn, actor: Department, sla: Sla) -> ActionOut:
    async with conn.transaction():
        await service.reply_ticket(conn, ticket_number=ticket_number, actor=actor, content=body.content,
                                   sla=sla)
    return await _state(conn, ticket_number)


@router.post("/tickets/{ticket_number}/answer", response_model=ActionOut)
async def answer(ticket_number: str, body: ContentIn, conn: Conn, actor: Agent) -> ActionOut:
    async with conn.transaction():
        await service.answer_ticket(conn, ticket_number=ticket_number, actor=actor, content=body.content)
    return await _state(conn, ticket_number)


@router.post("/tickets/{ticket_number}/extension-requests", response_model=ExtensionOut, status_code=201)
async def request_extension(ticket_number: str, body: ExtensionIn, conn: Conn, actor: Department) -> ExtensionOut:
    async with conn.transaction():
        row = await service.request_extension(conn, ticket_number=ticket_number, actor=actor,
                                              working_days=body.working_days, reason=body.reason)
    return ExtensionOut(ticket_number=ticket_number, **dict(row))


@router.get("/extension-requests", response_model=list[ExtensionOut])
async def list_extension_requests(
    conn: Conn, viewer: Staff, status: ExtensionStatus | None = None,
    ticket_number: Annotated[str | None, Query(max_length=32)] = None,
) -> list[ExtensionOut]:
    rows = await service.list_extension_requests(conn, viewer=viewer, status=status, ticket_number=ticket_number)
    return [ExtensionOut(**{k: v for k, v in dict(r).items() if k != "ticket_id"}) for r in rows]


async def _decide(request_id: int, approve: bool, body: DecisionIn | None, sla, conn, actor) -> ExtensionOut:
    async with conn.transaction():
        row = await service.decide_extension(conn, request_id=request_id, actor=actor, approve=approve,
                                             note=body.note if body else None, sla=sla)
    return ExtensionOut(**{k: v for k, v in dict(row).items() if k != "ticket_id"})


@router.post("/extension-requests/{request_id}/approve", response_model=ExtensionOut)
async def approve(request_id: RequestId, conn: Conn, actor: Supervisor, sla: Sla,
                  body: DecisionIn | None = None) -> ExtensionOut:
    return await _decide(request_id, True, body, sla, conn, actor)


@router.post("/extension-requests/{request_id}/reject", response_model=ExtensionOut)
async def reject(request_id: RequestId, conn: Conn, actor: Supervisor, sla: Sla,
                 body: DecisionIn | None = None) -> ExtensionOut:
    return await _decide(request_id, False, body, sla, conn, actor)
