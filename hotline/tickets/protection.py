"""Reporter protection on the ticket: which tickets are protected, their stored department copy (the redacted title,
text and address), and the agent's reviewed correction of it.

Protected: every 举报 (type report), any ticket whose citizen asked for confidentiality, and a ticket that was
protected while a department held it (a later change of type keeps it protected). A department reads and
searches only the stored copy of a protected ticket; it is computed when the ticket is (or becomes) protected,
at the latest at dispatch, and never recomputed over an agent's correction.
"""
from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from hotline.auth.tokens import Principal
from hotline.infra.errors import InvalidFields, NotFound
from hotline.intake.redact import Reporter, leaks, redact
from hotline.infra.sql import load_queries
from hotline.tickets.service import record_event

Q = load_queries(__file__, "protection.sql")
PROTECTED_NOTICE = "（举报人信息已保护）"
LEAK_REASONS = {
    "name": "contains the reporter's name", "mobile": "contains a phone number", "landline": "contains a phone number",
    "id_number": "contains an ID number", "bank_card": "contains a bank card number", "email": "contains an e-mail address",
    "wechat": "contains a WeChat id", "qq": "contains a QQ number", "plate": "contains a licence plate",
    "number": "contains a long number",
}


def is_protected(ticket: Any) -> bool:
    return ticket["type"] == "report" or bool(ticket["confidential"]) or bool(ticket["protection_kept"])


def reporter_of(ticket: Any) -> Reporter:
    return Reporter(name=ticket["citizen_name"], phone=ticket["citizen_phone"], id_number=ticket["citizen_id_number"])


def redacted_copy(*, title: str | None, content: str, address: str | None, reporter: Reporter) -> dict[str, Any]:
    """The department's copy of a ticket's free text (CPU work: call it off the event loop)."""
    return {"title": redact(title, reporter), "content": redact(content, reporter),
            "address": redact(address, reporter)}


def department_text(ticket: Any) -> dict[str, Any]:
    """What a department reads of a protected ticket: the stored copy; a row stored before its copy was computed
    is redacted now rather than shown (it is never the original)."""
    if ticket["content_redacted"] is not None:
        return {"title": ticket["title_redacted"], "content": ticket["content_redacted"],
                "address": ticket["address_redacted"]}
    return redacted_copy(title=ticket["title"], content=ticket["content"], address=ticket["address"],
                         reporter=reporter_of(ticket))


async def store_copy(conn: asyncpg.Connection, *, ticket_id: int, copy: dict[str, Any]) -> None:
    await conn.execute(Q.store_redacted, ticket_id, copy["title"], copy["content"], copy["address"])


async def ensure_redacted(conn: asyncpg.Connection, *, ticket_id: int) -> None:
    """Store the department copy of a protected ticket that has none yet (classification as 举报, dispatch)."""
    ticket = await conn.fetchrow(Q.ticket_text, ticket_id)
    if ticket is None or not is_protected(ticket) or ticket["content_redacted"] is not None:
        return
    copy = await asyncio.to_thread(redacted_copy, title=ticket["title"], content=ticket["content"],
                                   address=ticket["address"], reporter=reporter_of(ticket))
    await conn.execute(Q.store_redacted, ticket_id, copy["title"], copy["content"], copy["address"])


async def keep_protection_after_type_change(conn: asyncpg.Connection, *, ticket_id: int) -> None:
    """A ticket a department held while protected stays protected when its type moves away from 举报."""
    await conn.execute(Q.keep_protection, ticket_id)


async def review_copy(conn: asyncpg.Connection, *, ticket_number: str) -> dict[str, Any]:
    """The agent's view before dispatch: whether the ticket is protected and what the department will read."""
    ticket = await conn.fetchrow(Q.ticket_text_by_number, ticket_number)
    if ticket is None:
        raise NotFound(f"ticket {ticket_number} not found", field="ticket_number")
    protected = is_protected(ticket)
    if not protected:
        return {"ticket_number": ticket_number, "protected": False, "title": None, "content": None, "address": None,
                "edited_by": None, "edited_at": None}
    copy = department_text(ticket)
    return {"ticket_number": ticket_number, "protected": True, **copy, "edited_by": ticket["edited_by"],
            "edited_at": ticket["edited_at"]}


async def correct_copy(
    conn: asyncpg.Connection, *, ticket_number: str, actor: Principal, title: str | None, content: str,
    address: str | None,
) -> None:
    """An agent's correction of the department copy, kept with its event (who, when; never the text). The copy
    must still hide what the rule hides: no contact or identity number, not the reporter's name."""
    ticket = await conn.fetchrow(Q.lock_ticket_text, ticket_number)
    if ticket is None:
        raise NotFound(f"ticket {ticket_number} not found", field="ticket_number")
    if not is_protected(ticket):
        raise InvalidFields([{"field": "ticket_number",
                              "reason": "only a protected ticket (举报 or confidential) has a department copy"}])
    reporter = reporter_of(ticket)
    problems = [{"field": field, "reason": LEAK_REASONS[kind]}
                for field, value in (("title", title), ("content", content), ("address", address)) if value
                for kind in leaks(value, reporter)]
    if problems:
        raise InvalidFields(problems)
    before = department_text(ticket)
    changed = [f for f, v in (("title", title), ("content", content), ("address", address)) if before[f] != v]
    await conn.execute(Q.store_redacted, ticket["id"], title, content, address)
    await record_event(conn, ticket_id=ticket["id"], action="redaction_corrected", from_status=ticket["status"],
                       to_status=ticket["status"], actor=actor, data={"fields": changed})
