"""回访 callbacks: the agent's call, the list, the supervisor's review, and the citizen's one-time link."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from hotline.api.deps import AppSettings, Conn, Sla, Staff, require_roles
from hotline.auth.tokens import Principal
from hotline.callbacks import desk, service
from hotline.callbacks.schemas import (
    CallbackIn, CallbackLinkOut, CallbackOut, CallbackSmsOut, CallbackStatus, DeskDetailOut, DeskList, DeskListOut,
    DialOut, PublicCallbackIn, PublicCallbackOut, ReviewIn, present_callback,
)
from hotline.text.pii import mask_text

router = APIRouter(prefix="/api/v1", tags=["callbacks"])
Agent = Annotated[Principal, Depends(require_roles("agent", "supervisor", "admin"))]
Supervisor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]
Token = Annotated[str, Path(min_length=16, max_length=128)]


async def _callback(conn, ticket_number: str) -> CallbackOut:
    return present_callback(await service.callback_of(conn, ticket_number=ticket_number))


@router.post("/tickets/{ticket_number}/callback", response_model=CallbackOut)
async def record_callback(ticket_number: str, body: CallbackIn, conn: Conn, actor: Agent) -> CallbackOut:
    async with conn.transaction():
        await service.record_callback(
            conn, ticket_number=ticket_number, actor=actor, reached=body.reached, resolved=body.resolved,
            satisfaction=body.satisfaction, comment=body.comment, refused=body.refused, retry_at=body.retry_at,
        )
    return await _callback(conn, ticket_number)


@router.post("/tickets/{ticket_number}/callback-link", response_model=CallbackLinkOut, status_code=201)
async def issue_callback_link(ticket_number: str, conn: Conn, actor: Agent) -> CallbackLinkOut:
    async with conn.transaction():
        token, due_at = await service.issue_link(conn, ticket_number=ticket_number, actor=actor)
    return CallbackLinkOut(ticket_number=ticket_number, token=token, path=f"/callback/{token}",
                           api_path=f"/api/v1/public/callbacks/{token}", due_at=due_at)


@router.get("/callback-desk", response_model=DeskListOut)
async def callback_desk(conn: Conn, _: Agent,
                        list_name: Annotated[DeskList, Query(alias="list")] = "due") -> DeskListOut:
    return DeskListOut(**await desk.desk_list(conn, list_name=list_name))


@router.get("/callback-desk/{ticket_number}", response_model=DeskDetailOut)
async def callback_desk_ticket(ticket_number: str, conn: Conn, _: Agent) -> DeskDetailOut:
    return DeskDetailOut(**await desk.desk_detail(conn, ticket_number=ticket_number))


@router.post("/tickets/{ticket_number}/callback/dial", response_model=DialOut)
async def dial_for_callback(ticket_number: str, conn: Conn, actor: Agent) -> DialOut:
    async with conn.transaction():  # the access row and the number shown, or neither
        return DialOut(**await desk.reveal_for_call(conn, ticket_number=ticket_number, actor=actor))


@router.post("/tickets/{ticket_number}/callback/sms", response_model=CallbackSmsOut, status_code=201)
async def callback_by_sms(ticket_number: str, request: Request, conn: Conn, actor: Agent,
                          settings: AppSettings) -> CallbackSmsOut:
    site_url = settings.public_url or str(request.base_url)
    async with conn.transaction():
        return CallbackSmsOut(**await desk.send_link_by_sms(conn, ticket_number=ticket_number, actor=actor,
                                                            site_url=site_url))


@router.get("/callbacks", response_model=list[CallbackOut])
async def list_callbacks(conn: Conn, viewer: Staff, status: CallbackStatus | None = None) -> list[CallbackOut]:
    return [present_callback(r) for r in await service.list_callbacks(conn, viewer=viewer, status=status)]


@router.post("/tickets/{ticket_number}/reopen", response_model=CallbackOut)
async def reopen(ticket_number: str, body: ReviewIn, conn: Conn, actor: Supervisor, sla: Sla) -> CallbackOut:
    async with conn.transaction():
        await service.reopen_ticket(conn, ticket_number=ticket_number, actor=actor, reason=body.reason,
                                    sla=sla)
    return await _callback(conn, ticket_number)


@router.post("/tickets/{ticket_number}/appeal-upheld", response_model=CallbackOut)
async def appeal_upheld(ticket_number: str, body: ReviewIn, conn: Conn, actor: Supervisor) -> CallbackOut:
    async with conn.transaction():
        await service.uphold_appeal(conn, ticket_number=ticket_number, actor=actor, reason=body.reason)
    return await _callback(conn, ticket_number)


def _public(row, answered: bool) -> PublicCallbackOut:
    # The public page shows no personal data: the link may be forwarded.
    title = mask_text(row["title"])[0] if row["title"] else None
    reply = mask_text(row["reply"])[0] if row["reply"] else None
    return PublicCallbackOut(ticket_number=row["ticket_number"], title=title, reply=reply, answered=answered)


@router.get("/public/callbacks/{token}", response_model=PublicCallbackOut)
async def public_callback(token: Token, conn: Conn) -> PublicCallbackOut:
    row = await service.public_callback(conn, token=token)
    return _public(row, answered=row["token_used_at"] is not None or row["status"] != "due")


@router.post("/public/callbacks/{token}", response_model=PublicCallbackOut)
async def answer_public_callback(token: Token, body: PublicCallbackIn, conn: Conn) -> PublicCallbackOut:
    async with conn.transaction():
        row = await service.answer_public_callback(conn, token=token, resolved=body.resolved,
                                                   satisfaction=body.satisfaction, comment=body.comment)
    return _public(row, answered=True)
