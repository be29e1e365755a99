"""PBX tokens, call events into the call log, transfers, and the call-centre figures per agent.

Services never commit: the router owns the transaction, so an event, its call-log row and the notification
that tells the agent's console land together (NOTIFY is delivered at commit).
"""
from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timezone
from typing import Any

import asyncpg

from hotline.auth.tokens import Principal
from hotline.cti.numbers import caller_key
from hotline.cti.schemas import CtiEventIn
from hotline.infra.errors import Conflict, Forbidden, InvalidField, NotFound
from hotline.text.pii import mask
from hotline.infra.sql import load_queries
from hotline.tickets.service import record_event

Q = load_queries(__file__)
TOKEN_PREFIX = "cti_"
NOTIFY_CHANNEL = "cti_events"
TARGET_NUMBERS = {"110": "110", "119": "119", "120": "120", "12315": "12315"}
TARGET_NAMES = {"110": "110 报警", "119": "119 火警", "120": "120 急救", "12315": "12315 市场监管"}
CALL_TAKING_ROLES = frozenset({"agent", "supervisor", "admin"})


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- tokens -----------------------------------------------------------------------------------------------------

async def create_token(conn: asyncpg.Connection, *, name: str, note: str | None,
                       actor: Principal | None) -> tuple[asyncpg.Record, str]:
    """A new PBX token: its row and the token itself, which is never shown again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = await conn.fetchrow(Q.insert_token, name.strip(), note, _hash_token(token), token[:8],
                              actor.user_id if actor else None)
    if row is None:
        raise Conflict(f"a PBX token named {name!r} exists", fields=[{"field": "name", "reason": "已存在同名令牌"}])
    return row, token


async def list_tokens(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(Q.list_tokens)


async def disable_token(conn: asyncpg.Connection, *, token_id: int, reason: str, actor: Principal | None) -> None:
    if await conn.fetchval(Q.disable_token, token_id, actor.user_id if actor else None, reason) is None:
        if await conn.fetchval(Q.token_exists, token_id) is None:
            raise NotFound(f"PBX token {token_id} not found", field="token_id")
        raise Conflict(f"PBX token {token_id} is already disabled")


async def pbx_for_token(conn: asyncpg.Connection, *, token: str) -> asyncpg.Record | None:
    """The PBX a token belongs to (id, name), or None for an unknown or disabled token."""
    row = await conn.fetchrow(Q.active_token, _hash_token(token))
    if row is not None:
        await conn.execute(Q.touch_token, row["id"])
    return row


# --- extensions -------------------------------------------------------------------------------------------------

async def set_extension(conn: asyncpg.Connection, *, extension: str, username: str, actor: Principal) -> None:
    """Extension `extension` rings `username` (an account has one extension: its earlier one is dropped)."""
    user = await conn.fetchrow(Q.agent_by_name, username)
    if user is None or user["username"] != username:
        raise InvalidField("username", f"no staff account {username!r}")
    if user["role"] not in CALL_TAKING_ROLES:
        raise InvalidField("username", "only agents, supervisors and admins take calls")
    await conn.execute(Q.drop_extension_of_user, user["id"], extension)
    await conn.fetchrow(Q.set_extension, extension, user["id"], actor.user_id)


async def list_extensions(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(Q.list_extensions)


async def delete_extension(conn: asyncpg.Connection, *, extension: str) -> None:
    if await conn.fetchval(Q.delete_extension, extension) is None:
        raise NotFound(f"extension {extension} is not mapped", field="extension")


# --- events -----------------------------------------------------------------------------------------------------

async def _agent(conn: asyncpg.Connection, name: str | None) -> asyncpg.Record | None:
    if name is None:
        return None
    user = await conn.fetchrow(Q.agent_by_name, name.strip())
    if user is None:
        raise InvalidField("agent", "no staff account or mapped extension has this name")
    if not user["active"] or user["role"] not in CALL_TAKING_ROLES:
        raise InvalidField("agent", "this account does not take calls (disabled, or not an agent)")
    return user


def _state(call: Any) -> str:
    if call["ended_at"] is not None:
        return "ended"
    return "answered" if call["answered_at"] is not None else "ringing"


async def record_call_event(conn: asyncpg.Connection, *, pbx_id: int, event: CtiEventIn,
                            area_code: str) -> dict[str, Any]:
    """Bring the call log up to date with one PBX event and queue it for the agent's console. A repeated event
    (the PBX retrying) changes nothing and is not pushed again."""
    at = event.at or datetime.now(timezone.utc)
    agent = await _agent(conn, event.agent)
    from_number = caller_key(event.from_, area_code=area_code)
    channel = event.channel or ("110" if from_number == "110" else "phone")
    call = await conn.fetchrow(
        Q.upsert_call, pbx_id, event.call_id, event.direction, channel, from_number, event.to, event.queue,
        agent["username"] if agent else event.agent, agent["id"] if agent else None, event.kind, at, event.cause)
    # Whose console is told: the agent this event names, else the call's agent (a hangup rarely names one).
    told = agent["id"] if agent else call["agent_user_id"]
    payload = event.model_dump(mode="json", by_alias=True, exclude_none=True)
    inserted = await conn.fetchrow(Q.insert_event, call["id"], event.kind, at, told, payload)
    return {"call_id": event.call_id, "event": event.kind, "state": _state(call), "duplicate": inserted is None,
            "agent": call["agent_username"], "waited_s": _seconds(call["waited_s"]),
            "talked_s": _seconds(call["talked_s"])}


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(max(0.0, value), 1)


# --- the call log -----------------------------------------------------------------------------------------------

def present_call(row: Any, *, viewer: Principal) -> dict[str, Any]:
    """A call-log row for its reader: the caller's number in clear only for the agent who took the call."""
    own = row["agent_user_id"] is not None and row["agent_user_id"] == viewer.user_id
    number = row["from_number"]
    shown, masked = number, False
    if not own and number and number.isdigit() and len(number) >= 7:
        shown, masked = mask("mobile" if number.startswith("1") else "landline", number), True
    state = _state(row)
    if state == "ended" and row["answered_at"] is None:
        state = "missed"
    return {"ref": row["id"], "call_id": row["call_id"], "from": shown, "from_masked": masked, "to": row["to_number"],
            "direction": row["direction"], "channel": row["channel"], "agent": row["agent"], "queue": row["queue"],
            "ringing_at": row["ringing_at"], "answered_at": row["answered_at"], "ended_at": row["ended_at"],
            "end_cause": row["end_cause"], "state": state, "waited_s": _seconds(row["waited_s"]),
            "talked_s": _seconds(row["talked_s"]), "ticket_number": row["ticket_number"],
            "transfers": list(row["transfers"])}


async def call_log(conn: asyncpg.Connection, *, agent: str | None, start: datetime, end: datetime, limit: int,
                   offset: int) -> list[asyncpg.Record]:
    return await conn.fetch(Q.call_log, agent, start, end, limit, offset)


async def call_metrics(conn: asyncpg.Connection, *, start: datetime, end: datetime) -> dict[str, Any]:
    """Answered calls, average wait and talk per agent, transfers and contacts added, and the calls waiting now."""
    totals = await conn.fetchrow(Q.call_totals, start, end)
    now = await conn.fetchrow(Q.calls_now)
    transfers: dict[str, int] = {}
    by_target: dict[str, int] = {}
    for row in await conn.fetch(Q.transfers_by_agent, start, end):
        transfers[row["agent"]] = transfers.get(row["agent"], 0) + row["transfers"]
        by_target[row["target"]] = by_target.get(row["target"], 0) + row["transfers"]
    contacts = {r["agent"]: r["contacts"] for r in await conn.fetch(Q.contacts_by_agent, start, end)}
    agents = {r["agent"]: dict(r) for r in await conn.fetch(Q.agent_metrics, start, end)}
    for name in set(transfers) | set(contacts):
        agents.setdefault(name, {"agent": name, "calls": 0, "answered": 0, "missed": 0, "avg_wait_s": None,
                                 "avg_talk_s": None})
    rows = []
    for name in sorted(agents):
        row = agents[name]
        rows.append({**row, "avg_wait_s": _seconds(row["avg_wait_s"]), "avg_talk_s": _seconds(row["avg_talk_s"]),
                     "transfers": transfers.get(name, 0), "contacts_added": contacts.get(name, 0)})
    return {"period_from": start, "period_to": end, "waiting_now": now["waiting_now"],
            "talking_now": now["talking_now"], "calls": totals["calls"], "answered": totals["answered"],
            "missed": totals["missed"], "avg_wait_s": _seconds(totals["avg_wait_s"]),
            "avg_talk_s": _seconds(totals["avg_talk_s"]), "transfers_by_target": by_target, "agents": rows}


async def agents_call(conn: asyncpg.Connection, *, call_id: str, agent: Principal) -> asyncpg.Record:
    """The call `call_id` this agent took (the last twelve hours), or a 422 naming `call_id`."""
    row = await conn.fetchrow(Q.call_for_agent, call_id, agent.user_id)
    if row is None:
        raise InvalidField("call_id", "no call with this id was taken by you in the last 12 hours")
    return row


async def call_by_ref(conn: asyncpg.Connection, *, ref: int, viewer: Principal) -> asyncpg.Record:
    """A call by its row id, for the agent who took it (or a supervisor or admin)."""
    row = await conn.fetchrow(Q.call_by_ref, ref)
    if row is None:
        raise NotFound(f"call {ref} not found", field="call")
    if viewer.role == "agent" and row["agent_user_id"] != viewer.user_id:
        raise Forbidden("this call was taken by another agent")
    return row


async def link_ticket(conn: asyncpg.Connection, *, call_row_id: int, ticket_id: int) -> None:
    await conn.execute(Q.link_ticket, call_row_id, ticket_id)


async def previous_calls(conn: asyncpg.Connection, *, call: Any, limit: int = 5) -> tuple[list[dict], int]:
    rows = await conn.fetch(Q.previous_calls, call["from_number"], call["id"], limit)
    return [dict(r) for r in rows], await conn.fetchval(Q.count_previous_calls, call["from_number"], call["id"])


# --- transfers --------------------------------------------------------------------------------------------------

async def record_transfer(
    conn: asyncpg.Connection, *, actor: Principal, target: str, target_name: str | None, number_given: str | None,
    reason: str, call_id: str | None, ticket: Any | None,
) -> dict[str, Any]:
    """A caller sent on to 110/119/120/12315 or another hotline: a call_transfers row and, with a ticket, its
    `transfer` event (status unchanged)."""
    if target == "other" and not target_name:
        raise InvalidField("target_name", "name the hotline the caller was sent to")
    if target != "other" and target_name:
        raise InvalidField("target_name", "only for target other")
    number = number_given or TARGET_NUMBERS.get(target)
    if not number:
        raise InvalidField("number_given", "say which number the caller was given")
    call = await agents_call(conn, call_id=call_id, agent=actor) if call_id else None
    row = await conn.fetchrow(Q.insert_transfer, call["id"] if call else None, ticket["id"] if ticket else None,
                              target, target_name, number, reason, actor.user_id)
    if ticket is not None:
        await record_event(conn, ticket_id=ticket["id"], action="transfer", from_status=ticket["status"],
                           to_status=ticket["status"], actor=actor, reason=reason,
                           data={"target": target, "target_name": target_name or TARGET_NAMES[target],
                                 "number_given": number, "call_id": call_id})
        if call is not None:
            await link_ticket(conn, call_row_id=call["id"], ticket_id=ticket["id"])
    return {"id": row["id"], "target": target, "target_name": target_name, "number_given": number,
            "reason": reason, "call_id": call_id, "ticket_number": ticket["ticket_number"] if ticket else None,
            "agent": actor.username, "transferred_at": row["transferred_at"]}


def notify_payload(raw: str) -> dict[str, Any] | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
