"""The demo city's last month: each demo ticket moves through the real services at the moments a real month would
have (hotline.infra.clock), so the dashboards show what a pilot would: spread deadlines, late signs and replies, real
handling times, warnings and overdue tickets now, callbacks 满意 / 基本满意 / 不满意 or unreached, reviews, 重办,
extensions and 督办单.

Each ticket's path is a generator of (moment, step); all tickets' steps run in time order, and before each step
the SLA timers due by then fire as the worker would fire them (warnings, overdue, automatic 督办单). A step due
after the real now is not taken: the ticket waits there, as it would today. Shares are chosen here (fixed seed,
one random stream per ticket, so the story does not change when another ticket's does)."""
from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import asyncpg

from hotline.infra import clock
from hotline.auth.tokens import Principal
from hotline.callbacks.service import record_callback, reopen_ticket, uphold_appeal
from hotline.callbacks.supervision import answer_order, close_order, escalate_overdue_orders
from hotline.dispatch.service import (
    answer_ticket, classify_ticket, decide_extension, dispatch_ticket, reply_ticket, request_extension,
    return_ticket, sign_ticket,
)
from hotline.seeds.demo_tickets import TEMPLATES
from hotline.seeds.users import DEMO_USERS
from hotline.infra.sql import load_queries
from hotline.timers.service import fire_due_timers
from timelimits.sla import SlaClock

Q = load_queries(__file__)

ANSWERS = "已在电话中告知办理所需材料、地点和时间，并发送了办事指南链接，市民表示清楚。"
REPLIES = [
    "经现场核查，情况属实，已责令整改并安排专人跟踪，整改结果已告知来电人。",
    "已联系来电人了解情况，会同属地街道现场处置，问题已解决，来电人表示认可。",
    "经调查核实，已按相关规定作出处理，并向来电人解释了政策依据和后续办理渠道。",
    "已安排维修人员上门处理，现已恢复正常，后续将加强日常巡查。",
]
COMMENTS = {
    "satisfied": [None, None, "处理很及时，谢谢。", "工作人员态度很好。"],
    "basically_satisfied": [None, "问题解决了，但是等了比较久。", "基本解决，希望以后多巡查。"],
    "unsatisfied": ["问题没有彻底解决，过两天又出现了。", "只是电话回复，没有人来现场看。", "答复内容和实际情况不符。"],
}
RETURN_REASON = "经核实不属于本单位职责范围，属地街道负责，建议转鹿城区处理。"
FALLBACK_DEPARTMENT = "gov-330302"  # 鹿城区人民政府: where a returned ticket goes next
EXTENSION_REASON = "需协调多个部门联合处置，申请延期五个工作日。"
ORDER_ANSWER = "已督促经办人加快办理，明确专人跟踪，将按期答复市民。"
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)

Step = tuple[datetime, str]


class _Story:
    """What the tickets' paths share: the people, the clock, the tally."""

    def __init__(self, conn: asyncpg.Connection, sla: SlaClock, people: dict[str, Principal]):
        self.conn, self.sla, self.people = conn, sla, people
        self.agent, self.supervisor = people["agent"], people["supervisor"]
        self.steps: Counter[str] = Counter()

    async def clock_of(self, number: str) -> asyncpg.Record:
        return await self.conn.fetchrow(Q.demo_ticket_clock, number)


def _between(rng: random.Random, start: datetime, end: datetime, low: float, high: float) -> datetime:
    """A moment at a random share (low..high) of the way from start to end, and never before the story's now."""
    return _later(start + (end - start) * rng.uniform(low, high))


def _later(moment: datetime) -> datetime:
    """A next step is never before the step just taken."""
    return max(moment, clock.now() + 5 * MINUTE)


async def _ticket_path(story: _Story, rng: random.Random, ticket: asyncpg.Record) -> AsyncIterator[Step]:
    """One ticket's month: yields the moment of its next step, and takes the step when resumed."""
    number, conn, agent = ticket["ticket_number"], story.conn, story.agent
    type_, category, urgency, department = ticket["handling"]
    if rng.random() < 0.03:
        return  # still in the agent's queue (a web message nobody has read)
    yield ticket["received_at"] + rng.uniform(2, 25) * MINUTE, "classify"
    await classify_ticket(conn, ticket_number=number, actor=agent, type_=type_, category=category, urgency=urgency)
    if type_ == "consult" and rng.random() < 0.8:
        await answer_ticket(conn, ticket_number=number, actor=agent, content=ANSWERS)
        story.steps["answered"] += 1
        return
    due = await dispatch_ticket(conn, ticket_number=number, actor=agent, department=department, co_departments=[],
                                note=None, sla=story.sla)
    story.steps["dispatched"] += 1
    dispatched_at, office, rounds = clock.now(), story.people[department], 0
    while True:  # one round: sign, maybe an extension, reply, callback; 重办 starts another
        rounds += 1
        lateness = rng.random()
        if lateness < 0.03:  # left unsigned for days (the 督办单 the overdue clock issued is what moves it)
            sign_at = _later(due["sign_by"] + rng.uniform(2, 8) * 24 * HOUR)
        elif lateness < 0.13:
            sign_at = _later(due["sign_by"] + rng.uniform(0.3, 8) * HOUR)
        else:
            sign_at = _between(rng, dispatched_at, due["sign_by"], 0.05, 0.8)
        yield sign_at, "sign"
        if rounds == 1 and office.department_code != FALLBACK_DEPARTMENT and rng.random() < 0.05:
            await return_ticket(conn, ticket_number=number, actor=office, reason=RETURN_REASON)
            story.steps["returned"] += 1
            yield clock.now() + rng.uniform(0.3, 3) * HOUR, "dispatch"
            due = await dispatch_ticket(conn, ticket_number=number, actor=agent, department=FALLBACK_DEPARTMENT,
                                        co_departments=[], note="原单位退回，转属地政府办理", sla=story.sla)
            dispatched_at, office = clock.now(), story.people[FALLBACK_DEPARTMENT]
            continue
        await sign_ticket(conn, ticket_number=number, actor=office)
        story.steps["signed"] += 1
        signed_at, reply_by = clock.now(), due["reply_by"]
        if rng.random() < 0.08:  # 延期: asked in the first days, decided by the supervisor the same day
            yield _between(rng, signed_at, reply_by, 0.1, 0.4), "extension"
            request = await request_extension(conn, ticket_number=number, actor=office, working_days=5,
                                              reason=EXTENSION_REASON)
            story.steps["extension"] += 1
            # decided within three days: those asked for lately still wait on the supervisor's page
            yield clock.now() + rng.uniform(2, 72) * HOUR, "decide_extension"
            approve = rng.random() < 0.8
            await decide_extension(conn, request_id=request["id"], actor=story.supervisor, approve=approve,
                                   note=None if approve else "理由不充分，请按原时限办结。", sla=story.sla)
            story.steps["extension_approved" if approve else "extension_rejected"] += 1
            reply_by = (await story.clock_of(number))["reply_by"]
        lateness = rng.random()
        if lateness < 0.05:  # a hard case: replied days after the limit
            reply_at = _later(reply_by + rng.uniform(3, 12) * 24 * HOUR)
        elif lateness < 0.14:
            reply_at = _later(reply_by + rng.uniform(1, 48) * HOUR)
        else:  # most replies well within the limit, a few near it
            reply_at = _later(signed_at + (reply_by - signed_at) * (0.05 + 0.85 * rng.random() ** 1.7))
        yield reply_at, "reply"
        for order_id in (await story.clock_of(number))["open_orders"] or []:
            await answer_order(conn, order_id=order_id, actor=office, answer=ORDER_ANSWER)  # the 督办单 late work got
            story.steps["orders_answered"] += 1
        await reply_ticket(conn, ticket_number=number, actor=office, content=rng.choice(REPLIES), sla=story.sla)
        story.steps["replied"] += 1
        state = await story.clock_of(number)
        if state["callback_status"] != "due":
            return  # anonymous or no number: not callable, counted apart
        call_at = clock.now() + rng.uniform(1, 30) * HOUR
        outcome = rng.random()
        if outcome < 0.1:  # not reached: two more tries two hours apart, then 无法回访 unless reached meanwhile
            for attempt in range(3):
                yield call_at + attempt * 2 * HOUR, "callback_attempt"
                if attempt == 2 or rng.random() >= 0.3:
                    await record_callback(conn, ticket_number=number, actor=agent, reached=False, resolved=None,
                                          satisfaction=None, comment=None, refused=False)
                    story.steps["callback_unreached"] += 1
                else:
                    break
            else:
                return
            outcome = rng.uniform(0.13, 1)
        else:
            yield call_at, "callback"
        if outcome < 0.13:
            await record_callback(conn, ticket_number=number, actor=agent, reached=True, resolved=None,
                                  satisfaction=None, comment="市民表示不需要回访。", refused=True)
            story.steps["callback_refused"] += 1
            return
        satisfaction = rng.choices(["satisfied", "basically_satisfied", "unsatisfied"], [72, 17, 11])[0]
        resolved = satisfaction != "unsatisfied" and rng.random() < 0.95
        await record_callback(conn, ticket_number=number, actor=agent, reached=True, resolved=resolved,
                              satisfaction=satisfaction, comment=rng.choice(COMMENTS[satisfaction]), refused=False)
        story.steps["called_back"] += 1
        story.steps[satisfaction] += 1
        if satisfaction != "unsatisfied" and resolved:
            return
        yield clock.now() + rng.uniform(2, 20) * HOUR, "review"
        if rounds > 1 or rng.random() < 0.35:
            await uphold_appeal(conn, ticket_number=number, actor=story.supervisor,
                                reason="经核实承办单位已按政策答复，诉求超出政策范围，申诉成立。")
            story.steps["appeal_upheld"] += 1
            return
        await reopen_ticket(conn, ticket_number=number, actor=story.supervisor, reason="市民不满意，问题未解决，请重新办理。",
                            sla=story.sla)
        story.steps["reopened"] += 1
        due = dict(await story.clock_of(number))
        dispatched_at = clock.now()


async def _people(conn: asyncpg.Connection) -> dict[str, Principal]:
    """The demo staff by role or department code: agent01 answers and dispatches, supervisor01 decides."""
    people: dict[str, Principal] = {}
    for row in await conn.fetch(Q.demo_staff, [username for username, *_ in DEMO_USERS]):
        principal = Principal(user_id=row["id"], username=row["username"], role=row["role"],
                              department_code=row["department_code"])
        people.setdefault(row["department_code"] or row["role"], principal)
    return people


async def _catch_up_timers(story: _Story) -> None:
    """What the worker would have done by the story's moment: fire due SLA timers, escalate lapsed 督办单."""
    while await fire_due_timers(story.conn, worker="demo-story", clock=story.sla) >= 200:
        pass
    await escalate_overdue_orders(story.conn, clock=story.sla)


async def play_demo_story(conn: asyncpg.Connection, *, sla: SlaClock, seed: int = 2026) -> dict[str, int]:
    """Move the demo tickets through their month; returns how many took each step. Run once, after they arrive."""
    story = _Story(conn, sla, await _people(conn))
    handling = {template.title: template.handling for template in TEMPLATES}
    queue: list[tuple[datetime, int, str, AsyncIterator[Step]]] = []
    for seq, row in enumerate(await conn.fetch(Q.demo_tickets_waiting)):
        path = _ticket_path(story, random.Random(f"{seed}:{row['ticket_number']}"),
                            {**dict(row), "handling": handling[row["title"]]})
        await _push(queue, seq, path)
    real_now = datetime.now(timezone.utc)
    while queue:
        moment, seq, _, path = heapq.heappop(queue)
        if moment >= real_now:
            continue  # not yet: the ticket waits in its state, as it would today
        async with clock.acting_at(conn, moment):
            await _catch_up_timers(story)
            await _push(queue, seq, path, resume=True)
    await _catch_up_timers(story)  # up to now
    orders = await close_answered_orders(story)
    return {**story.steps, "orders_closed": orders}


async def _push(queue: list, seq: int, path: AsyncIterator[Step], *, resume: bool = False) -> None:
    """Take the path's pending step (when resumed) and queue its next one, if any."""
    try:
        moment, step = await (path.asend(None) if resume else anext(path))
    except StopAsyncIteration:
        return
    heapq.heappush(queue, (moment, seq, step, path))


async def close_answered_orders(story: _Story) -> int:
    """The supervisor reads the answered 督办单 of tickets since replied and closes them (a day after the answer)."""
    closed = 0
    real_now = datetime.now(timezone.utc)
    for order in await story.conn.fetch(Q.demo_answered_orders):
        moment = order["answered_at"] + 20 * HOUR
        if moment >= real_now:
            continue
        async with clock.acting_at(story.conn, moment):
            await close_order(story.conn, order_id=order["id"], actor=story.supervisor, note="已答复市民，督办办结。")
        closed += 1
    return closed
