"""The supervisor's numbers for a period, its previous period, per group and overall, and the league table."""
from __future__ import annotations

from typing import Any

import asyncpg

from feedback.definitions import REPEAT_LINKING_STATUS, metric_values
from feedback.periods import Period
from hotline.infra.sql import load_queries

Q = load_queries(__file__, "report.sql")
GROUP_BY = ("department", "channel", "category", "district")
CHANNEL_LABELS = {"phone": "电话", "web": "网站", "app": "APP", "wechat": "微信", "letter": "信件", "visit": "来访",
                  "110": "110转接", "email": "电子邮件"}
UNKNOWN_LABELS = {"department": "未派单", "channel": "未知渠道", "category": "未分类", "district": "未定位"}


async def _labels(conn: asyncpg.Connection, group_by: str | None) -> dict[str, str]:
    if group_by == "department":
        return {r["code"]: r["name"] for r in await conn.fetch(Q.department_names)}
    if group_by == "district":
        return {r["code"]: r["name"] for r in await conn.fetch(Q.district_names)}
    if group_by == "channel":
        return CHANNEL_LABELS
    return {}


async def metrics_report(conn: asyncpg.Connection, *, period: Period, group_by: str | None) -> dict[str, Any]:
    """{"period", "previous_period", "group_by", "repeat_linking", "overall", "groups"}; every value block
    carries its previous-period twin under "previous"."""
    if group_by is not None and group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {GROUP_BY}")
    previous = period.previous()
    rows = await conn.fetch(Q.period_counts, previous.start, period.start, period.end, group_by)
    empty = metric_values({})
    overall: dict[str, dict] = {"current": empty, "previous": empty}
    groups: dict[Any, dict[str, dict]] = {}
    for row in rows:
        values = metric_values(row)
        if row["overall"]:
            overall[row["period"]] = values
        elif group_by is not None:
            groups.setdefault(row["group_key"], {"current": empty, "previous": empty})[row["period"]] = values
    labels = await _labels(conn, group_by)
    group_list = [
        {"key": key, "label": labels.get(key, key) if key is not None else UNKNOWN_LABELS[group_by],
         **both["current"], "previous": both["previous"]}
        for key, both in groups.items()
    ]
    group_list.sort(key=lambda g: (-g["volume"], -g["replied"], str(g["key"])))
    return {
        "period": period.as_dict(), "previous_period": previous.as_dict(), "group_by": group_by,
        "repeat_linking": REPEAT_LINKING_STATUS,
        "overall": {**overall["current"], "previous": overall["previous"]},
        "groups": group_list,
    }


LEAGUE_FIELDS = ("volume", "replied", "on_time_reply_rate", "satisfaction_rate", "returns", "return_rate",
                 "callback_rate")


async def league_table(conn: asyncpg.Connection, *, period: Period) -> dict[str, Any]:
    """Departments ranked by on-time reply rate, then satisfaction; open 督办单 are counted as of now."""
    report = await metrics_report(conn, period=period, group_by="department")
    open_orders = {r["department_code"]: r["open_orders"] for r in await conn.fetch(Q.open_orders_by_department)}
    rows = [
        {"department": g["key"], "name": g["label"], **{f: g[f] for f in LEAGUE_FIELDS},
         "open_supervision_orders": open_orders.get(g["key"], 0)}
        for g in report["groups"] if g["key"] is not None
    ]
    known = {row["department"] for row in rows}
    names = {r["code"]: r["name"] for r in await conn.fetch(Q.department_names)}
    rows += [{"department": code, "name": names.get(code, code), **{f: None for f in LEAGUE_FIELDS},
              "volume": 0, "replied": 0, "returns": 0, "open_supervision_orders": count}
             for code, count in open_orders.items() if code not in known]

    def rank_key(row: dict) -> tuple:
        on_time, satisfied = row["on_time_reply_rate"], row["satisfaction_rate"]
        return (on_time is None, -(on_time or 0), satisfied is None, -(satisfied or 0), row["department"])

    rows.sort(key=rank_key)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return {"period": report["period"], "departments": rows}
