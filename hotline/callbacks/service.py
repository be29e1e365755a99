"""回访: a callback task for every reply, its outcome, the supervisor's review (重办 or 申诉成立), the citizen's link.

Every function runs in the caller's transaction and changes a ticket only through `transition` or
`record_event`, so each outcome lands with its event or not at all.
"""
from __future__ import annotations

import asyncio
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from hotline.infra import clock
from hotline.auth.tokens import Principal, SYSTEM
from hotline.callbacks.supervision import open_order
from hotline.infra.errors import Conflict, InvalidField, NotFound
from hotline.text.pii import mask_text
from hotline.intake.redact import redact
from hotline.infra.sql import load_queries
from hotline.tickets.protection import is_protected, reporter_of
from hotline.tickets.service import record_event, ticket_for_action, transition
from hotline.timers import service as timers
from timelimits.calendar import WorkCalendar
from timelimits.sla import SlaClock

Q = load_queries(__file__)
CALLBACK_WORKING_DAYS = 2  # the callback is due two working days after the reply
MAX_ATTEMPTS = 3  # unreached three times -> not callable (unreachable_after_retries)
RETRY_AFTER = timedelta(hours=2)  # an unreached citizen is called again this much later unless the agent says when
RETRY_HORIZON = timedelta(days=7)  # a retry time further out is a typing error, not a plan
SATISFACTION_WORDS = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}
CLOSING_SATISFACTION = frozenset({"satisfied", "basically_satisfied"})
CALLBACK_KINDS = ["callback_overdue"]
LIST_LIMIT = 500


def _now() -> datetime:
    return clock.now()  # the real time, or the demo story's moment


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def open_callback(conn: asyncpg.Connection, *, ticket_id: int, calendar: WorkCalendar) -> asyncpg.Record:
    """Called in the reply's transaction: the callback task for the reply just recorded.

    A ticket that cannot be called back (anonymous, no number) gets a not_callable task with the reason
    and is closed after its callback step, so it is counted, never left waiting or silently dropped."""
    reply = await conn.fetchrow(Q.latest_reply_event, ticket_id)
    contact = await conn.fetchrow(Q.ticket_contact, ticket_id)
    reason = "anonymous" if contact["anonymous"] else None if contact["has_phone"] else "no_number"
    due_at = calendar.add_working_days(reply["created_at"], CALLBACK_WORKING_DAYS)
    callback = await conn.fetchrow(
        Q.insert_callback, ticket_id, reply["id"], reply["actor_department"], reply["created_at"],
        reply["on_time"], reply["handling_started_at"], due_at, "not_callable" if reason else "due", reason,
    )
    if reason:
        await _close_not_callable(conn, ticket_id=ticket_id, callback_id=callback["id"], reason=reason, actor=SYSTEM)
    else:
        await timers.schedule(conn, ticket_id=ticket_id, due={"callback_overdue": due_at})
    return callback


async def _close_not_callable(
    conn: asyncpg.Connection, *, ticket_id: int, callback_id: int, reason: str, actor: Principal | None,
    comment: str | None = None,
) -> None:
    data = {"callback_id": callback_id, "outcome": "not_callable", "not_callable_reason": reason}
    if comment:  # the citizen's words on refusing; the event keeps only their masked form
        data["comment"] = mask_text(comment)[0]
    await transition(conn, ticket_id=ticket_id, action="callback", actor=actor, data=data)
    await transition(conn, ticket_id=ticket_id, action="close", actor=actor, reason="无法回访", data=data)
    await timers.cancel(conn, ticket_id=ticket_id, kinds=CALLBACK_KINDS)


async def lock_due_callback(conn: asyncpg.Connection, ticket: asyncpg.Record) -> asyncpg.Record:
    callback = await conn.fetchrow(Q.lock_due_callback, ticket["id"])
    if callback is None:
        raise Conflict(f"ticket {ticket['ticket_number']} has no callback due", current_status=ticket["status"],
                       action="callback")
    return callback


async def _record_outcome(
    conn: asyncpg.Connection, *, ticket_id: int, callback_id: int, actor: Principal | None, via: str,
    resolved: bool, satisfaction: str, comment: str | None,
) -> None:
    """The citizen answered: replied -> callback_done, and closed at once when satisfied and resolved."""
    await conn.execute(Q.record_outcome, callback_id, resolved, satisfaction, comment, via,
                       actor.user_id if actor else None)
    # The comment may quote personal data; the event keeps only its masked form.
    data: dict[str, Any] = {"callback_id": callback_id, "outcome": "done", "via": via, "resolved": resolved,
                            "satisfaction": satisfaction, "comment": mask_text(comment)[0] if comment else None}
    await transition(conn, ticket_id=ticket_id, action="callback", actor=actor, data=data)
    await timers.cancel(conn, ticket_id=ticket_id, kinds=CALLBACK_KINDS)
    if resolved and satisfaction in CLOSING_SATISFACTION:
        # The close reason says what the citizen chose: 满意 or 基本满意 are reported apart.
        await transition(conn, ticket_id=ticket_id, action="close", actor=actor,
                         reason=f"回访{SATISFACTION_WORDS[satisfaction]}，已解决", data={"callback_id": callback_id})


def default_retry_at(now: datetime, due_at: datetime) -> datetime:
    """Two hours on, or the callback's deadline when that comes sooner and is still ahead."""
    later = now + RETRY_AFTER
    return due_at if now < due_at < later else later


def _check_retry_at(retry_at: datetime, now: datetime) -> None:
    if retry_at.tzinfo is None:
        raise InvalidField("retry_at", "must carry a time zone")
    if retry_at <= now:
        raise InvalidField("retry_at", "must be later than now")
    if retry_at > now + RETRY_HORIZON:
        raise InvalidField("retry_at", "must be within 7 days")


async def record_callback(
    conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, reached: bool, resolved: bool | None,
    satisfaction: str | None, comment: str | None, refused: bool, retry_at: datetime | None = None,
) -> None:
    """An agent's call: not reached counts an attempt (the third makes the callback not callable, else the next
    call is set for `retry_at`); reached records the outcome or the citizen's refusal (拒绝回访)."""
    now = _now()
    if not reached and retry_at is not None:
        _check_retry_at(retry_at, now)
    if reached and not refused:
        if resolved is None:
            raise InvalidField("resolved", "required when reached is true")
        if satisfaction is None:
            raise InvalidField("satisfaction", "required when reached is true")
    ticket = await ticket_for_action(conn, ticket_number)
    callback = await lock_due_callback(conn, ticket)
    if not reached:
        attempts = await conn.fetchval(Q.count_attempt, callback["id"])
        if attempts >= MAX_ATTEMPTS:
            await conn.execute(Q.mark_not_callable, callback["id"], "unreachable_after_retries", False, actor.user_id,
                               None)
            await _close_not_callable(conn, ticket_id=ticket["id"], callback_id=callback["id"],
                                      reason="unreachable_after_retries", actor=actor)
        else:
            retry_at = retry_at or default_retry_at(now, callback["due_at"])
            await conn.execute(Q.set_retry_at, callback["id"], retry_at)
            await record_event(conn, ticket_id=ticket["id"], action="callback_attempt", from_status=ticket["status"],
                               to_status=ticket["status"], actor=actor,
                               data={"callback_id": callback["id"], "attempt": attempts, "reached": False,
                                     "retry_at": retry_at.isoformat()})
        return
    if refused:
        await conn.execute(Q.mark_not_callable, callback["id"], "refused", True, actor.user_id, comment)
        await _close_not_callable(conn, ticket_id=ticket["id"], callback_id=callback["id"], reason="refused",
                                  actor=actor, comment=comment)
        return
    await _record_outcome(conn, ticket_id=ticket["id"], callback_id=callback["id"], actor=actor, via="phone",
                          resolved=resolved, satisfaction=satisfaction, comment=comment)


async def issue_link(conn: asyncpg.Connection, *, ticket_number: str, actor: Principal) -> tuple[str, datetime]:
    """A fresh one-time token for the citizen's link (SMS / app); only its hash is kept, an older link dies."""
    ticket = await ticket_for_action(conn, ticket_number)
    callback = await lock_due_callback(conn, ticket)
    token = secrets.token_urlsafe(24)
    await conn.execute(Q.set_token, callback["id"], token_hash(token))
    await record_event(conn, ticket_id=ticket["id"], action="callback_link_issued", from_status=ticket["status"],
                       to_status=ticket["status"], actor=actor, data={"callback_id": callback["id"]})
    return token, callback["due_at"]


async def public_callback(conn: asyncpg.Connection, *, token: str) -> asyncpg.Record:
    callback = await conn.fetchrow(Q.callback_by_token, token_hash(token))
    if callback is None:
        raise NotFound("this callback link is not valid")
    expires = callback["link_expires_at"]
    if expires is not None and expires <= _now() and callback["token_used_at"] is None:
        raise NotFound("this callback link has expired")
    return callback


async def answer_public_callback(
    conn: asyncpg.Connection, *, token: str, resolved: bool, satisfaction: str, comment: str | None,
) -> asyncpg.Record:
    """The citizen answers through the link, once; a used link or a callback already done is refused."""
    callback = await public_callback(conn, token=token)
    locked = await conn.fetchrow(Q.lock_due_callback, callback["ticket_id"])
    if callback["token_used_at"] is not None or locked is None or locked["id"] != callback["id"]:
        raise Conflict("this callback has already been answered; thank you")
    await _record_outcome(conn, ticket_id=callback["ticket_id"], callback_id=callback["id"], actor=None, via="link",
                          resolved=resolved, satisfaction=satisfaction, comment=comment)
    return callback


async def _reviewable(conn: asyncpg.Connection, ticket: asyncpg.Record) -> asyncpg.Record:
    callback = await conn.fetchrow(Q.lock_latest_callback, ticket["id"])
    if callback is None or callback["status"] != "done" or callback["review"] is not None:
        raise Conflict(f"ticket {ticket['ticket_number']} has no answered callback awaiting review",
                       current_status=ticket["status"])
    return callback


async def reopen_ticket(
    conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, reason: str, sla: SlaClock,
) -> None:
    """重办: back to the lead department with new deadlines; it must sign again, and a 督办单 is issued."""
    ticket = await ticket_for_action(conn, ticket_number)
    callback = await _reviewable(conn, ticket)
    due = sla.deadlines(_now(), ticket["type"], ticket["urgency"])
    # The round's old deadlines go into the event: the metrics judge earlier signs against them.
    await transition(conn, ticket_id=ticket["id"], action="reopen", actor=actor, reason=reason, data={
        "callback_id": callback["id"], "department": ticket["lead_department"],
        "sign_by": due["sign_by"].isoformat(), "reply_by": due["reply_by"].isoformat(),
        "sign_by_before": ticket["sign_by"].isoformat() if ticket["sign_by"] else None,
        "reply_by_before": ticket["reply_by"].isoformat() if ticket["reply_by"] else None,
    })
    await conn.execute(Q.set_review, callback["id"], "reopened")
    await conn.execute(Q.set_deadlines, ticket["id"], due["sign_by"], due["reply_by"])
    await timers.cancel(conn, ticket_id=ticket["id"], kinds=timers.SIGN_KINDS + timers.REPLY_KINDS)
    await timers.schedule(conn, ticket_id=ticket["id"], due={
        "sign_warning": due["warn_sign_at"], "sign_overdue": due["sign_by"],
        "reply_warning": due["warn_reply_at"], "reply_overdue": due["reply_by"],
    })
    if ticket["lead_department"]:
        await open_order(conn, ticket_id=ticket["id"], ticket_status="reopened", department=ticket["lead_department"],
                         cause="unsatisfied", note=reason, actor=actor, clock=sla)


async def uphold_appeal(conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, reason: str) -> None:
    """申诉成立: the department's appeal against the citizen's verdict is accepted and the ticket closes."""
    ticket = await ticket_for_action(conn, ticket_number)
    callback = await _reviewable(conn, ticket)
    await transition(conn, ticket_id=ticket["id"], action="close", actor=actor, reason=reason,
                     data={"callback_id": callback["id"], "appeal_upheld": True})
    await conn.execute(Q.set_review, callback["id"], "appeal_upheld")


async def list_callbacks(
    conn: asyncpg.Connection, *, viewer: Principal, status: str | None,
) -> list[dict[str, Any]]:
    """The callbacks the viewer may see; a department reads a protected ticket's (举报, confidential) comment
    redacted like the ticket's text (every reader gets it masked: see present_callback)."""
    department = viewer.department_code if viewer.role == "department" else None
    rows = [dict(r) for r in await conn.fetch(Q.list_callbacks, status, department, LIST_LIMIT)]
    protected = [r for r in rows if department and r["comment"] and is_protected(r)]
    if protected:
        comments = await asyncio.to_thread(lambda: [redact(r["comment"], reporter_of(r)) for r in protected])
        for row, comment in zip(protected, comments):
            row["comment"] = comment
    return rows


async def callback_of(conn: asyncpg.Connection, *, ticket_number: str) -> asyncpg.Record:
    """The ticket's latest callback as the list shows it."""
    row = await conn.fetchrow(Q.latest_callback_view, ticket_number)
    if row is None:
        raise NotFound(f"ticket {ticket_number} has no callback", field="ticket_number")
    return row
