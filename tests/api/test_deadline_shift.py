"""时限顺延: a day declared off after tickets were dispatched is given back to their running clocks by a supervisor,
once, with the timers and the timeline in step, and a sign between the old and the new deadline counts as on time."""
import asyncio
import uuid
from datetime import date, datetime, time, timedelta

from hotline.timers.service import fire_due_timers
from timelimits.calendar import WorkCalendar
from tests.api.test_calendar_days import ZONE, first_workday_after, set_day
from tests.api.test_callbacks import replied_ticket
from tests.api.test_metrics import clean_api  # noqa: F401  (a fixture: a client on a database of its own)

DAYS = "/api/v1/calendar/days"
TEN_DAYS = 10 * 420  # a complaint's reply limit in working minutes
TWO_HOURS = 120  # every normal ticket's sign limit
SECOND = timedelta(seconds=1)  # a deadline is computed a few milliseconds after its dispatch event is written


async def new_ticket(api, tokens, *steps: tuple[str, str, dict | None], urgency: str = "normal") -> str:
    created = await api.post("/api/v1/submissions", headers=tokens["agent"], json={
        "channel": "phone", "external_id": str(uuid.uuid4()),
        "content": "鹿城区五马街道解放街路面塌陷，请尽快修复。", "citizen": {"name": "赵六", "phone": "13812345678"},
        "address": "温州市鹿城区五马街道"})
    assert created.status_code == 201, created.text
    number = created.json()["ticket_number"]
    for action, user, body in [
        ("classification", "agent", {"type": "complaint", "category": "城乡建设", "urgency": urgency}),
        ("dispatch", "agent", {"department": "zjj"}), *steps,
    ]:
        response = await api.post(f"/api/v1/tickets/{number}/{action}", headers=tokens[user], json=body)
        assert response.status_code == 200, (action, response.text)
    return number


SIGN = ("sign", "dept_zjj", None)


async def ticket(api, tokens, number) -> dict:
    found = (await api.get(f"/api/v1/tickets/{number}", headers=tokens["supervisor"])).json()
    return {**found, **{f: found[f] and datetime.fromisoformat(found[f]) for f in ("sign_by", "reply_by")}}


async def events(api, tokens, number, user="supervisor") -> list[dict]:
    response = await api.get(f"/api/v1/tickets/{number}/events", headers=tokens[user])
    assert response.status_code == 200, response.text
    return response.json()


async def round_start(api, tokens, number) -> datetime:
    starts = [e for e in await events(api, tokens, number) if e["action"] in ("dispatch", "reopen")]
    return datetime.fromisoformat(starts[-1]["created_at"])


async def shift(api, headers, day: date, reason: str = "台风停工，在办工单时限顺延"):
    return await api.post(f"{DAYS}/{day.isoformat()}/shift-deadlines", headers=headers, json={"reason": reason})


async def pending_timers(pool, number) -> dict[str, list[datetime]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT tm.kind, tm.due_at FROM timers tm JOIN tickets t ON t.id = tm.ticket_id "
                                "WHERE t.ticket_number = $1 AND tm.fired_at IS NULL AND tm.cancelled_at IS NULL "
                                "AND tm.kind <> 'enrich' ORDER BY tm.id", number)
    pending: dict[str, list[datetime]] = {}
    for row in rows:
        pending.setdefault(row["kind"], []).append(row["due_at"])
    return pending


def close_to(a: datetime, b: datetime) -> bool:
    return abs(a - b) < SECOND


async def test_a_typhoon_day_gives_the_running_clocks_back_their_working_time(clean_api):
    api, tokens, pool = clean_api
    supervisor = tokens["supervisor"]
    dispatched = await new_ticket(api, tokens)
    accepted = await new_ticket(api, tokens, SIGN)
    emergency = await new_ticket(api, tokens, urgency="emergency")
    closed = await replied_ticket(api, tokens)
    done = await api.post(f"/api/v1/tickets/{closed}/callback", headers=tokens["agent"],
                          json={"reached": True, "resolved": True, "satisfaction": "satisfied"})
    assert done.json()["ticket_status"] == "closed"
    reopened = await replied_ticket(api, tokens)  # 重办: signed for again on a new round of both clocks
    for path, user, body in [("callback", "agent", {"reached": True, "resolved": False, "satisfaction": "unsatisfied"}),
                             ("reopen", "supervisor", {"reason": "路灯仍不亮"})]:
        response = await api.post(f"/api/v1/tickets/{reopened}/{path}", headers=tokens[user], json=body)
        assert response.status_code == 200, response.text
    awaiting_callback = await replied_ticket(api, tokens)  # 回访 due two working days after the reply
    before = {n: await ticket(api, tokens, n) for n in (dispatched, accepted, emergency, closed, reopened)}
    callback_due = {c["ticket_number"]: c for c in (await api.get(
        "/api/v1/callbacks", headers=supervisor, params={"status": "due"})).json()}[awaiting_callback]

    # The day the dispatched ticket must be signed on (today, or the first working day after it) is declared off.
    typhoon = before[dispatched]["sign_by"].astimezone(ZONE).date()
    statutory, with_typhoon = WorkCalendar(), WorkCalendar(extra_holidays=[typhoon])
    assert statutory.is_workday(typhoon)
    await set_day(api, supervisor, typhoon.isoformat(), "holiday", "台风停工")
    later = await new_ticket(api, tokens)  # dispatched with the day already off: nothing to give back
    later_before = await ticket(api, tokens, later)

    response = await shift(api, supervisor, typhoon)
    assert response.status_code == 200, response.text
    assert response.json() == {"date": typhoon.isoformat(), "tickets": 4, "clocks": 6}
    after = {n: await ticket(api, tokens, n) for n in (dispatched, accepted, emergency, closed, reopened, later)}

    # Each moved deadline is where it would be had the day been off when its clock started.
    start = await round_start(api, tokens, dispatched)
    assert close_to(after[dispatched]["sign_by"], with_typhoon.add_working_time(start, TWO_HOURS))
    assert close_to(after[dispatched]["reply_by"], with_typhoon.add_working_time(start, TEN_DAYS))
    assert close_to(after[accepted]["reply_by"],
                    with_typhoon.add_working_time(await round_start(api, tokens, accepted), TEN_DAYS))
    reopened_at = await round_start(api, tokens, reopened)
    assert close_to(after[reopened]["sign_by"], with_typhoon.add_working_time(reopened_at, TWO_HOURS))
    assert close_to(after[reopened]["reply_by"], with_typhoon.add_working_time(reopened_at, TEN_DAYS))
    # The reply due ten working days on lost exactly the day's working time (all of it, or what was left of it).
    day_starts = datetime.combine(typhoon, time(0), tzinfo=ZONE)
    lost = statutory.working_minutes_between(max(day_starts, start), day_starts + timedelta(days=1))
    assert lost > 0
    if typhoon > datetime.now(ZONE).date():
        assert lost == statutory.minutes_per_day
    assert abs(statutory.working_minutes_between(before[dispatched]["reply_by"], after[dispatched]["reply_by"])
               - lost) < 1 / 60
    assert after[accepted]["sign_by"] == before[accepted]["sign_by"]  # signed: that clock had stopped
    assert after[accepted]["original_reply_by"] == before[accepted]["original_reply_by"]
    for untouched in (emergency, closed):  # natural time; no clock running
        assert (after[untouched]["sign_by"], after[untouched]["reply_by"]) == \
            (before[untouched]["sign_by"], before[untouched]["reply_by"])
    assert (after[later]["sign_by"], after[later]["reply_by"]) == (later_before["sign_by"], later_before["reply_by"])

    # One event per moved ticket, before -> after, seen by the department too; none for the others.
    shifted = [e for e in await events(api, tokens, dispatched, "dept_zjj") if e["action"] == "deadline_shifted"]
    assert len(shifted) == 1
    data = shifted[0]["data"]
    assert (data["clocks"], data["date"], data["reason"]) == (["sign", "reply"], typhoon.isoformat(), "台风停工，在办工单时限顺延")
    for moment in ("before", "after"):
        assert {field: datetime.fromisoformat(at) for field, at in data[moment].items()} == \
            {field: (before if moment == "before" else after)[dispatched][field] for field in ("sign_by", "reply_by")}
    assert (shifted[0]["actor_role"], shifted[0]["from_status"], shifted[0]["to_status"]) == \
        ("supervisor", "dispatched", "dispatched")
    accepted_event = [e for e in await events(api, tokens, accepted) if e["action"] == "deadline_shifted"]
    assert [e["data"]["clocks"] for e in accepted_event] == [["reply"]]
    for number in (emergency, closed, later):
        assert "deadline_shifted" not in [e["action"] for e in await events(api, tokens, number)]
    # The citizen following the ticket sees why its expected date moved.
    lookup = await api.post("/api/v1/public/tickets/lookup", json={"ticket_number": dispatched, "phone_last4": "5678"})
    assert [step["label"] for step in lookup.json()["timeline"]][-1] == "相关期限因停工顺延"

    # The callback team was off too: the 回访 still due gets the day back, its overdue timer with it.
    replied_at = datetime.fromisoformat(callback_due["replied_at"])
    moved = {c["ticket_number"]: c for c in (await api.get(
        "/api/v1/callbacks", headers=supervisor, params={"status": "due"})).json()}[awaiting_callback]
    assert close_to(datetime.fromisoformat(moved["due_at"]), with_typhoon.add_working_days(replied_at, 2))
    assert datetime.fromisoformat(moved["due_at"]) > datetime.fromisoformat(callback_due["due_at"])
    assert (await pending_timers(pool, awaiting_callback))["callback_overdue"] == [
        datetime.fromisoformat(moved["due_at"])]
    [callback_event] = [e for e in await events(api, tokens, awaiting_callback) if e["action"] == "deadline_shifted"]
    assert callback_event["data"]["clocks"] == ["callback"]

    # The pending timers moved with their deadlines (the warning at 75 % of the clock's working time); one each.
    pending = await pending_timers(pool, dispatched)
    assert pending["sign_overdue"] == [after[dispatched]["sign_by"]]
    assert pending["reply_overdue"] == [after[dispatched]["reply_by"]]
    assert close_to(pending["reply_warning"][0], with_typhoon.add_working_time(start, TEN_DAYS * 0.75))
    assert all(len(due) == 1 for due in pending.values())
    assert (await pending_timers(pool, accepted)).keys() == {"reply_warning", "reply_overdue"}

    # The calendar shows the day shifted, the history keeps the shift; a second shift would move them twice.
    listed = (await api.get(DAYS, headers=supervisor, params={"year": typhoon.year})).json()["days"]
    assert [d["deadlines_shifted_at"] is not None for d in listed] == [True]
    history = (await api.get(f"{DAYS}/history", headers=supervisor, params={"year": typhoon.year})).json()
    assert [(h["action"], h["reason"], h["changed_by"]) for h in history][0] == \
        ("shift", "台风停工，在办工单时限顺延", "supervisor")
    again = await shift(api, tokens["admin"], typhoon)
    assert again.status_code == 409 and again.json()["error"]["field"] == "date"
    assert (await ticket(api, tokens, dispatched))["reply_by"] == after[dispatched]["reply_by"]

    # Removing the day is allowed and gives nothing back.
    removed = await api.delete(f"{DAYS}/{typhoon.isoformat()}", headers=supervisor, params={"reason": "误设"})
    assert removed.status_code == 204
    assert (await ticket(api, tokens, dispatched))["reply_by"] == after[dispatched]["reply_by"]


async def test_only_a_recent_holiday_not_yet_shifted_is_shifted_by_a_supervisor_with_a_reason(clean_api):
    api, tokens, _ = clean_api
    supervisor = tokens["supervisor"]
    workday = first_workday_after(datetime.now(ZONE).date())
    refused = await shift(api, supervisor, workday)  # not set at all
    assert refused.status_code == 409 and refused.json()["error"]["field"] == "date"
    await set_day(api, supervisor, workday.isoformat(), "workday", "照常上班")
    refused = await shift(api, supervisor, workday)
    assert refused.status_code == 409 and refused.json()["error"]["kind"] == "workday"

    await set_day(api, supervisor, workday.isoformat(), "holiday", "台风停工")
    for user in ("agent", "dept_zjj"):
        assert (await shift(api, tokens[user], workday)).status_code == 403
    assert (await api.post(f"{DAYS}/{workday.isoformat()}/shift-deadlines", json={"reason": "台风"})).status_code == 401

    async def invalid(day: str, body: dict) -> set[str]:
        response = await api.post(f"{DAYS}/{day}/shift-deadlines", headers=supervisor, json=body)
        assert response.status_code == 422, response.text
        return {f["field"] for f in response.json()["error"]["fields"]}

    assert await invalid(workday.isoformat(), {"reason": "  "}) == {"reason"}
    assert await invalid(workday.isoformat(), {}) == {"reason"}
    long_ago = datetime.now(ZONE).date() - timedelta(days=31)
    await set_day(api, supervisor, long_ago.isoformat(), "holiday", "台风停工")
    assert await invalid(long_ago.isoformat(), {"reason": "补顺延"}) == {"date"}
    assert await invalid("2027-02-30", {"reason": "台风"}) == {"date"}

    # Two supervisors shifting the same day at once: one shifts, the other is told it was done.
    other_day = first_workday_after(workday)
    await set_day(api, supervisor, other_day.isoformat(), "holiday", "台风停工")
    racing = await asyncio.gather(shift(api, supervisor, other_day), shift(api, tokens["admin"], other_day))
    assert sorted(r.status_code for r in racing) == [200, 409]

    # Set again after a change of kind, the day is a new holiday and may be shifted (its shifted clocks are not).
    assert (await shift(api, supervisor, workday)).status_code == 200
    await set_day(api, supervisor, workday.isoformat(), "holiday", "台风停工（更正事由）")
    assert (await shift(api, supervisor, workday)).status_code == 409  # a new reason is the same holiday
    await set_day(api, supervisor, workday.isoformat(), "workday", "台风转向")
    await set_day(api, supervisor, workday.isoformat(), "holiday", "台风再次来袭")
    assert (await shift(api, supervisor, workday)).status_code == 200


async def test_a_sign_after_the_old_but_before_the_shifted_deadline_is_on_time_and_no_timer_fires_twice(clean_api):
    api, tokens, pool = clean_api
    statutory = WorkCalendar()
    # A working day a week ago was a typhoon day; the ticket was dispatched the working afternoon before it.
    typhoon = first_workday_after(datetime.now(ZONE).date() - timedelta(days=7))
    eve = typhoon - timedelta(days=1)
    while not statutory.is_workday(eve):
        eve -= timedelta(days=1)
    dispatched_at = datetime.combine(eve, time(16, 30), tzinfo=ZONE)
    old_sign_by = statutory.add_working_time(dispatched_at, TWO_HOURS)  # 09:30 on the typhoon day
    old_reply_by = statutory.add_working_time(dispatched_at, TEN_DAYS)
    number = await new_ticket(api, tokens)
    async with pool.acquire() as conn:  # the dispatch as it happened then, its clocks' timers included
        ticket_id = await conn.fetchval("SELECT id FROM tickets WHERE ticket_number = $1", number)
        await conn.execute("UPDATE ticket_events SET created_at = $2 WHERE ticket_id = $1 AND action = 'dispatch'",
                           ticket_id, dispatched_at)
        await conn.execute("UPDATE tickets SET sign_by = $2, reply_by = $3, original_reply_by = $3 WHERE id = $1",
                           ticket_id, old_sign_by, old_reply_by)
        for kind, due in {"sign_warning": statutory.add_working_time(dispatched_at, TWO_HOURS * 0.75),
                          "sign_overdue": old_sign_by, "reply_overdue": old_reply_by}.items():
            await conn.execute("UPDATE timers SET due_at = $3 WHERE ticket_id = $1 AND kind = $2",
                               ticket_id, kind, due)
        async with conn.transaction():  # the worker ran through the typhoon day: the sign clock warned and overran
            await fire_due_timers(conn, worker="test")

    await set_day(api, tokens["supervisor"], typhoon.isoformat(), "holiday", "台风停工")
    response = await shift(api, tokens["supervisor"], typhoon)
    assert response.json()["tickets"] == 1, response.text
    new_sign_by = (await ticket(api, tokens, number))["sign_by"]
    with_typhoon = WorkCalendar(extra_holidays=[typhoon])
    assert new_sign_by == with_typhoon.add_working_time(dispatched_at, TWO_HOURS)  # 09:30 the next working day
    assert (await pending_timers(pool, number)).keys() == {"reply_warning", "reply_overdue"}  # fired ones stay fired

    # The department signs after the old deadline, before the shifted one.
    await new_ticket_step(api, tokens, number, SIGN)
    signed_at = old_sign_by + (new_sign_by - old_sign_by) / 2
    async with pool.acquire() as conn:
        await conn.execute("UPDATE ticket_events SET created_at = $2 WHERE ticket_id = $1 AND action = 'sign'",
                           ticket_id, signed_at)
        async with conn.transaction():
            await fire_due_timers(conn, worker="test")
    day = signed_at.astimezone(ZONE).date().isoformat()
    metrics = (await api.get("/api/v1/metrics", params={"from": day, "to": day}, headers=tokens["supervisor"])).json()
    assert metrics["overall"]["on_time_sign_rate"] == 1.0
    overruns = [e["data"]["clock"] for e in await events(api, tokens, number) if e["action"] == "sla_overdue"]
    assert overruns.count("sign") == 1  # logged once, when it happened; not again for the shifted deadline


async def new_ticket_step(api, tokens, number, step) -> None:
    action, user, body = step
    response = await api.post(f"/api/v1/tickets/{number}/{action}", headers=tokens[user], json=body)
    assert response.status_code == 200, (action, response.text)
