"""The PBX link: call events posted by any PBX (a per-PBX bearer token), the call log and its figures, the
agent's live call stream, transfers to other hotlines, and the admins' PBX tokens and extensions."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import StreamingResponse

from feedback.periods import CITY_TIMEZONE
from hotline.api.deps import Conn, require_roles
from hotline.audit.service import log_number_search
from hotline.auth.tokens import Principal
from hotline.cti import service
from hotline.cti.schemas import (
    CallMetricsOut, CallOut, CtiEventIn, CtiEventOut, DisableIn, ExtensionIn, ExtensionOut,
    NewTokenOut, TokenIn, TokenOut, TransferIn, TransferOut,
)
from hotline.cti.stream import agent_stream
from hotline.infra.errors import InvalidField, Unauthorized
from hotline.tickets import service as tickets
from hotline.tickets.schemas import present_summary
from hotline.tickets.states import OPEN_STATUSES
from hotline.infra.validation import BIGINT_MAX, instant_out_of_range

router = APIRouter(prefix="/api/v1", tags=["cti"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]
CallTaker = Annotated[Principal, Depends(require_roles("agent", "supervisor", "admin"))]
Supervisor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]
RowId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]
Extension = Annotated[str, Path(pattern=r"^[0-9A-Za-z*#_-]{1,20}$", description="the PBX extension")]
POP_REASON = "来电弹屏"  # why the caller's tickets were looked up by number (the personal-data access log)
MAX_PERIOD_DAYS = 92


def _bound(value: str | None, field: str, *, end: bool) -> datetime | None:
    """A period bound: a local day (YYYY-MM-DD; `to` includes the whole day) or a moment with its time zone."""
    if value is None or not value.strip():
        return None
    zone = ZoneInfo(CITY_TIMEZONE)
    try:
        if len(value.strip()) == 10:
            day = date.fromisoformat(value.strip())
            moment = datetime.combine(day + timedelta(days=1) if end else day, time(), zone)
        else:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
    except ValueError:
        raise InvalidField(field, "must be a day YYYY-MM-DD or a time such as 2026-12-03T09:00:00+08:00") from None
    if problem := instant_out_of_range(moment):
        raise InvalidField(field, problem)
    return moment


def _period(from_: str | None, to: str | None, *, default_days: int = 1) -> tuple[datetime, datetime]:
    start, end = _bound(from_, "from", end=False), _bound(to, "to", end=True)
    today = datetime.combine(datetime.now(ZoneInfo(CITY_TIMEZONE)).date(), time(), ZoneInfo(CITY_TIMEZONE))
    end = end or today + timedelta(days=1)
    start = start or end - timedelta(days=default_days)
    if end <= start:
        raise InvalidField("to", "must be after from")
    if end - start > timedelta(days=MAX_PERIOD_DAYS):
        raise InvalidField("from", f"a period is at most {MAX_PERIOD_DAYS} days")
    return start, end


PeriodFrom = Annotated[str | None, Query(alias="from", max_length=40, description="first local day or a time")]
PeriodTo = Annotated[str | None, Query(max_length=40, description="last local day (included) or a time")]


# --- the PBX ----------------------------------------------------------------------------------------------------

async def _pbx(request: Request, authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send the PBX token as 'Authorization: Bearer <token>' (hotline cti token NAME)")
    async with request.app.state.pool.acquire() as conn:
        pbx = await service.pbx_for_token(conn, token=token.strip())
    if pbx is None:
        raise Unauthorized("unknown or disabled PBX token")
    return dict(pbx)


@router.post("/cti/events", response_model=CtiEventOut, response_model_by_alias=False,
             responses={401: {"description": "no PBX token, or a disabled one"},
                        422: {"description": "a field is missing or wrong; `fields` names it"}})
async def call_event(body: CtiEventIn, request: Request, pbx: Annotated[dict, Depends(_pbx)]) -> dict:
    """One call event from a PBX (ringing | answered | hangup; Zammad's newCall and answer are taken too). A
    repeated event changes nothing (`duplicate`)."""
    # The PBX is not a staff session: the connection is taken here, not through the staff dependency.
    async with request.app.state.pool.acquire() as conn:
        async with conn.transaction():
            return await service.record_call_event(conn, pbx_id=pbx["id"], event=body,
                                                   area_code=request.app.state.settings.local_area_code)


# --- the call log -----------------------------------------------------------------------------------------------

@router.get("/cti/calls", response_model=list[CallOut], response_model_by_alias=True)
async def call_log(
    conn: Conn, viewer: CallTaker, from_: PeriodFrom = None, to: PeriodTo = None,
    agent: Annotated[str | None, Query(max_length=64, description="a username (or the PBX's agent name)")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict]:
    """The call log (话单): call_id, from, agent, waited_s, talked_s, ticket_number, ...; today by default. The
    caller's number is in clear for the agent who took the call, masked for everyone else."""
    start, end = _period(from_, to)
    rows = await service.call_log(conn, agent=agent.strip() if agent else None, start=start, end=end,
                                  limit=page_size, offset=(page - 1) * page_size)
    return [service.present_call(r, viewer=viewer) for r in rows]


@router.get("/cti/metrics", response_model=CallMetricsOut)
async def call_metrics(conn: Conn, _: Supervisor, from_: PeriodFrom = None, to: PeriodTo = None) -> dict:
    """Calls waiting and talking now; per agent in the period: calls, answered, missed, average wait and talk
    (seconds), transfers, contacts added to open tickets."""
    start, end = _period(from_, to)
    return await service.call_metrics(conn, start=start, end=end)


@router.get("/cti/calls/{call_ref}/caller")
async def caller(call_ref: RowId, conn: Conn, viewer: CallTaker) -> dict[str, Any]:
    """The screen pop's history: the caller's tickets (mobile or landline; confidential ones counted, not shown)
    and earlier calls. Looking a person up by number is logged (reason 来电弹屏)."""
    call = await service.call_by_ref(conn, ref=call_ref, viewer=viewer)
    number = call["from_number"]
    page, total, withheld = [], 0, 0
    if number.isdigit() and len(number) >= 11:
        async with conn.transaction():
            rows, total, withheld = await tickets.list_tickets(conn, viewer=viewer, q=number, page_size=10)
            await log_number_search(conn, viewer=viewer, q=number, rows=rows, reason=POP_REASON)
        page = [present_summary(r).model_dump(mode="json") for r in rows]
    calls, calls_total = await service.previous_calls(conn, call=call)
    return {"from": number, "channel": call["channel"], "tickets": page, "total": total, "withheld": withheld,
            "open": [t["ticket_number"] for t in page if t["status"] in OPEN_STATUSES],
            "previous_calls": calls, "previous_calls_total": calls_total}


@router.get("/cti/stream", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"}})
async def call_stream(request: Request, agent: CallTaker,
                      last_event_id: Annotated[str | None, Header(max_length=20)] = None) -> StreamingResponse:
    """The logged-in agent's calls as Server-Sent Events (`ready`, `current`, `call`); EventSource reconnects by
    itself and resumes from the last event it saw."""
    resume = int(last_event_id) if last_event_id and last_event_id.isdigit() else None
    body = agent_stream(request.app.state.pool, request.app.state.cti_hub, agent_id=agent.user_id,
                        last_event_id=resume)
    return StreamingResponse(body, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/cti/transfers", response_model=TransferOut, status_code=201)
async def transfer(body: TransferIn, conn: Conn, actor: CallTaker) -> dict:
    """Record that the caller was sent on to 110/119/120/12315 or another hotline (a `transfer` event of the
    ticket when one is named, and a row of the call's transfers)."""
    async with conn.transaction():
        ticket = None
        if body.ticket_number:
            ticket = await tickets.get_ticket(conn, ticket_number=body.ticket_number, viewer=actor)
        return await service.record_transfer(
            conn, actor=actor, target=body.target, target_name=body.target_name, number_given=body.number_given,
            reason=body.reason, call_id=body.call_id, ticket=ticket)


# --- admins: PBX tokens and extensions --------------------------------------------------------------------------

@router.get("/admin/cti-tokens", response_model=list[TokenOut])
async def list_tokens(conn: Conn, _: Admin) -> list:
    return [dict(r) for r in await service.list_tokens(conn)]


@router.post("/admin/cti-tokens", response_model=NewTokenOut, status_code=201)
async def create_token(body: TokenIn, conn: Conn, actor: Admin) -> dict:
    """A token for one PBX; the token is in this answer only (only its hash is kept)."""
    async with conn.transaction():
        row, token = await service.create_token(conn, name=body.name, note=body.note, actor=actor)
    return {**dict(row), "token": token}


@router.post("/admin/cti-tokens/{token_id}/disable", response_model=TokenOut)
async def disable_token(token_id: RowId, body: DisableIn, conn: Conn, actor: Admin) -> dict:
    async with conn.transaction():
        await service.disable_token(conn, token_id=token_id, reason=body.reason, actor=actor)
    return next(dict(r) for r in await service.list_tokens(conn) if r["id"] == token_id)


@router.get("/admin/cti-extensions", response_model=list[ExtensionOut])
async def list_extensions(conn: Conn, _: Admin) -> list:
    return [dict(r) for r in await service.list_extensions(conn)]


@router.put("/admin/cti-extensions/{extension}", response_model=ExtensionOut)
async def set_extension(extension: Extension, body: ExtensionIn, conn: Conn, actor: Admin) -> dict:
    """The PBX may name an agent by this extension (an account has one extension)."""
    async with conn.transaction():
        await service.set_extension(conn, extension=extension, username=body.username.strip(), actor=actor)
    return next(dict(r) for r in await service.list_extensions(conn) if r["extension"] == extension)


@router.delete("/admin/cti-extensions/{extension}", status_code=204)
async def delete_extension(extension: Extension, conn: Conn, _: Admin) -> None:
    async with conn.transaction():
        await service.delete_extension(conn, extension=extension)

