"""The city's departments, for dispatch pickers and outside systems."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from hotline.api.deps import Conn

router = APIRouter(prefix="/api/v1", tags=["city"])


class DepartmentOut(BaseModel):
    code: str
    name: str
    short_name: str | None
    level: str
    parent: str | None
    district: str | None
    fallback: bool


@router.get("/departments", response_model=list[DepartmentOut])
async def list_departments(conn: Conn) -> list[DepartmentOut]:
    rows = await conn.fetch(
        """SELECT code, name, short_name, level, parent_code AS parent, district_code AS district,
                  is_fallback AS fallback
           FROM departments WHERE active ORDER BY level, code"""
    )
    return [DepartmentOut(**dict(r)) for r in rows]
