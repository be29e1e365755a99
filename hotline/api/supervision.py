"""督办单: issued by supervisors (or by overdue clocks), answered by the department, closed or escalated."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from hotline.api.deps import Conn, Sla, Staff, require_roles
from hotline.auth.tokens import Principal
from hotline.callbacks import supervision
from hotline.callbacks.schemas import (
    OrderAnswerIn, OrderCloseIn, OrderEscalateIn, OrderStatus, SupervisionOrderIn, SupervisionOrderOut,
)
from hotline.infra.validation import BIGINT_MAX

router = APIRouter(prefix="/api/v1", tags=["supervision"])
Supervisor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]
Department = Annotated[Principal, Depends(require_roles("department"))]
OrderId = Annotated[int, Path(ge=1, le=BIGINT_MAX, description="a 督办单's id")]


async def _order(conn, viewer: Principal, order_id: int) -> SupervisionOrderOut:
    [order] = await supervision.list_orders(conn, viewer=viewer, status=None, order_id=order_id)
    return SupervisionOrderOut(**dict(order))


# A work list rather than a report, so it reads the primary: a department sees a 督办单 the moment it is issued.
@router.get("/supervision-orders", response_model=list[SupervisionOrderOut])
async def list_supervision_orders(
    conn: Conn, viewer: Staff, status: OrderStatus | None = None,
    ticket_number: Annotated[str | None, Query(max_length=32)] = None,
) -> list[SupervisionOrderOut]:
    rows = await supervision.list_orders(conn, viewer=viewer, status=status, ticket_number=ticket_number)
    return [SupervisionOrderOut(**dict(r)) for r in rows]


@router.post("/tickets/{ticket_number}/supervision-orders", response_model=SupervisionOrderOut, status_code=201)
async def issue_supervision_order(ticket_number: str, body: SupervisionOrderIn, conn: Conn, actor: Supervisor,
                                  sla: Sla) -> SupervisionOrderOut:
    async with conn.transaction():
        order_id = await supervision.issue_order(conn, ticket_number=ticket_number, actor=actor, note=body.note,
                                                 clock=sla, working_days=body.working_days)
    return await _order(conn, actor, order_id)


@router.post("/supervision-orders/{order_id}/answer", response_model=SupervisionOrderOut)
async def answer_supervision_order(order_id: OrderId, body: OrderAnswerIn, conn: Conn,
                                   actor: Department) -> SupervisionOrderOut:
    async with conn.transaction():
        await supervision.answer_order(conn, order_id=order_id, actor=actor, answer=body.answer)
    return await _order(conn, actor, order_id)


@router.post("/supervision-orders/{order_id}/close", response_model=SupervisionOrderOut)
async def close_supervision_order(order_id: OrderId, conn: Conn, actor: Supervisor,
                                  body: OrderCloseIn | None = None) -> SupervisionOrderOut:
    async with conn.transaction():
        await supervision.close_order(conn, order_id=order_id, actor=actor, note=body.note if body else None)
    return await _order(conn, actor, order_id)


@router.post("/supervision-orders/{order_id}/escalate", response_model=SupervisionOrderOut)
async def escalate_supervision_order(order_id: OrderId, body: OrderEscalateIn, conn: Conn, actor: Supervisor,
                                     sla: Sla) -> SupervisionOrderOut:
    async with conn.transaction():
        await supervision.escalate_order(conn, order_id=order_id, actor=actor, reason=body.reason, clock=sla)
    return await _order(conn, actor, order_id)
