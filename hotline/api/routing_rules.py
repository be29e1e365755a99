"""Routing rules over HTTP: staff read the duty list and keyword rules; supervisors and admins edit them."""
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from hotline.api.deps import Conn, Staff, require_roles
from hotline.auth.tokens import Principal
from hotline.routing_rules import service
from hotline.routing_rules.schemas import (
    DisableIn, DutyRuleIn, DutyRuleOut, KeywordRuleIn, KeywordRuleOut, RuleChangeOut,
)

router = APIRouter(prefix="/api/v1/routing-rules", tags=["routing rules"])
Supervisor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]
RuleId = Annotated[int, Path(ge=1, le=2**63 - 1, description="a rule's id")]  # a bigint column


def _rule_routes(kind: str, path: str, body_type: type, out_type: type) -> None:
    """The same five routes for each kind of rule (duty list entries, keyword rules)."""

    async def list_rules(conn: Conn, _: Staff, active: bool | None = True, department: str | None = None) -> list:
        return await service.list_rules(conn, kind=kind, active=active, department=department)

    async def create(body: body_type, conn: Conn, actor: Supervisor) -> dict:
        async with conn.transaction():
            return await service.create_rule(conn, kind=kind, rule=body.model_dump(exclude={"reason"}), actor=actor,
                                             reason=body.reason)

    async def update(rule_id: RuleId, body: body_type, conn: Conn, actor: Supervisor) -> dict:
        async with conn.transaction():
            return await service.update_rule(conn, kind=kind, rule_id=rule_id,
                                             rule=body.model_dump(exclude={"reason"}), actor=actor,
                                             reason=body.reason)

    async def disable(rule_id: RuleId, body: DisableIn, conn: Conn, actor: Supervisor) -> dict:
        async with conn.transaction():
            return await service.disable_rule(conn, kind=kind, rule_id=rule_id, actor=actor, reason=body.reason)

    async def history(rule_id: RuleId, conn: Conn, _: Staff) -> list:
        return await service.rule_history(conn, kind=kind, rule_id=rule_id)

    router.add_api_route(path, list_rules, methods=["GET"], response_model=list[out_type],
                         name=f"list_{kind}_rules")
    router.add_api_route(path, create, methods=["POST"], response_model=out_type, status_code=201,
                         name=f"create_{kind}_rule")
    router.add_api_route(f"{path}/{{rule_id}}", update, methods=["PUT"], response_model=out_type,
                         name=f"update_{kind}_rule")
    router.add_api_route(f"{path}/{{rule_id}}/disable", disable, methods=["POST"], response_model=out_type,
                         name=f"disable_{kind}_rule")
    router.add_api_route(f"{path}/{{rule_id}}/history", history, methods=["GET"],
                         response_model=list[RuleChangeOut], name=f"{kind}_rule_history")


_rule_routes("duty", "/duties", DutyRuleIn, DutyRuleOut)
_rule_routes("keyword", "/keywords", KeywordRuleIn, KeywordRuleOut)
