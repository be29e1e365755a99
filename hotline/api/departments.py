"""The city's departments, for dispatch pickers and outside systems."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from hotline.api.deps import Conn
from hotline.city import service as city

router = APIRouter(prefix="/api/v1", tags=["city"])


class DepartmentOut(BaseModel):
    code: str
    name: str
    short_name: str | None
    level: str
    parent: str | None
    district: str | None
    fallback: bool
    counterpart_of: str | None  # the municipal department whose work this one does in its district


@router.get("/departments", response_model=list[DepartmentOut])
async def list_departments(conn: Conn) -> list[DepartmentOut]:
    return [DepartmentOut(**dict(r)) for r in await city.active_departments(conn)]
