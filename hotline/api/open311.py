"""Open311 GeoReport v2 at /open311/v2, in JSON and XML: outside systems (a city app, a FixMyStreet install, a
neighbouring platform) list services and their questions, file requests through the same intake as every channel
and follow them.

Every answer, errors included, is in the spec's shape and in the format the path names (.json or .xml).
Ticket numbers are sequential, so reads show no personal data and nothing of a 举报, and reads without an API
key are throttled per address.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from hotline.abuse.service import TooManyRequests, hit_rate_limit
from hotline.api.deps import Conn
from hotline.infra.db import UNAVAILABLE_ERRORS
from hotline.infra.errors import Conflict, DomainError, Forbidden, InvalidFields, NotFound
from hotline.open311 import render, service
from hotline.open311.intake import file_request
from hotline.open311.schemas import parse_datetime, parse_new_request, split_list

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
_NOT_FOUND = {  # what a person reads when a named thing does not exist
    "service_code": "未找到该服务类型，可用的服务见 services.xml",
    "service_request_id": "未找到该工单",
    "token": "未找到该凭证",
    "format": "只支持 .json 和 .xml",
    "path": "没有这个接口，接口列表见 discovery.xml",
}


def _descriptions(exc: DomainError) -> list[str]:
    fields = exc.detail.get("fields") or []
    if fields:
        return [f"{f['field']}: {f['reason']}" for f in fields]
    field = exc.detail.get("field")
    if field:
        return [f"{field}: {_NOT_FOUND.get(field, exc.message)}"]
    return [exc.message]


def _error_response(request: Request, exc: Exception) -> Response | None:
    """The spec's error answer for a failure, or None for one that is not the caller's doing (a bug: 500)."""
    fmt = render.format_of(request.url.path)
    if isinstance(exc, RequestValidationError):
        return render.errors(fmt, 400, [f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}"
                                        for e in exc.errors()])
    if isinstance(exc, TooManyRequests):
        return render.errors(fmt, 429, [f"请求过于频繁，请 {exc.retry_after} 秒后再试"],
                             headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, DomainError):
        # The spec's codes: 404 for what does not exist, 403 for the api_key, 400 for any other refusal.
        status = exc.status_code if isinstance(exc, (NotFound, Forbidden, Conflict)) else 400
        return render.errors(fmt, status, _descriptions(exc))
    if isinstance(exc, HTTPException):  # a body that is not a form
        return render.errors(fmt, exc.status_code, [f"body: {exc.detail}"])
    if isinstance(exc, UNAVAILABLE_ERRORS):
        return render.errors(fmt, 503, ["服务暂时不可用，请稍后重试"], headers={"Retry-After": "5"})
    return None


class Open311Route(APIRoute):
    """A route whose every refusal answers in the spec's error format instead of the platform's."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # noqa: BLE001 - re-raised below unless it is the caller's doing
                response = _error_response(request, exc)
                if response is None:
                    raise
                return response

        return route


router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route)


def _format(fmt: str) -> str:
    if fmt not in render.FORMATS:
        raise NotFound(f"format {fmt[:10]!r} is not served", field="format")
    return fmt


def _check_jurisdiction(request: Request, given: str | None) -> None:
    served = request.app.state.settings.open311_jurisdiction_id
    if given and given.strip() and given.strip() != served:
        raise NotFound(f"jurisdiction_id {given[:100]!r} not found",
                       fields=[{"field": "jurisdiction_id", "reason": f"本接口只服务 {served}"}])


async def _client_key(conn, api_key: str | None) -> Any:
    """The outside system of a key (None without one); Forbidden naming api_key for an unknown or disabled key."""
    if api_key is None or not api_key.strip():
        return None
    key = await service.active_key(conn, api_key=api_key.strip()[:200])
    if key is None:
        raise Forbidden("invalid api_key", fields=[{"field": "api_key", "reason": "API 密钥无效或已停用"}])
    return key


async def _spend(request: Request, conn, key: Any) -> None:
    """One request against the caller's budget: its key's, or its address's when it has no key."""
    settings = request.app.state.settings
    if key is not None:
        await hit_rate_limit(conn, key=f"open311-key:{key['id']}", limit=settings.open311_key_requests_per_minute)
    else:
        address = request.client.host if request.client else "unknown"
        await hit_rate_limit(conn, key=f"open311-read:{address}", limit=settings.open311_reads_per_minute)


@router.get("/discovery.{fmt}")
async def discovery(fmt: str, request: Request, conn: Conn) -> Response:
    changed = await service.changeset(conn)
    changeset = service.w3_datetime(changed) if changed else "2025-01-01T00:00:00+08:00"
    body = {
        "changeset": changeset,
        "contact": "温州市12345政务服务便民热线（拨打 12345）",
        "key_service": "API 密钥由温州市12345热线平台管理员为每个接入系统签发，请联系热线平台管理员申请",
        "endpoints": [{"specification": SPECIFICATION, "url": str(request.base_url).rstrip("/") + router.prefix,
                       "changeset": changeset, "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    }
    return render.respond(_format(fmt), "discovery", body)


@router.get("/services.{fmt}")
async def list_services(fmt: str, request: Request, conn: Conn) -> Response:
    _check_jurisdiction(request, request.query_params.get("jurisdiction_id"))
    return render.respond(_format(fmt), "services", [s.listing() for s in await service.services(conn)])


@router.get("/services/{service_code}.{fmt}")
async def service_definition(service_code: str, fmt: str, request: Request, conn: Conn) -> Response:
    fmt = _format(fmt)
    _check_jurisdiction(request, request.query_params.get("jurisdiction_id"))
    found = await service.service(conn, service_code=service_code)
    return render.respond(fmt, "service_definition", found.definition())


@router.post("/requests.{fmt}")
async def create_request(fmt: str, request: Request) -> Response:
    fmt = _format(fmt)
    form = await request.form()
    pairs = []
    for name, value in form.multi_items():
        if not isinstance(value, str):
            raise InvalidFields([{"field": name, "reason": "不接受文件上传，请用 media_url 提供图片网址"}])
        pairs.append((name, value))
    _check_jurisdiction(request, form.get("jurisdiction_id"))
    async with request.app.state.pool.acquire() as conn:  # released before intake takes its own
        key = await _client_key(conn, form.get("api_key"))
        if key is None:
            raise Forbidden("api_key required", fields=[{"field": "api_key", "reason": "提交工单须提供 API 密钥"}])
        await _spend(request, conn, key)
    new = parse_new_request(pairs)
    filed = await file_request(request.app.state.runtime, key=key, request=new)
    answer = {"service_request_id": filed.ticket_number, "token": filed.token,
              "service_notice": f"已受理，工单编号 {filed.ticket_number}，可凭编号查询办理进度"}
    if new.account_id:  # "may not be returned"; the schema has no null for it
        answer["account_id"] = new.account_id
    body = [answer]
    return render.respond(fmt, "service_requests", body, status=201 if filed.created else 200)


@router.get("/requests.{fmt}")
async def list_requests(fmt: str, request: Request, conn: Conn) -> Response:
    fmt = _format(fmt)
    params = request.query_params
    _check_jurisdiction(request, params.get("jurisdiction_id"))
    key = await _client_key(conn, params.get("api_key"))
    await _spend(request, conn, key)

    def listed(name: str) -> str:  # "can be declared multiple times, comma delimited"
        return ",".join(params.getlist(name))

    numbers = split_list(listed("service_request_id"), "service_request_id")
    if numbers:  # overrides every other argument
        rows = await service.requests_by_number(conn, numbers=numbers)
    else:
        codes = split_list(listed("service_code"), "service_code", limit=50, max_chars=20)
        statuses = set(split_list(listed("status"), "status", limit=2, max_chars=10) or ())
        if statuses - {"open", "closed"}:
            raise InvalidFields([{"field": "status", "reason": "可选值：open、closed"}])
        start, end = _window(params.get("start_date"), params.get("end_date"))
        paths = await service.category_paths(conn, service_codes=codes) if codes else None
        closed = None if len(statuses) != 1 else statuses == {"closed"}
        rows = await service.requests_in_window(conn, start=start, end=end, category_paths=paths, closed=closed)
    client = key["id"] if key else None
    return render.respond(fmt, "service_requests", [service.present_request(r, client_key_id=client) for r in rows])


def _window(start_date: str | None, end_date: str | None) -> tuple[datetime, datetime]:
    """The spec's window: at most 90 days, the most recent 90 when neither end is given."""
    start = parse_datetime(start_date, "start_date") if start_date else None
    end = parse_datetime(end_date, "end_date") if end_date else None
    if start is None and end is None:
        end = datetime.now(timezone.utc)
    if start is None:
        start = end - service.LIST_SPAN
    if end is None:
        end = start + service.LIST_SPAN
    if end < start:
        raise InvalidFields([{"field": "end_date", "reason": "不能早于 start_date"}])
    if end - start > service.LIST_SPAN:
        raise InvalidFields([{"field": "end_date", "reason": "start_date 与 end_date 相隔不能超过 90 天"}])
    return start, end


@router.get("/requests/{service_request_id}.{fmt}")
async def get_request(service_request_id: str, fmt: str, request: Request, conn: Conn) -> Response:
    fmt = _format(fmt)
    _check_jurisdiction(request, request.query_params.get("jurisdiction_id"))
    key = await _client_key(conn, request.query_params.get("api_key"))
    await _spend(request, conn, key)
    rows = await service.requests_by_number(conn, numbers=[service_request_id[:32]])
    if not rows:
        raise NotFound(f"request {service_request_id[:32]} not found", field="service_request_id")
    client = key["id"] if key else None
    return render.respond(fmt, "service_requests", [service.present_request(rows[0], client_key_id=client)])


@router.get("/tokens/{token}.{fmt}")
async def token(token: str, fmt: str, request: Request, conn: Conn) -> Response:
    fmt = _format(fmt)
    _check_jurisdiction(request, request.query_params.get("jurisdiction_id"))
    key = await _client_key(conn, request.query_params.get("api_key"))
    await _spend(request, conn, key)
    found = await service.request_by_token(conn, token=token[:64])
    if found is None:
        raise NotFound("token not found", field="token")
    return render.respond(fmt, "service_requests",
                          [{"token": found["token"], "service_request_id": found["ticket_number"]}])


@router.api_route("/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
async def unknown(rest: str) -> Response:
    raise NotFound(f"no Open311 resource {rest[:100]!r}", field="path")
