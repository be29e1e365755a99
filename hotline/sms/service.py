"""短信发件箱: messages to citizens written in the transaction of what causes them, sent by workers with retries.

Queueing never talks to the gateway, so a reply or a callback never waits for (or fails with) the SMS provider;
a worker claims one due message at a time (FOR UPDATE SKIP LOCKED), hands it to the gateway inside that
transaction and records the outcome, so a worker that dies mid-send leaves the message queued for another.
"""
from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg

from hotline.auth.tokens import SYSTEM, Principal
from hotline.text.pii import mask
from hotline.sms.gateway import GatewayError, OutgoingSms, SmsGateway
from hotline.infra.sql import load_queries
from hotline.tickets.service import record_event

Q = load_queries(__file__)
log = logging.getLogger(__name__)

SIGN = "【温州12345】"  # the signature Chinese carriers require at the head of every message
TEMPLATES = {
    "ticket_received": SIGN + "您反映的问题已受理，工单编号{ticket_number}。可凭工单编号和手机号后四位查询办理进度。",
    "ticket_replied": SIGN + "您的工单{ticket_number}已有办理结果，承办单位已答复。近期我们将回访，请留意来电或短信。",
    "callback_link": SIGN + "您的工单{ticket_number}已办理答复，请点击链接评价办理结果：{link} （{expires}前有效）",
}
MOBILE = re.compile(r"1[3-9]\d{9}")
# A callback link's token answers for the citizen: staff never see it, and it is blanked once the SMS is out.
_LINK_TOKEN = re.compile(r"(/callback/)[A-Za-z0-9_-]+")
LIST_LIMIT = 200
MAX_RETRY_DELAY_S = 3600.0


def is_mobile(phone: str | None) -> bool:
    return bool(phone) and MOBILE.fullmatch(phone) is not None


def blank_link_token(text: str) -> str:
    return _LINK_TOKEN.sub(r"\1******", text)


def retry_delay(attempts: int, base_s: float) -> float:
    """Seconds before the next try after `attempts` failed ones: base, 2×base, 4×base, ... at most an hour."""
    return min(MAX_RETRY_DELAY_S, base_s * 2 ** max(0, attempts - 1))


async def queue_message(
    conn: asyncpg.Connection, *, ticket_id: int | None, template: str, recipient: str, params: dict[str, Any],
    created_by: Principal | None = None,
) -> int:
    """One message in the caller's transaction; the worker sends it. `recipient` must be a mobile number."""
    if not is_mobile(recipient):
        raise ValueError("an SMS goes to a mainland mobile number")
    body = TEMPLATES[template].format(**params)
    row = await conn.fetchrow(Q.insert_message, ticket_id, template, params, recipient, mask("mobile", recipient),
                              body, created_by.user_id if created_by else None)
    return row["id"]


async def queue_received_notice(
    conn: asyncpg.Connection, *, ticket_id: int, ticket_number: str, phone: str | None, anonymous: bool,
) -> int | None:
    """受理 notice with the ticket number, in intake's transaction (from what intake holds: no extra read)."""
    if anonymous or not is_mobile(phone):
        return None
    return await queue_message(conn, ticket_id=ticket_id, template="ticket_received", recipient=phone,
                               params={"ticket_number": ticket_number})


async def queue_ticket_notice(conn: asyncpg.Connection, *, ticket_id: int, template: str) -> int | None:
    """A notice (e.g. 答复) to the ticket's citizen; none for an anonymous caller, a landline or no number."""
    ticket = await conn.fetchrow(Q.ticket_contact, ticket_id)
    if ticket is None or ticket["anonymous"] or not is_mobile(ticket["citizen_phone"]):
        return None
    return await queue_message(conn, ticket_id=ticket_id, template=template, recipient=ticket["citizen_phone"],
                               params={"ticket_number": ticket["ticket_number"]})


async def _link_not_delivered(conn: asyncpg.Connection, *, ticket_id: int, message_id: int) -> None:
    callback_id = await conn.fetchval(Q.end_pending_link, ticket_id)
    if callback_id is not None:
        status = await conn.fetchval(Q.ticket_status, ticket_id)
        await record_event(conn, ticket_id=ticket_id, action="callback_sms_failed", from_status=status,
                           to_status=status, actor=SYSTEM, data={"callback_id": callback_id, "sms_id": message_id})


async def send_next(
    conn: asyncpg.Connection, *, gateway: SmsGateway, max_attempts: int, retry_base_s: float,
) -> str | None:
    """Claim and send one due message in the caller's transaction: "sent", "retry", "failed", or None when
    nothing is due."""
    message = await conn.fetchrow(Q.claim_due_message)
    if message is None:
        return None
    params = dict(message["params"])
    outgoing = OutgoingSms(id=message["id"], to=message["recipient"], text=message["body"],
                           template=message["template"], params=params)
    done_params = {k: blank_link_token(str(v)) for k, v in params.items()}
    try:
        provider_id = await gateway.send(outgoing)
    except GatewayError as error:
        attempts = message["attempts"] + 1
        if not error.retryable or attempts >= max_attempts:
            await conn.execute(Q.mark_failed, message["id"], error.reason[:500], blank_link_token(message["body"]),
                               done_params)
            log.warning("sms %s failed after %d attempts: %s", message["id"], attempts, error.reason)
            if message["template"] == "callback_link" and message["ticket_id"] is not None:
                await _link_not_delivered(conn, ticket_id=message["ticket_id"], message_id=message["id"])
            return "failed"
        await conn.execute(Q.mark_retry, message["id"], error.reason[:500], retry_delay(attempts, retry_base_s))
        return "retry"
    await conn.execute(Q.mark_sent, message["id"], provider_id or None, blank_link_token(message["body"]),
                       done_params)
    return "sent"


async def send_due(
    pool: asyncpg.Pool, *, gateway: SmsGateway, max_attempts: int, retry_base_s: float, batch: int = 50,
) -> int:
    """Send up to `batch` due messages, each in a transaction of its own; returns how many were tried."""
    tried = 0
    while tried < batch:
        async with pool.acquire() as conn, conn.transaction():
            outcome = await send_next(conn, gateway=gateway, max_attempts=max_attempts, retry_base_s=retry_base_s)
        if outcome is None:
            break
        tried += 1
    return tried


async def next_attempt(conn: asyncpg.Connection):
    return await conn.fetchval(Q.next_attempt)


async def list_messages(
    conn: asyncpg.Connection, *, status: str | None, ticket_number: str | None = None,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """What the supervisor sees: masked numbers, and bodies without a callback link's token."""
    rows = await conn.fetch(Q.list_messages, status, ticket_number, LIST_LIMIT)
    counts = {r["status"]: r["n"] for r in await conn.fetch(Q.status_counts)}
    items = [{**dict(r), "body": blank_link_token(r["body"])} for r in rows]
    return items, {s: counts.get(s, 0) for s in ("queued", "sent", "failed")}
