"""A citizen's view of their own ticket, found by its number plus the last four digits of their phone.

Only what the citizen may see leaves here: the status, the dates, the reply addressed to them and the
public steps of the timeline; never internal notes, who handled it, or anyone's personal data.
"""
from __future__ import annotations

from typing import Any

import asyncpg

from hotline.infra.sql import load_queries

Q = load_queries(__file__)

STATUS_LABELS = {
    "received": "已受理", "answered": "已答复", "dispatched": "已转办", "accepted": "办理中",
    "returned": "重新分派中", "replied": "已答复", "callback_done": "已回访", "reopened": "重新办理中",
    "closed": "已办结", "merged": "已并入同类诉求办理",
}
# Steps a citizen is shown; internal ones (classification, SLA warnings, extension requests) stay inside.
PUBLIC_STEPS = {
    "receive": "工单已受理", "answer": "已直接答复", "dispatch": "已转交承办单位办理", "sign": "承办单位已签收",
    "return": "退回重新分派", "extension_approved": "办理期限已延长", "deadline_shifted": "相关期限因停工顺延",
    "reply": "承办单位已答复",
    "callback": "已回访", "reopen": "重新办理", "close": "已办结", "merge": "已并入同类诉求办理",
}
# Statuses in which the last reply (or direct answer) is the one that stands.
REPLIED_STATUSES = frozenset({"answered", "replied", "callback_done", "closed"})
REPLY_ACTIONS = frozenset({"answer", "reply"})


async def lookup_ticket(
    conn: asyncpg.Connection, *, ticket_number: str, phone_last4: str,
) -> dict[str, Any] | None:
    """The ticket's public view, or None when the number and the digits do not belong together."""
    ticket = await conn.fetchrow(Q.ticket_for_lookup, ticket_number, phone_last4)
    if ticket is None:
        return None
    events = await conn.fetch(Q.public_events, ticket["id"], list(PUBLIC_STEPS))
    replies = [e["data"].get("content") for e in events if e["action"] in REPLY_ACTIONS and e["data"]]
    reply = replies[-1] if replies and ticket["status"] in REPLIED_STATUSES else None
    return {
        "ticket_number": ticket["ticket_number"], "status": ticket["status"],
        "status_label": STATUS_LABELS[ticket["status"]], "received_at": ticket["received_at"],
        "reply_by": ticket["reply_by"] if ticket["status"] not in REPLIED_STATUSES else None,
        "reply": reply,
        "timeline": [{"action": e["action"], "label": PUBLIC_STEPS[e["action"]], "at": e["created_at"]}
                     for e in events],
    }
