"""Routing rules over HTTP: staff read the duty list and keyword rules; supervisors and admins edit them."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from hotline.api.deps import Conn, Staff, require_roles
from hotline.auth.tokens import Principal
from hotline.routing_rules import service
from hotline.routing_rules.schemas import (
    DisableIn, DutyRuleIn, DutyRuleOut, KeywordRuleIn, KeywordRuleOut, RuleChangeOut,
)

router = APIRouter(prefix="/api/v1/routing-rules", tags=["routing rules"])
Supervisor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]


def _rule(body: DutyRuleIn | KeywordRuleIn) -> dict:
    return body.model_dump(exclude={"reason"})


@router.get("/duties", response_model=list[DutyRuleOut])
async def list_duties(conn: Conn, _: Staff, active: bool | None = True,
                      department: str | None = None) -> list[dict]:
    return await service.list_rules(conn, kind="duty", active=active, department=department)


@router.post("/duties", response_model=DutyRuleOut, status_code=201)
async def create_duty(body: DutyRuleIn, conn: Conn, actor: Supervisor) -> dict:
    async with conn.transaction():
        return await service.create_rule(conn, kind="duty", rule=_rule(body), actor=actor, reason=body.reason)


@router.put("/duties/{rule_id}", response_model=DutyRuleOut)
async def update_duty(rule_id: int, body: DutyRuleIn, conn: Conn, actor: Supervisor) -> dict:
    async with conn.transaction():
        return await service.update_rule(conn, kind="duty", rule_id=rule_id, rule=_rule(body), actor=actor,
                                         reason=body.reason)


@router.post("/duties/{rule_id}/disable", response_model=DutyRuleOut)
async def disable_duty(rule_id: int, body: DisableIn, conn: Conn, actor: Supervisor) -> dict:
    async with conn.transaction():
        return await service.disable_rule(conn, kind="duty", rule_id=rule_id, actor=actor, reason=body.reason)


@router.get("/duties/{rule_id}/history", response_model=list[RuleChangeOut])
async def duty_history(rule_id: int, conn: Conn, _: Staff) -> list:
    return await service.rule_history(conn, kind="duty", rule_id=rule_id)


@router.get("/keywords", response_model=list[KeywordRuleOut])
async def list_keywords(conn: Conn, _: Staff, active: bool | None = True,
                        department: str | None = None) -> list[dict]:
    return await service.list_rules(conn, kind="keyword", active=active, department=department)


@router.post("/keywords", response_model=KeywordRuleOut, status_code=201)
async def create_keyword(body: KeywordRuleIn, conn: Conn, actor: Supervisor) -> dict:
    async with conn.transaction():
        return await service.create_rule(conn, kind="keyword", rule=_rule(body), actor=actor, reason=body.reason)


@router.put("/keywords/{rule_id}", response_model=KeywordRuleOut)
async def update_keyword(rule_id: int, body: KeywordRuleIn, conn: Conn, actor: Supervisor) -> dict:
    async with conn.transaction():
        return await service.update_rule(conn, kind="keyword", rule_id=rule_id, rule=_rule(body), actor=actor,
                                         reason=body.reason)


@router.post("/keywords/{rule_id}/disable", response_model=KeywordRuleOut)
async def disable_keyword(rule_id: int, body: DisableIn, conn: Conn, actor: Supervisor) -> dict:
    async with conn.transaction():
        return await service.disable_rule(conn, kind="keyword", rule_id=rule_id, actor=actor, reason=body.reason)


@router.get("/keywords/{rule_id}/history", response_model=list[RuleChangeOut])
async def keyword_history(rule_id: int, conn: Conn, _: Staff) -> list:
    return await service.rule_history(conn, kind="keyword", rule_id=rule_id)
