"""热点问题 for the hotline's own staff: similar tickets of a recent window, per district, by heat."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from hotline.api.deps import ReadConn, require_roles
from hotline.auth.tokens import Principal
from hotline.hot_issues import service

router = APIRouter(prefix="/api/v1", tags=["hot issues"])
Office = Annotated[Principal, Depends(require_roles("agent", "supervisor", "admin"))]


class HotIssueOut(BaseModel):
    title: str  # "place · problem" from its tickets' masked text ("中心街 · 灯不亮")
    district: str | None  # where most of its tickets come from
    district_name: str | None
    districts: list[str]  # every district it was reported from (a city-wide problem names several)
    contacts: int  # tickets
    callers: int  # distinct people; the heat counts each once
    heat: float
    trend: float  # > 0: more contacts in the newer half of the window
    ticket_numbers: list[str]  # the most typical first


@router.get("/hot-issues", response_model=list[HotIssueOut])
async def hot_issues(
    request: Request, conn: ReadConn, _: Office,
    days: Annotated[int, Query(ge=1, le=90, description="window length in days, ending now")] = 7,
    district: Annotated[str, Query(pattern=r"^(\d{6})?$", description="district code; empty for all")] = "",
) -> list[HotIssueOut]:
    """Clusters of the window's newest 2,000 problem reports that the worker has embedded (see the service)."""
    embedder = request.app.state.runtime.knowledge.index.embedder.name
    issues = await service.hot_issues(conn, days=days, district=district or None, embedder=embedder)
    return [HotIssueOut(**issue) for issue in issues]
