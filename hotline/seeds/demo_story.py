"""The demo city's working day: the demo tickets move through the real services, so every workspace opens on
work in every state (answered, dispatched, signed, returned, extension asked, replied, called back).

The steps happen at seeding time through the same service calls the API makes, so each has its event,
deadlines, timers and callback; only the share of tickets at each step is chosen here (fixed seed)."""
from __future__ import annotations

import random

import asyncpg

from hotline.auth.tokens import Principal
from hotline.callbacks.service import record_callback
from hotline.dispatch.service import (
    answer_ticket, classify_ticket, dispatch_ticket, reply_ticket, request_extension, return_ticket, sign_ticket,
)
from hotline.seeds.demo_tickets import TEMPLATES
from hotline.sql import load_queries
from routing.sla import SlaClock

Q = load_queries(__file__)

ANSWERS = "已在电话中告知办理所需材料、地点和时间，并发送了办事指南链接，市民表示清楚。"
REPLY = "经现场核查，情况属实，已责令整改并安排专人跟踪，整改结果已告知来电人。"


async def _principals(conn: asyncpg.Connection) -> dict[str, Principal]:
    """The demo staff by role or department code: agent01 answers and dispatches, departments act on theirs."""
    people = {}
    for row in await conn.fetch(Q.demo_staff):
        principal = Principal(user_id=row["id"], username=row["username"], role=row["role"],
                              department_code=row["department_code"])
        people.setdefault(row["department_code"] or row["role"], principal)
    return people


async def play_demo_story(conn: asyncpg.Connection, *, sla: SlaClock, seed: int = 2026) -> dict[str, int]:
    """Move the demo tickets on; returns how many reached each step. Run once, right after they arrive."""
    rng = random.Random(seed)
    people = await _principals(conn)
    agent = people["agent"]
    handling = {template.title: template.handling for template in TEMPLATES}
    steps = dict.fromkeys(("answered", "dispatched", "signed", "returned", "extension", "replied", "called_back"), 0)
    for ticket in await conn.fetch(Q.demo_ticket_titles):
        number = ticket["ticket_number"]
        type_, category, urgency, department = handling[ticket["title"]]
        if rng.random() < 0.15:
            continue  # still waiting for an agent
        await classify_ticket(conn, ticket_number=number, actor=agent, type_=type_, category=category,
                              urgency=urgency)
        if type_ == "consult" and rng.random() < 0.8:
            await answer_ticket(conn, ticket_number=number, actor=agent, content=ANSWERS)
            steps["answered"] += 1
            continue
        await dispatch_ticket(conn, ticket_number=number, actor=agent, department=department, co_departments=[],
                              note=None, sla=sla)
        steps["dispatched"] += 1
        office = people.get(department)
        if office is None or rng.random() < 0.25:
            continue  # departments without a demo account keep their tickets waiting to be signed
        if rng.random() < 0.06:
            await return_ticket(conn, ticket_number=number, actor=office, reason="经核实不属于本单位职责范围，建议转属地街道。")
            steps["returned"] += 1
            continue
        await sign_ticket(conn, ticket_number=number, actor=office)
        steps["signed"] += 1
        chance = rng.random()
        if chance < 0.08:
            await request_extension(conn, ticket_number=number, actor=office, working_days=5,
                                    reason="需协调多个部门联合处置，申请延期五个工作日。")
            steps["extension"] += 1
            continue
        if chance < 0.4:
            continue  # being handled
        await reply_ticket(conn, ticket_number=number, actor=office, content=REPLY, sla=sla)
        steps["replied"] += 1
        if rng.random() < 0.45:
            continue  # the callback is still due
        satisfied = rng.random() < 0.85
        await record_callback(conn, ticket_number=number, actor=agent, reached=True, resolved=satisfied,
                              satisfaction="satisfied" if satisfied else "unsatisfied",
                              comment=None if satisfied else "问题没有彻底解决。", refused=False)
        steps["called_back"] += 1
    return steps
