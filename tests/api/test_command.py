"""The command view on the hand-built week of test_metrics: the rollups equal a recount from the source rows after
every move the week makes, the figures equal the supervisor's report where both define them, and every figure
opens the tickets behind it."""
from __future__ import annotations

import pytest

from feedback.definitions import ROLLUP_COUNTS
from tests.api.test_metrics import WEEK, Desk, build_week
from tests.conftest import log_in, make_settings, start_client

KEY = ("day", "grain", "district_code", "channel", "category", "department", "street_code", "report")


@pytest.fixture
async def week(fresh_db_url, tmp_path):
    app, lifespan, client = await start_client(make_settings(fresh_db_url, tmp_path, embedder="hashing"))
    tokens = await log_in(client)
    desk = Desk(client, tokens, app.state.pool)
    await build_week(desk)
    yield client, tokens, app.state.pool, desk
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


async def rollup_drift(conn) -> list[tuple]:
    """Keys whose rolled-up counts differ from a recount of tickets, facts and callbacks (all-zero rows aside)."""
    def table(rows):
        found = {}
        for row in rows:
            counts = tuple(int(row[c]) for c in ROLLUP_COUNTS)
            if any(counts):
                found[tuple(row[k] for k in KEY)] = counts
        return found

    sums = ", ".join(f"sum({c}) AS {c}" for c in ROLLUP_COUNTS)
    kept = table(await conn.fetch(f"SELECT {', '.join(KEY)}, {sums} FROM metric_rollup_current "  # noqa: S608
                                  f"GROUP BY {', '.join(KEY)}"))
    expected = table(await conn.fetch("SELECT * FROM metric_rollup_expected"))
    return sorted((key, kept.get(key), expected.get(key)) for key in kept.keys() | expected.keys()
                  if kept.get(key) != expected.get(key))


async def test_rollups_follow_every_move_and_fold_without_loss(week):
    api, tokens, pool, desk = week
    async with pool.acquire() as conn:
        assert await rollup_drift(conn) == []
        assert await conn.fetchval("SELECT count(*) FROM metric_rollup_deltas") > 0
        # a writer folds the deltas now and then; folding them all changes no sum
        async with conn.transaction():
            assert await conn.fetchval("SELECT fold_metric_rollup()") > 0
        assert await conn.fetchval("SELECT count(*) FROM metric_rollup_deltas") == 0
        assert await rollup_drift(conn) == []
    # a re-classified ticket moves its counts (the report_groups trigger updates facts and callbacks)
    tickets = (await api.get("/api/v1/tickets", params={"status": "closed"}, headers=tokens["supervisor"])).json()
    await desk.sql("UPDATE tickets SET category_path = '环境保护', district_code = '330303', type = 'report' "
                   "WHERE ticket_number = $1", tickets["items"][0]["ticket_number"])
    async with pool.acquire() as conn:
        assert await rollup_drift(conn) == []


async def test_figures_equal_the_report_and_open_their_tickets(week):
    api, tokens, _, _ = week
    assert (await api.get("/api/v1/command/tiles", params=WEEK, headers=tokens["agent"])).status_code == 403
    response = await api.get("/api/v1/command/tiles", params=WEEK, headers=tokens["supervisor"])
    assert response.status_code == 200, response.text
    body = response.json()
    figures = {f["name"]: f for f in body["figures"]}
    report = (await api.get("/api/v1/metrics", params=WEEK, headers=tokens["supervisor"])).json()["overall"]
    assert figures["contacts"]["value"] == report["volume"] == 7
    for name in ("satisfaction_rate", "resolution_rate", "callback_rate", "repeat_contact_rate"):
        assert figures[name]["value"] == report[name], name
    assert figures["handling_hours"]["value"] == report["handling_hours_mean"] == 22.5
    # rounds judged: A, B's second dispatch, C (signed late), F; B's first was returned, E is not due yet
    assert figures["response_rate"]["value"] == 0.75
    assert body["apart"]["rounds_not_due"] == 1 and body["apart"]["not_callable"] == 1
    assert figures["satisfaction_rate"]["target"] == "≥ 95%" and figures["satisfaction_rate"]["target_met"] is False
    assert figures["contacts"]["previous"] == 1 and figures["contacts"]["definition"].startswith("本期受理")
    assert figures["handling_hours"]["better"] == "down"

    async def numbers(measure, part="miss", **params):
        found = await api.get("/api/v1/command/tickets", params={**WEEK, "measure": measure, "part": part, **params},
                              headers=tokens["supervisor"])
        assert found.status_code == 200, found.text
        page = found.json()
        assert page["total"] == len(page["items"])
        return {item["excerpt"][:6] for item in page["items"]}, page

    late, page = await numbers("response")
    assert page["total"] == 1  # C signed at 12:30 for 12:00
    unsatisfied, _ = await numbers("satisfaction")
    not_called, page = await numbers("callback")
    assert page["total"] == 2  # C could not be called, F is still due
    _, page = await numbers("contacts", part="all")
    assert page["total"] == 7 and all(item["district"] == "鹿城区" for item in page["items"])
    _, page = await numbers("repeat", part="all")
    assert page["total"] == 1
    _, page = await numbers("handling", part="all")
    hours = [item["at"] for item in page["items"]]
    assert page["total"] == 4 and len(hours) == 4


async def test_trends_and_map_follow_the_week(week):
    api, tokens, _, _ = week
    trends = (await api.get("/api/v1/command/trends", params=WEEK, headers=tokens["supervisor"])).json()
    assert trends["days"][0] == "2026-03-02" and len(trends["days"]) == 7
    [phone] = trends["channels"]
    assert phone["label"] == "电话" and sum(phone["contacts"]) == 7
    assert trends["weeks"][-1]["week"] == "2026-03-02" and trends["weeks"][-1]["satisfaction_rate"] == 0.5
    assert trends["categories"][0] == {"category": "城乡建设", "contacts": 7, "previous": 1, "change": 6.0}
    city = (await api.get("/api/v1/command/map", params={**WEEK, "district": "330302"},
                          headers=tokens["supervisor"])).json()
    lucheng = next(d for d in city["districts"] if d["code"] == "330302")
    assert lucheng["name"] == "鹿城区" and lucheng["contacts"] == 7 and lucheng["satisfaction_rate"] == 0.5
    assert city["streets"][0]["name"] == "五马街道" and city["streets"][0]["contacts"] == 7


@pytest.mark.parametrize(("params", "field"), [
    ({"measure": "contacts", "from": "2026-03-08", "to": "2026-03-01"}, "to"),
    ({"measure": "contacts", "from": "2026-03-01"}, "to"),
    ({"measure": "nonsense"}, "measure"),
    ({"measure": "contacts", "district": "鹿城"}, "district"),
])
async def test_bad_drill_queries_name_the_field(api, tokens, params, field):
    response = await api.get("/api/v1/command/tickets", params=params, headers=tokens["supervisor"])
    assert response.status_code == 422, response.text
    assert [f["field"] for f in response.json()["error"]["fields"]] == [field]


async def test_the_public_ranking_leaves_reports_out_and_ranks_by_the_rules(week):
    api, tokens, _, desk = week
    internal = (await api.get("/api/v1/command/ranking", params={"month": "2026-03"},
                              headers=tokens["supervisor"])).json()
    public = await api.get("/api/v1/public/ranking", params={"month": "2026-03"})  # no login
    assert public.status_code == 200, public.text
    assert public.json()["city"] == internal["city"]
    assert internal["city"]["contacts"] == 7 and internal["complete"] is True
    # two units, each short of five dispatches: listed, not ranked
    zjj = next(u for u in internal["departments"] if u["code"] == "zjj")
    assert zjj["score"] is None and zjj["rank"] is None and zjj["rounds"] == 2  # A and F (E is not due yet)
    assert any("综合得分" in rule for rule in internal["rules"])

    await desk.sql("UPDATE tickets SET type = 'report' WHERE id = (SELECT min(id) FROM tickets)")
    internal = (await api.get("/api/v1/command/ranking", params={"month": "2026-03"},
                              headers=tokens["supervisor"])).json()
    public = (await api.get("/api/v1/public/ranking", params={"month": "2026-03"})).json()
    assert internal["city"]["contacts"] == 7 and public["city"]["contacts"] == 6  # the 举报 is not published
    # A (satisfied) is the 举报 now: of the week's two completed callbacks the public sees B's alone
    assert internal["city"]["satisfaction_rate"] == 0.5 and public["city"]["satisfaction_rate"] == 0.0
    future = await api.get("/api/v1/public/ranking", params={"month": "2099-01"})
    assert future.status_code == 422 and future.json()["error"]["fields"][0]["field"] == "month"
