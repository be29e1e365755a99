"""The console's services: a ticket's intake details, contacts added to an open ticket (催办/补充), quick phrases
and question templates with their edit history, and the pickers' lists.

Services never commit: the router or flow owns the transaction.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import asyncpg
import yaml
from pypinyin import Style, lazy_pinyin

from hotline.auth.tokens import Principal
from hotline.category_templates.schemas import Template, check_answers, describe_answers
from hotline.category_templates.service import template_for
from hotline.city.service import category_exists
from hotline.console.schemas import IntakeDetailsIn
from hotline.cti import service as cti
from hotline.infra.errors import Conflict, InvalidField, InvalidFields, NotFound
from hotline.text.normalise import normalise_text
from hotline.seeds import SEEDS_DIR
from hotline.infra.sql import load_queries
from hotline.tickets.service import record_event
from hotline.tickets.states import OPEN_STATUSES

Q = load_queries(__file__)
PHRASES_SEED = SEEDS_DIR / "quick_phrases.yaml"
CONTACT_ACTIONS = {"urge": "urge", "supplement": "supplement"}
_CITY_PREFIX = "温州市"


# --- what the console filled in for a ticket --------------------------------------------------------------------

async def template_lines(conn: asyncpg.Connection, details: IntakeDetailsIn) -> list[str]:
    """The template answers checked against the category's questions, as the lines a department reads
    ("声源：建筑施工"); a wrong answer (or an unknown category) is a 422 naming its field."""
    if details.category is not None and not await category_exists(conn, details.category):
        raise InvalidField("details.category", f"unknown category {details.category}")
    if not details.template_answers:
        return []
    if not details.category:
        raise InvalidField("details.category", "name the category whose questions were answered")
    template = await template_for(conn, category_path=details.category)
    if template is None:
        raise InvalidField("details.category", "this category has no question template")
    answers = {code: values for code, values in details.template_answers.items() if any(v.strip() for v in values)}
    # The agent asks what the caller can answer: a question left open is not an error here (unlike Open311).
    asked = tuple(q.model_copy(update={"required": False}) for q in template.questions)
    stored, problems = check_answers(asked, answers, field="details.template_answers.{code}")
    if problems:
        raise InvalidFields(problems)
    return describe_answers(template.questions, stored)


async def store_details(conn: asyncpg.Connection, *, ticket: Any, details: IntakeDetailsIn | None,
                        call_id: str | None, actor: Principal | None, channel: str) -> None:
    """In the ticket's own transaction: its call (the call log then names the ticket) and the console's fields."""
    call = None
    if call_id is not None:
        if actor is None:
            raise InvalidField("call_id", "only an agent's ticket comes from a call")
        call = await cti.agents_call(conn, call_id=call_id, agent=actor)
        if call["channel"] == "110" and channel != "110":  # 110转办 is counted and handled as such
            raise InvalidField("channel", "this call was put through by 110: file its ticket on channel 110")
        await cti.link_ticket(conn, call_row_id=call["id"], ticket_id=ticket["id"])
    if details is None and call is None:
        return
    fields = details.fields.model_dump(exclude_none=True) if details else {}
    suggested = details.suggested.model_dump(exclude_none=True) if details else {}
    answers = {"category": details.category, "answers": details.template_answers} \
        if details and details.template_answers else {}
    await conn.execute(Q.insert_details, ticket["id"], call["id"] if call else None, fields, suggested, answers)


async def details_of(conn: asyncpg.Connection, *, ticket_id: int) -> dict[str, Any] | None:
    row = await conn.fetchrow(Q.details_of, ticket_id)
    return dict(row) if row else None


# --- a repeat caller: 催办 / 补充情况 on the open ticket ------------------------------------------------------------

async def add_contact(
    conn: asyncpg.Connection, *, ticket_number: str, kind: str, content: str | None, channel: str,
    external_id: str, call_id: str | None, actor: Principal,
) -> dict[str, Any]:
    """The contact becomes an event of the open ticket (never a second ticket); the same (channel, external_id)
    again adds nothing and answers as the first time did."""
    await conn.execute(Q.contact_lock, channel, external_id)
    existing = await conn.fetchrow(Q.contact_by_key, channel, external_id)
    if existing is not None:
        if existing["ticket_number"] != ticket_number or existing["kind"] != kind:
            raise Conflict(f"contact ({channel}, {external_id}) was already added to ticket "
                           f"{existing['ticket_number']} as {existing['kind']}",
                           key={"channel": channel, "external_id": external_id})
        return {**await _counts(conn, ticket_number), "ticket_number": ticket_number, "kind": kind,
                "status": existing["status"], "created": False}
    ticket = await conn.fetchrow(Q.lock_open_ticket, ticket_number)
    if ticket is None:
        raise NotFound(f"ticket {ticket_number} not found", field="ticket_number")
    if ticket["status"] not in OPEN_STATUSES:
        raise InvalidField("ticket_number", f"ticket {ticket_number} is {ticket['status']}; only an open ticket "
                                            "takes a contact (file a new ticket, or reopen after the callback)")
    if kind == "supplement" and not content:
        raise InvalidField("content", "say what the caller added")
    call = await cti.agents_call(conn, call_id=call_id, agent=actor) if call_id else None
    data = {"channel": channel, "call_id": call_id}
    if content:
        data["content"] = normalise_text(content)
    event = await record_event(conn, ticket_id=ticket["id"], action=CONTACT_ACTIONS[kind],
                               from_status=ticket["status"], to_status=ticket["status"], actor=actor, data=data)
    await conn.execute(Q.insert_contact, ticket["id"], kind, channel, external_id, call["id"] if call else None,
                       event["id"], actor.user_id)
    if call is not None:
        await cti.link_ticket(conn, call_row_id=call["id"], ticket_id=ticket["id"])
    return {**await _counts(conn, ticket_number), "ticket_number": ticket_number, "kind": kind,
            "status": ticket["status"], "created": True}


async def _counts(conn: asyncpg.Connection, ticket_number: str) -> dict[str, int]:
    return dict(await conn.fetchrow(Q.contact_counts, ticket_number))


# --- pickers ----------------------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def initials(name: str) -> str:
    """Pinyin initials as an agent types them: 市住建局 -> szjj (letters and digits kept as they are)."""
    return "".join(part[0] for part in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default") if part).lower()


@lru_cache(maxsize=4096)
def full_pinyin(name: str) -> str:
    return "".join(lazy_pinyin(name, errors="default")).lower()


def picker_entry(department: dict[str, Any]) -> dict[str, Any]:
    """A department with what its picker matches on: name, abbreviation, code, pinyin and its initials (with and
    without the city's prefix, so 市场监管局 is found by scjgj as well as by wzsscjgj)."""
    names = [department["name"], department.get("short_name") or ""]
    bare = department["name"].removeprefix(_CITY_PREFIX)
    keys = sorted({initials(n) for n in [*names, bare] if n})
    return {**department, "initials": keys, "pinyin": full_pinyin(bare)}


async def categories(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(Q.categories)]


# --- quick phrases ----------------------------------------------------------------------------------------------

async def phrases_for(conn: asyncpg.Connection, *, category_path: str | None) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(Q.phrases_for, category_path or "")]


async def all_phrases(conn: asyncpg.Connection, *, include_disabled: bool = False) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(Q.all_phrases, include_disabled)]


async def _check_category(conn: asyncpg.Connection, path: str | None) -> None:
    if path is not None and not await category_exists(conn, path):
        raise InvalidField("category_path", f"unknown category {path}")


def _phrase_json(row: Any) -> dict[str, Any]:
    return {k: row[k] for k in ("category_path", "title", "body", "position", "active")}


async def _history(conn, *, kind: str, item: str, before: Any, after: Any, reason: str | None,
                   actor: Principal | None) -> None:
    await conn.execute(Q.insert_history, kind, item, before, after, reason, actor.user_id if actor else None)


async def create_phrase(conn: asyncpg.Connection, *, category_path: str | None, title: str, body: str,
                        position: int, reason: str | None, actor: Principal) -> dict[str, Any]:
    await _check_category(conn, category_path)
    row = await conn.fetchrow(Q.insert_phrase, category_path, title.strip(), body.strip(), position, actor.user_id)
    await _history(conn, kind="phrase", item=str(row["id"]), before=None, after=_phrase_json(row), reason=reason,
                   actor=actor)
    return dict(row)


async def update_phrase(conn: asyncpg.Connection, *, phrase_id: int, category_path: str | None, title: str,
                        body: str, position: int, reason: str | None, actor: Principal) -> dict[str, Any]:
    before = await conn.fetchrow(Q.phrase_by_id, phrase_id)
    if before is None:
        raise NotFound(f"quick phrase {phrase_id} not found", field="phrase_id")
    await _check_category(conn, category_path)
    row = await conn.fetchrow(Q.update_phrase, phrase_id, category_path, title.strip(), body.strip(), position,
                              actor.user_id)
    await _history(conn, kind="phrase", item=str(phrase_id), before=_phrase_json(before), after=_phrase_json(row),
                   reason=reason, actor=actor)
    return dict(row)


async def disable_phrase(conn: asyncpg.Connection, *, phrase_id: int, reason: str,
                         actor: Principal) -> dict[str, Any]:
    before = await conn.fetchrow(Q.phrase_by_id, phrase_id)
    if before is None:
        raise NotFound(f"quick phrase {phrase_id} not found", field="phrase_id")
    row = await conn.fetchrow(Q.disable_phrase, phrase_id, actor.user_id)
    if row is None:
        raise Conflict(f"quick phrase {phrase_id} is already disabled")
    await _history(conn, kind="phrase", item=str(phrase_id), before=_phrase_json(before), after=_phrase_json(row),
                   reason=reason, actor=actor)
    return dict(row)


async def seed_quick_phrases(conn: asyncpg.Connection, seed_file: Path = PHRASES_SEED) -> int:
    """The demo centre's quick phrases; one already there (same category and title) is left as it is."""
    seeded = 0
    for entry in yaml.safe_load(seed_file.read_text(encoding="utf-8")):
        path = entry.get("category")
        if path is not None and not await category_exists(conn, path):
            raise InvalidField("category", f"{seed_file.name} names an unknown category {path!r}")
        for position, phrase in enumerate(entry["phrases"]):
            if await conn.fetchval(Q.seeded_phrase_exists, path, phrase["title"]) is None:
                await conn.fetchrow(Q.insert_phrase, path, phrase["title"], phrase["body"].strip(), position, None)
                seeded += 1
    return seeded


# --- question templates (supervisors edit what the console and Open311 ask) -------------------------------------

async def templates(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(Q.templates_with_editor)]


async def save_template(conn: asyncpg.Connection, *, category_path: str, questions: list[dict],
                        reason: str | None, actor: Principal) -> Template:
    """Replace a category's questions (checked like the seed file's); the change is kept with who, when, why."""
    if not await category_exists(conn, category_path):
        raise NotFound(f"category {category_path} not found", field="category_path")
    from pydantic import ValidationError

    try:
        template = Template(questions=questions)
    except ValidationError as error:
        raise InvalidFields([{"field": "questions." + ".".join(str(p) for p in e["loc"][1:]) if len(e["loc"]) > 1
                              else "questions", "reason": e["msg"]} for e in error.errors()]) from None
    before = await conn.fetchrow(Q.template_row, category_path)
    stored = [q.model_dump(mode="json", exclude_none=True) for q in template.questions]
    await conn.execute(Q.upsert_template, category_path, stored, actor.user_id)
    await _history(conn, kind="template", item=category_path, before=before["questions"] if before else None,
                   after=stored, reason=reason, actor=actor)
    return template


async def history(conn: asyncpg.Connection, *, kind: str | None, item: str | None) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(Q.history, kind, item)]


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
