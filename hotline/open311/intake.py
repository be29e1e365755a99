"""An outside system's POST requests becomes a ticket through the same intake as every channel, exactly once per
retry window: the same system sending the same request again gets the first ticket and token back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import asyncpg

from hotline.category_templates.schemas import check_answers, describe_answers
from hotline.infra.errors import InvalidFields
from hotline.intake.flows import on_submission
from hotline.intake.schemas import CitizenIn, SubmissionIn
from hotline.open311 import service
from hotline.open311.schemas import NewRequest
from hotline.runtime import Runtime

# Channel codes are fixed by the design: an Open311 system is an app channel, named on the submission.
CHANNEL = "app"


@dataclass(frozen=True)
class FiledRequest:
    ticket_number: str
    token: str
    created: bool  # False: a retry answered with the ticket its first copy made


def _content(svc: service.Service, request: NewRequest, answers: dict[str, Any]) -> str:
    """The citizen's words, then the answers to the category's questions and the photo link, for agents and models."""
    lines = [request.description or f"{svc.name}（未填写描述）"]
    answered = describe_answers(svc.template.questions, answers) if svc.template else []
    if answered:
        lines.append("补充信息：" + "；".join(answered))
    if request.media_url:
        lines.append(f"图片：{request.media_url}")
    return "\n".join(lines)


def _address(request: NewRequest) -> str:
    if request.address_string:
        return request.address_string
    if request.address_id:
        return f"地址编号 {request.address_id}"
    return f"经纬度 {request.lat:.6f},{request.long:.6f}"


def _name(request: NewRequest) -> str | None:
    parts = [p for p in (request.first_name, request.last_name) if p]
    if not parts:
        return None
    if all(p.isascii() for p in parts):
        return " ".join(parts)
    return "".join(p for p in (request.last_name, request.first_name) if p)  # 姓 before 名


async def file_request(runtime: Runtime, *, key: asyncpg.Record, request: NewRequest) -> FiledRequest:
    """File `request` for the outside system `key`; NotFound or InvalidFields naming the field when it is refused."""
    digest = request.digest()
    async with runtime.pool.acquire() as conn:  # released before intake takes its own
        svc = await service.service(conn, service_code=request.service_code)
        answers, problems = check_answers(svc.template.questions if svc.template else (), request.attributes)
        if problems:
            raise InvalidFields(problems)
        previous = await service.previous_request(conn, key_id=key["id"], digest=digest)
    if previous is not None and previous["created_at"] > datetime.now(timezone.utc) - service.RETRY_WINDOW:
        return FiledRequest(previous["ticket_number"], previous["token"], created=False)
    # The n-th window of this request has its own intake key, so concurrent retries meet on one ticket.
    external_id = f"open311:{key['id']}:{digest}:{previous['earlier'] + 1 if previous else 1}"
    token = service.new_token()

    async def keep_request(conn: asyncpg.Connection, ticket: asyncpg.Record) -> None:
        await service.record_request(conn, ticket_id=ticket["id"], external_id=external_id, key=key, digest=digest,
                                     token=token, request=request, answers=answers)

    submission = SubmissionIn(
        channel=CHANNEL, external_id=external_id, citizen=CitizenIn(name=_name(request), phone=request.phone),
        content=_content(svc, request, answers), address=_address(request),
    )
    ticket, created = await on_submission(runtime, submission=submission, actor=None,
                                          category_path=svc.category_path, on_created=keep_request)
    if created:
        return FiledRequest(ticket["ticket_number"], token, created=True)
    async with runtime.pool.acquire() as conn:  # a concurrent copy of this request made the ticket first
        first = await service.request_by_ticket(conn, ticket_id=ticket["id"])
    return FiledRequest(first["ticket_number"], first["token"], created=False)
