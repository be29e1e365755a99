"""The centre's working calendar: supervisors set 2027's bridge holidays, 调休 Sundays and typhoon days off, every
deadline computed afterwards (in any process) counts them, removing a day restores the statutory calendar, and
every change is kept with who, when, before, after and why."""
from datetime import date, datetime, timedelta

import pytest

from timelimits.calendar import WorkCalendar
from tests.api.test_callbacks import callbacks, replied_ticket
from tests.conftest import log_in, make_settings, start_client

DAYS = "/api/v1/calendar/days"
# A Thursday in 2027, a year the statutory library does not know: Friday 2027-12-31 is no holiday by law, so it
# counts as a workday unless the centre says otherwise. A consultation's reply is due one working day (7 working
# hours) later. 2028-01-01, a Saturday, is 元旦 by law; Sunday 2028-01-02 would be worked if set as 调休.
START = "2027-12-30T09:00:00+08:00"
ZONE = datetime.fromisoformat(START).tzinfo


@pytest.fixture
async def processes(fresh_db_url, tmp_path):
    """Starts API processes (apps with their own runtime) on one database of their own, each with its logins."""
    started = []

    async def start(count: int) -> list[tuple]:
        for _ in range(count):
            started.append(await start_client(make_settings(fresh_db_url, tmp_path / str(len(started)),
                                                            embedder="hashing")))
        return [(client, await log_in(client)) for _, _, client in started[-count:]]

    yield start
    for _, lifespan, client in started:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


async def consult_reply_by(client, start: str = START) -> datetime:
    response = await client.get("/api/v1/sla/deadlines", params={"start": start, "type": "consult"})
    assert response.status_code == 200, response.text
    return datetime.fromisoformat(response.json()["reply_by"]).astimezone(ZONE)


async def set_day(client, headers, day: str, kind: str, reason: str) -> dict:
    response = await client.put(f"{DAYS}/{day}", headers=headers, json={"kind": kind, "reason": reason})
    assert response.status_code == 200, response.text
    return response.json()


async def remove_day(client, headers, day: str, reason: str) -> None:
    response = await client.delete(f"{DAYS}/{day}", headers=headers, params={"reason": reason})
    assert response.status_code == 204, response.text


def at(day: str, hour: int) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")


async def test_new_year_holiday_and_a_make_up_saturday_move_the_deadline_and_removing_restores(processes):
    [(api, tokens)] = await processes(1)
    supervisor = tokens["supervisor"]
    assert await consult_reply_by(api) == at("2027-12-31", 9)  # unknown year: a Friday that is no holiday by law

    day = await set_day(api, supervisor, "2027-12-31", "holiday", "2028年元旦连休")
    assert (day["date"], day["kind"], day["statutory"], day["set_by"]) == ("2027-12-31", "holiday", None, "supervisor")
    assert await consult_reply_by(api) == at("2028-01-03", 9)  # over the bridge day, 元旦 and the weekend
    await set_day(api, tokens["admin"], "2028-01-02", "workday", "元旦调休上班")
    assert await consult_reply_by(api) == at("2028-01-02", 9)  # the 调休 Sunday counts

    listed = (await api.get(DAYS, headers=tokens["agent"], params={"year": 2027})).json()
    assert listed["statutory_known"] is False
    assert [(d["date"], d["kind"], d["reason"]) for d in listed["days"]] == [("2027-12-31", "holiday", "2028年元旦连休")]
    next_year = (await api.get(DAYS, headers=tokens["agent"], params={"year": 2028})).json()
    assert [(d["date"], d["kind"]) for d in next_year["days"]] == [("2028-01-02", "workday")]
    this_year = (await api.get(DAYS, headers=tokens["agent"], params={"year": 2026})).json()
    assert this_year == {"year": 2026, "statutory_known": True, "days": []}

    await remove_day(api, supervisor, "2028-01-02", "调休安排有误")
    assert await consult_reply_by(api) == at("2028-01-03", 9)
    await remove_day(api, supervisor, "2027-12-31", "撤销")
    assert await consult_reply_by(api) == at("2027-12-31", 9)
    assert (await api.get(DAYS, headers=supervisor, params={"year": 2027})).json()["days"] == []
    missing = await api.delete(f"{DAYS}/2027-12-31", headers=supervisor, params={"reason": "再撤销"})
    assert missing.status_code == 404


async def test_every_change_is_kept_with_who_when_before_after_and_why(processes):
    [(api, tokens)] = await processes(1)
    await set_day(api, tokens["supervisor"], "2027-09-14", "holiday", "台风停工")
    await set_day(api, tokens["supervisor"], "2027-09-14", "holiday", "台风停工")  # as it is: no new history
    await set_day(api, tokens["admin"], "2027-09-14", "workday", "台风转向，照常上班")
    await remove_day(api, tokens["admin"], "2027-09-14", "恢复法定安排")

    history = (await api.get(f"{DAYS}/history", headers=tokens["agent"], params={"year": 2027})).json()
    assert [(h["date"], h["action"], h["changed_by"], h["reason"]) for h in history] == [  # latest first
        ("2027-09-14", "remove", "admin", "恢复法定安排"),
        ("2027-09-14", "set", "admin", "台风转向，照常上班"),
        ("2027-09-14", "set", "supervisor", "台风停工"),
    ]
    assert [(h["before"], h["after"]) for h in history] == [
        ({"kind": "workday", "reason": "台风转向，照常上班"}, None),
        ({"kind": "holiday", "reason": "台风停工"}, {"kind": "workday", "reason": "台风转向，照常上班"}),
        (None, {"kind": "holiday", "reason": "台风停工"}),
    ]
    assert all(h["changed_at"] for h in history)
    assert (await api.get(f"{DAYS}/history", headers=tokens["agent"], params={"year": 2028})).json() == []


def first_workday_after(day: date) -> date:
    calendar = WorkCalendar()
    day += timedelta(days=1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


async def test_a_typhoon_day_moves_the_next_dispatch_and_callback_deadlines(processes):
    [(api, tokens)] = await processes(1)
    statutory = WorkCalendar()
    before = await replied_ticket(api, tokens)  # dispatched and replied before the typhoon day is declared
    before_ticket = (await api.get(f"/api/v1/tickets/{before}", headers=tokens["supervisor"])).json()
    typhoon = first_workday_after(datetime.now(ZONE).date())
    await set_day(api, tokens["supervisor"], typhoon.isoformat(), "holiday", "台风停工")

    after = await replied_ticket(api, tokens)
    after_ticket = (await api.get(f"/api/v1/tickets/{after}", headers=tokens["supervisor"])).json()
    # the typhoon day lies inside the 10 working days: the reply is due one working day later than before
    expected = statutory.add_working_days(datetime.fromisoformat(before_ticket["reply_by"]), 1)
    assert abs(datetime.fromisoformat(after_ticket["reply_by"]) - expected) < timedelta(minutes=1)

    due = await callbacks(api, tokens, "due")
    with_typhoon = WorkCalendar(extra_holidays=[typhoon])
    old, new = due[before], due[after]
    assert datetime.fromisoformat(old["due_at"]) == statutory.add_working_days(
        datetime.fromisoformat(old["replied_at"]), 2)
    assert datetime.fromisoformat(new["due_at"]) == with_typhoon.add_working_days(
        datetime.fromisoformat(new["replied_at"]), 2)
    assert datetime.fromisoformat(new["due_at"]).date() > datetime.fromisoformat(old["due_at"]).date()
    # set after the earlier ticket's deadlines were computed: those stay as they were
    assert (await api.get(f"/api/v1/tickets/{before}", headers=tokens["supervisor"])).json()["reply_by"] \
        == before_ticket["reply_by"]


async def test_a_day_set_through_one_process_holds_in_the_other_at_once(processes):
    (editor, editor_tokens), (other, other_tokens) = await processes(2)
    assert await consult_reply_by(other) == at("2027-12-31", 9)  # the other process has built its calendar

    await set_day(editor, editor_tokens["supervisor"], "2027-12-31", "holiday", "2028年元旦连休")
    assert await consult_reply_by(other) == at("2028-01-03", 9)
    listed = (await other.get(DAYS, headers=other_tokens["agent"], params={"year": 2027})).json()
    assert [d["date"] for d in listed["days"]] == ["2027-12-31"]

    await remove_day(other, other_tokens["admin"], "2027-12-31", "撤销")
    assert await consult_reply_by(editor) == at("2027-12-31", 9)


async def test_bad_input_is_refused_naming_the_field(api, tokens):
    supervisor = tokens["supervisor"]

    async def refused(method, path, **kwargs) -> set[str]:
        response = await api.request(method, path, headers=supervisor, **kwargs)
        assert response.status_code == 422, response.text
        return {f["field"] for f in response.json()["error"]["fields"]}

    holiday = {"kind": "holiday", "reason": "台风停工"}
    assert await refused("PUT", f"{DAYS}/not-a-date", json=holiday) == {"date"}
    assert await refused("PUT", f"{DAYS}/2027-02-30", json=holiday) == {"date"}
    assert await refused("PUT", f"{DAYS}/1999-12-31", json=holiday) == {"date"}
    assert await refused("PUT", f"{DAYS}/2101-01-01", json=holiday) == {"date"}
    assert await refused("PUT", f"{DAYS}/2027-09-14", json={"kind": "typhoon", "reason": "台风"}) == {"kind"}
    assert await refused("PUT", f"{DAYS}/2027-09-14", json={"kind": "holiday", "reason": "  "}) == {"reason"}
    assert await refused("PUT", f"{DAYS}/2027-09-14", json={"kind": "holiday"}) == {"reason"}
    assert await refused("DELETE", f"{DAYS}/2027-09-14") == {"reason"}
    assert await refused("GET", DAYS, params={"year": 1999}) == {"year"}
    assert await refused("GET", DAYS, params={"year": 2101}) == {"year"}
    assert await refused("GET", f"{DAYS}/history", params={"year": "今年"}) == {"year"}


async def test_only_supervisors_and_admins_change_the_calendar(api, tokens):
    holiday = {"kind": "holiday", "reason": "台风停工"}
    for user in ("agent", "dept_zjj"):
        assert (await api.put(f"{DAYS}/2027-09-15", headers=tokens[user], json=holiday)).status_code == 403
        removed = await api.delete(f"{DAYS}/2027-09-15", headers=tokens[user], params={"reason": "撤销"})
        assert removed.status_code == 403
    assert (await api.put(f"{DAYS}/2027-09-15", json=holiday)).status_code == 401
    assert (await api.get(DAYS, headers=tokens["agent"])).status_code == 200  # agents quote deadlines
    assert (await api.get(DAYS, headers=tokens["dept_zjj"])).status_code == 403
    assert (await api.get(f"{DAYS}/history", headers=tokens["dept_zjj"])).status_code == 403
