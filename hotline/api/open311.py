"""Open311 GeoReport v2 facade: outside systems file and follow requests through the same intake.

Ticket numbers are guessable, so a request read without a staff token shows status and dates only.
"""
from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request

from hotline.api.deps import Conn, MaybeStaff, PublicRateLimit
from hotline.city import service as city
from hotline.errors import InvalidField, NotFound
from hotline.flows import on_submission
from hotline.intake.schemas import CitizenIn, SubmissionIn
from hotline.tickets import service as tickets
from hotline.validation import INT_MAX, parse_row_id

router = APIRouter(prefix="/open311/v2", tags=["open311"])
_CLOSED = {"answered", "closed", "merged"}


@router.get("/services.json")
async def services(conn: Conn) -> list[dict[str, Any]]:
    rows = await city.services(conn)
    return [
        {"service_code": str(r["id"]), "service_name": r["name"], "description": r["path"],
         "metadata": False, "type": "realtime", "keywords": "", "group": r["group_name"] or r["name"]}
        for r in rows
    ]


@router.post("/requests.json", status_code=201, dependencies=[PublicRateLimit])
async def create_request(
    request: Request, staff: MaybeStaff,
    service_code: Annotated[str, Form(max_length=20)],
    description: Annotated[str, Form(max_length=20_000)],
    address_string: Annotated[str | None, Form(max_length=500)] = None,
    first_name: Annotated[str | None, Form(max_length=25)] = None,
    last_name: Annotated[str | None, Form(max_length=25)] = None,
    phone: Annotated[str | None, Form(max_length=30)] = None,
    device_id: Annotated[str | None, Form(max_length=100)] = None,
) -> list[dict[str, Any]]:
    async with request.app.state.pool.acquire() as conn:  # released before intake takes its own
        category_id = parse_row_id(service_code, maximum=INT_MAX)
        category = await city.category_path_by_id(conn, category_id) if category_id is not None else None
    if category is None:
        raise InvalidField("service_code", f"unknown service_code {service_code!r}; see services.json")
    name = "".join(part for part in (last_name, first_name) if part) or None
    submission = SubmissionIn(
        channel="app", external_id=f"open311:{device_id or uuid.uuid4()}:{uuid.uuid4()}",
        citizen=CitizenIn(name=name, phone=phone), content=description, address=address_string,
    )
    ticket, _ = await on_submission(
        request.app.state.runtime, submission=submission, actor=staff, category_path=category
    )
    return [{"service_request_id": ticket["ticket_number"], "service_notice": "已受理，请凭编号查询进度",
             "account_id": None}]


@router.get("/requests/{service_request_id}.json")
async def get_request(service_request_id: str, conn: Conn, staff: MaybeStaff) -> list[dict[str, Any]]:
    row = await tickets.open311_request(conn, ticket_number=service_request_id)
    if row is None:
        raise NotFound(f"request {service_request_id} not found", field="service_request_id")
    detailed = staff is not None and staff.role != "department" and not row["confidential"]
    return [{
        "service_request_id": row["ticket_number"],
        "status": "closed" if row["status"] in _CLOSED else "open",
        "status_notes": row["status"],
        "service_name": (row["category_path"] or "").split("/")[-1] or None,
        "service_code": None,
        "description": row["content_masked"] if detailed else None,
        "agency_responsible": row["agency"],
        "requested_datetime": row["received_at"].isoformat(),
        "updated_datetime": row["updated_at"].isoformat(),
        "expected_datetime": row["reply_by"].isoformat() if row["reply_by"] else None,
        "address": row["address"] if detailed else None,
    }]
