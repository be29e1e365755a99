"""The callback desk (回访工作台): due callbacks in the desk's lists, one callback with its request and reply, the
number revealed for the call (logged), and the one-time link sent by SMS instead of a call."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from hotline.infra import clock
from hotline.audit.service import log_access
from hotline.auth.tokens import Principal
from hotline.callbacks.service import default_retry_at, lock_due_callback, token_hash
from hotline.infra.errors import InvalidField, NotFound
from hotline.text.pii import mask, mask_text
from hotline.sms import service as sms
from hotline.infra.sql import load_queries
from hotline.tickets.service import record_event, ticket_for_action

Q = load_queries(__file__, "desk.sql")
LISTS = ("due", "overdue", "retry", "sms")
LIST_LIMIT = 500
LINK_VALID = timedelta(hours=24)  # an unanswered SMS link puts the callback back on the phone list after this
REVEAL_REASON = "回访"
CHINA = ZoneInfo("Asia/Shanghai")


def _now() -> datetime:
    return clock.now()  # the real time, or the demo story's moment


def _masked_text(text: str | None) -> str | None:
    return mask_text(text)[0] if text else text


def _phone_kind(phone: str | None) -> str | None:
    if not phone:
        return None
    return "mobile" if phone.startswith("1") else "landline"


async def desk_list(conn: asyncpg.Connection, *, list_name: str) -> dict[str, Any]:
    """One list's callbacks by deadline, and how many each list holds."""
    counts = {r["list"]: r["n"] for r in await conn.fetch(Q.desk_counts)}
    rows = await conn.fetch(Q.desk_items, list_name, LIST_LIMIT)
    items = [{**dict(r), "title": _masked_text(r["title"])} for r in rows]
    return {"list": list_name, "counts": {name: counts.get(name, 0) for name in LISTS}, "items": items}


async def desk_detail(conn: asyncpg.Connection, *, ticket_number: str) -> dict[str, Any]:
    """The request, the department's reply and the callback, with the citizen's data masked."""
    ticket = await conn.fetchrow(Q.desk_ticket, ticket_number)
    if ticket is None:
        raise NotFound(f"ticket {ticket_number} not found", field="ticket_number")
    callback = await conn.fetchrow(Q.desk_callback, ticket["id"])
    if callback is None:
        raise NotFound(f"ticket {ticket_number} has no callback", field="ticket_number")
    phone = ticket["citizen_phone"]
    attempts = await conn.fetch(Q.desk_attempts, ticket["id"], callback["id"])
    now = _now()
    return {
        "ticket_number": ticket["ticket_number"], "ticket_status": ticket["status"], "type": ticket["type"],
        "channel": ticket["channel"], "category": ticket["category_path"], "title": _masked_text(ticket["title"]),
        "content": ticket["content_masked"], "lead_department": ticket["lead_department"],
        "received_at": ticket["received_at"], "anonymous": ticket["anonymous"],
        "confidential": ticket["confidential"],
        "citizen_name": mask("name", ticket["citizen_name"]) if ticket["citizen_name"] else None,
        "phone_masked": mask(_phone_kind(phone), phone) if phone else None,
        "phone_kind": _phone_kind(phone),
        "reply": _masked_text(callback["reply"]), "replied_at": callback["replied_at"],
        "department_code": callback["department_code"],
        "callback": {**{k: v for k, v in dict(callback).items() if k != "reply"},
                     "comment": _masked_text(callback["comment"])},
        "attempts": [dict(a) for a in attempts],
        "default_retry_at": default_retry_at(now, callback["due_at"]) if callback["status"] == "due" else None,
    }


async def reveal_for_call(conn: asyncpg.Connection, *, ticket_number: str, actor: Principal) -> dict[str, Any]:
    """The citizen's number for the callback call; the access row (reason 回访) is written before it is shown."""
    ticket = await ticket_for_action(conn, ticket_number)
    await lock_due_callback(conn, ticket)
    phone = (await conn.fetchrow(Q.desk_ticket, ticket_number))["citizen_phone"]
    if not phone:
        raise InvalidField("citizen.phone", "the ticket has no phone number")
    logged = await log_access(conn, ticket_id=ticket["id"], viewer=actor, kind="reveal", reason=REVEAL_REASON)
    return {"ticket_number": ticket_number, "phone": phone, "revealed_at": logged["accessed_at"]}


async def send_link_by_sms(
    conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, site_url: str,
) -> dict[str, Any]:
    """「改发短信回访」: a fresh one-time link queued as an SMS; the callback leaves the phone lists until the link
    is answered or expires (or the SMS cannot be delivered). An older link dies."""
    ticket = await ticket_for_action(conn, ticket_number)
    callback = await lock_due_callback(conn, ticket)
    contact = await conn.fetchrow(Q.desk_ticket, ticket_number)
    if not sms.is_mobile(contact["citizen_phone"]):
        raise InvalidField("citizen.phone", "only a mobile number can receive an SMS")
    token = secrets.token_urlsafe(24)
    expires_at = _now() + LINK_VALID
    await conn.execute(Q.set_link, callback["id"], token_hash(token), expires_at)
    link = site_url.rstrip("/") + "/callback/" + token
    expires_text = expires_at.astimezone(CHINA).strftime("%m月%d日%H:%M")
    sms_id = await sms.queue_message(
        conn, ticket_id=ticket["id"], template="callback_link", recipient=contact["citizen_phone"],
        params={"ticket_number": ticket_number, "link": link, "expires": expires_text}, created_by=actor)
    await record_event(conn, ticket_id=ticket["id"], action="callback_link_issued", from_status=ticket["status"],
                       to_status=ticket["status"], actor=actor,
                       data={"callback_id": callback["id"], "via": "sms", "sms_id": sms_id,
                             "expires_at": expires_at.isoformat()})
    return {"ticket_number": ticket_number, "sms_id": sms_id, "link_expires_at": expires_at}
