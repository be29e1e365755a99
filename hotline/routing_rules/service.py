"""Routing rules in the database: seeded from the duty list file, edited by supervisors, every change in history.

Each change writes one `routing_rule_history` row in the caller's transaction; the history's highest id is the
rules' version, which every process compares before routing (see live_router.py).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import asyncpg

from hotline.auth.tokens import Principal
from hotline.city import service as city
from hotline.infra.errors import Conflict, InvalidFields, NotFound
from hotline.infra.sql import load_queries
from hotline.seeds import DUTY_LIST
from routing.router import compile_pattern, load_rules

Q = load_queries(__file__)
RuleKind = Literal["duty", "keyword"]


def public_rule(kind: RuleKind, row: asyncpg.Record | dict) -> dict[str, Any]:
    """A rule as the API shows it and as its history keeps it (department codes, not table columns)."""
    common = {"id": row["id"], "department": row["department_code"], "level": row["level"], "active": row["active"]}
    if kind == "duty":
        return {**common, "category": row["category_path"], "matter_prefix": row["matter_prefix"]}
    return {**common, "keywords": list(row["keywords"]), "pattern": row["pattern"], "priority": row["priority"],
            "districts": list(row["district_codes"])}


def _columns(kind: RuleKind, rule: dict[str, Any]) -> tuple:
    if kind == "duty":
        return rule.get("category"), rule.get("matter_prefix"), rule["department"], rule.get("level", "city")
    return (list(rule.get("keywords") or []), rule.get("pattern"), rule["department"], rule.get("level", "city"),
            int(rule.get("priority", 100)), list(rule.get("districts") or []))


async def _problems(conn: asyncpg.Connection, kind: RuleKind, rule: dict[str, Any]) -> list[dict[str, str]]:
    """Every domain problem of a rule at once, each naming its field."""
    problems = []
    if not await city.department_exists(conn, rule["department"]):
        problems.append({"field": "department", "reason": f"unknown department code {rule['department']!r}"})
    if kind == "duty":
        if (rule.get("category") is None) == (rule.get("matter_prefix") is None):
            problems.append({"field": "category", "reason": "give either a category path or a matter_prefix"})
        elif rule.get("category") and not await city.category_exists(conn, rule["category"].strip("/")):
            problems.append({"field": "category", "reason": f"unknown category {rule['category']!r}"})
        return problems
    if not rule.get("keywords") and not rule.get("pattern"):
        problems.append({"field": "keywords", "reason": "give at least one keyword or a pattern"})
    if rule.get("pattern"):
        try:
            compile_pattern(rule["pattern"])
        except ValueError as error:
            problems.append({"field": "pattern", "reason": str(error)})
    unknown = [r["code"] for r in await conn.fetch(Q.unknown_districts, list(rule.get("districts") or []))]
    if unknown:
        problems.append({"field": "districts", "reason": f"unknown district codes {unknown}"})
    return problems


async def _write(conn: asyncpg.Connection, kind: RuleKind, query: str, *args) -> asyncpg.Record | None:
    try:
        async with conn.transaction():  # savepoint: a second active rule for one category is refused by an index
            return await conn.fetchrow(query, *args)
    except asyncpg.UniqueViolationError:
        field = "category" if kind == "duty" else "keywords"
        raise Conflict("an active duty rule already covers this category or matter; update or disable it",
                       field=field) from None


async def _record(conn: asyncpg.Connection, kind: RuleKind, row, action: str, *, before: dict | None,
                  actor: Principal | None, reason: str | None) -> dict[str, Any]:
    after = public_rule(kind, row)
    await conn.execute(Q.insert_history, kind, row["id"], action, before, after, reason,
                       actor.user_id if actor else None)
    return {**after, "updated_at": row["updated_at"]}


async def _locked_rule(conn: asyncpg.Connection, kind: RuleKind, rule_id: int) -> asyncpg.Record:
    row = await conn.fetchrow(Q.duty_rule_for_update if kind == "duty" else Q.keyword_rule_for_update, rule_id)
    if row is None:
        raise NotFound(f"{kind} rule {rule_id} not found", field="rule_id")
    return row


def _normalised(kind: RuleKind, rule: dict[str, Any]) -> dict[str, Any]:
    if kind == "duty" and rule.get("category"):
        return {**rule, "category": rule["category"].strip("/")}
    if kind == "keyword":
        return {**rule, "keywords": list(dict.fromkeys(k.strip() for k in rule.get("keywords") or []))}
    return rule


async def create_rule(conn: asyncpg.Connection, *, kind: RuleKind, rule: dict[str, Any], actor: Principal,
                      reason: str | None) -> dict[str, Any]:
    rule = _normalised(kind, rule)
    if problems := await _problems(conn, kind, rule):
        raise InvalidFields(problems)
    await conn.execute(Q.lock_rules)
    insert = Q.insert_duty_rule if kind == "duty" else Q.insert_keyword_rule
    row = await _write(conn, kind, insert, *_columns(kind, rule), None)
    return await _record(conn, kind, row, "create", before=None, actor=actor, reason=reason)


async def update_rule(conn: asyncpg.Connection, *, kind: RuleKind, rule_id: int, rule: dict[str, Any],
                      actor: Principal, reason: str | None) -> dict[str, Any]:
    rule = _normalised(kind, rule)
    problems = await _problems(conn, kind, rule)
    if not reason:
        problems.append({"field": "reason", "reason": "say why the rule changes; it is kept in the history"})
    if problems:
        raise InvalidFields(problems)
    await conn.execute(Q.lock_rules)
    current = await _locked_rule(conn, kind, rule_id)
    if not current["active"]:
        raise Conflict(f"{kind} rule {rule_id} is disabled; create a new rule instead", field="rule_id")
    update = Q.update_duty_rule if kind == "duty" else Q.update_keyword_rule
    row = await _write(conn, kind, update, rule_id, *_columns(kind, rule))
    return await _record(conn, kind, row, "update", before=public_rule(kind, current), actor=actor, reason=reason)


async def disable_rule(conn: asyncpg.Connection, *, kind: RuleKind, rule_id: int, actor: Principal,
                       reason: str) -> dict[str, Any]:
    await conn.execute(Q.lock_rules)
    current = await _locked_rule(conn, kind, rule_id)
    if not current["active"]:
        raise Conflict(f"{kind} rule {rule_id} is already disabled", field="rule_id")
    row = await conn.fetchrow(Q.disable_duty_rule if kind == "duty" else Q.disable_keyword_rule, rule_id)
    return await _record(conn, kind, row, "disable", before=public_rule(kind, current), actor=actor, reason=reason)


async def list_rules(conn: asyncpg.Connection, *, kind: RuleKind, active: bool | None,
                     department: str | None) -> list[dict[str, Any]]:
    rows = await conn.fetch(Q.list_duty_rules if kind == "duty" else Q.list_keyword_rules, active, department)
    return [{**public_rule(kind, r), "updated_at": r["updated_at"]} for r in rows]


async def rule_history(conn: asyncpg.Connection, *, kind: RuleKind, rule_id: int) -> list[dict[str, Any]]:
    rows = await conn.fetch(Q.rule_history, kind, rule_id)
    if not rows:
        raise NotFound(f"{kind} rule {rule_id} not found", field="rule_id")
    return [dict(r) for r in rows]


async def rules_version(conn: asyncpg.Connection) -> int:
    return await conn.fetchval(Q.rules_version)


async def router_rules(conn: asyncpg.Connection) -> dict[str, list[dict[str, Any]]]:
    """The active rules as the keyword arguments of `routing.router.Router`."""
    duties, matters = [], []
    for r in await conn.fetch(Q.active_duty_rules):
        target = {"department": r["department_code"], "level": r["level"]}
        if r["category_path"] is not None:
            duties.append({"category": r["category_path"], **target})
        else:
            matters.append({"prefix": r["matter_prefix"], **target})
    keyword_rules = [{"keywords": list(r["keywords"]), "pattern": r["pattern"], "department": r["department_code"],
                      "level": r["level"], "priority": r["priority"], "districts": list(r["district_codes"])}
                     for r in await conn.fetch(Q.active_keyword_rules)]
    return {"duties": duties, "matters": matters, "keyword_rules": keyword_rules}


async def seed_routing_rules(conn: asyncpg.Connection, path: Path = DUTY_LIST) -> dict[str, int]:
    """Load the duty list file's rules that are not in the tables yet; edits and disabled seeds stay as they are."""
    await conn.execute(Q.lock_rules)
    seeded = load_rules(path)
    taken = {("duty", r["category_path"] or r["matter_prefix"]) for r in await conn.fetch(Q.active_duty_rules)}
    added = {"duty": 0, "keyword": 0}
    rows: list[tuple[RuleKind, str, tuple]] = []
    for duty in seeded["duties"]:
        category = duty["category"].strip("/")
        if ("duty", category) not in taken:  # a supervisor already placed this category
            rows.append(("duty", f"category:{category}", _columns("duty", {**duty, "category": category})))
    for matter in seeded["matters"]:
        if ("duty", matter["prefix"]) not in taken:
            rows.append(("duty", f"matter:{matter['prefix']}",
                         _columns("duty", {**matter, "matter_prefix": matter["prefix"]})))
    for rule in seeded["keyword_rules"]:
        key = f"keyword:{rule['department']}:{'|'.join(rule.get('keywords') or [])}:{rule.get('pattern') or ''}"
        rows.append(("keyword", key, _columns("keyword", rule)))
    for kind, key, columns in rows:
        row = await conn.fetchrow(Q.insert_duty_rule if kind == "duty" else Q.insert_keyword_rule, *columns, key)
        if row is not None:  # None: seeded before (maybe edited or disabled since)
            await _record(conn, kind, row, "seed", before=None, actor=None, reason=f"seed {Path(path).name}")
            added[kind] += 1
    return added


async def ensure_seeded(conn: asyncpg.Connection) -> dict[str, int] | None:
    """Seed the rules into a database that never had any (e.g. one migrated but not yet `hotline seed`-ed)."""
    if await rules_version(conn):
        return None
    return await seed_routing_rules(conn)
