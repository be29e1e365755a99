"""Every supervisor metric in one place: what it counts, over what, and how a value is formed from SQL counts.

The counts come from hotline/metrics/report.sql: the ticket rows `receive` events create (same transaction,
same time); metric_facts, one row per dispatch, return and sign event, which triggers on ticket_events and
tickets.sign_by keep in step in the writer's transaction (their functions: hotline/metrics/functions.sql); and
the callbacks table, whose row for each reply is written in the reply's transaction with the reply's facts (time,
on_time, the round's start) and later its outcome.
A period holds an event when the event's time is inside it; each metric's cohort is named below.
A rate is null, never 0, when its denominator is 0: "nothing to measure" is not "0 %".
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

# The repeat-contact rate counts contacts an agent confirmed as repeats by merging them (hotline/intake/repeats.py).
REPEAT_LINKING_STATUS = "agent-confirmed merges"


@dataclass(frozen=True)
class Metric:
    name: str
    label: str  # the supervisor's word for it
    kind: Literal["count", "rate", "hours"]
    numerator: str  # a column of the counts query
    denominator: str | None
    definition: str
    target: str | None = None


METRICS: tuple[Metric, ...] = (
    Metric("volume", "受理量", "count", "volume", None,
           "tickets whose `receive` event is in the period; by department: the ticket's current lead department"),
    Metric("replied", "办结答复件数", "count", "replies", None,
           "`reply` events in the period (a ticket replied again after 重办 counts again); by department: the "
           "replying department. This is the cohort of every callback metric below"),
    Metric("callback_rate", "回访率", "rate", "callbacks_done", "replies",
           "replies in the period whose callback was completed (citizen reached and answered) / replies in the "
           "period; not-callable ones stay in the denominator", "100%"),
    Metric("not_callable", "无法回访", "count", "not_callable", None,
           "replies in the period whose callback is not possible (anonymous, no number, refused, unreachable "
           "after 3 attempts); shown apart, still in callback_rate's denominator"),
    Metric("refused", "拒绝回访", "count", "refused", None,
           "of the not-callable ones, those where the citizen was reached and declined to evaluate (拒绝回访)"),
    Metric("callbacks_pending", "待回访", "count", "callbacks_pending", None,
           "replies in the period whose callback is still due"),
    Metric("satisfaction_rate", "满意率", "rate", "satisfied", "callbacks_done",
           "(满意 + 基本满意) / completed callbacks, over the replies in the period", ">= 95%"),
    Metric("resolution_rate", "解决率", "rate", "resolved", "callbacks_done",
           "completed callbacks where the citizen says the problem is resolved / completed callbacks"),
    Metric("on_time_sign_rate", "按时签收率", "rate", "signs_on_time", "signs",
           "`sign` events in the period at or before that round's sign deadline / `sign` events in the period"),
    Metric("on_time_reply_rate", "按时办结率", "rate", "replies_on_time", "replies",
           "`reply` events in the period at or before the reply deadline (an approved extension moves it) / "
           "`reply` events in the period"),
    Metric("handling_hours_mean", "平均办理时长(小时)", "hours", "handling_hours_mean", None,
           "mean clock hours from the round's last `dispatch` or `reopen` event to the `reply` event, over "
           "replies in the period", "10% shorter than the previous period"),
    Metric("handling_hours_p90", "办理时长P90(小时)", "hours", "handling_hours_p90", None,
           "90th percentile of the same handling hours"),
    Metric("repeat_contact_rate", "重复来电率", "rate", "repeat_contacts", "contacts",
           "tickets received in the period that an agent merged into an existing open ticket (重复件, the "
           "`merge` event) / tickets received in the period; by department: the department of the ticket merged "
           "into",
           "half of the previous period"),
    Metric("direct_answer_rate", "直接答复率", "rate", "direct_answers", "consultations",
           "consultations (type consult) received in the period that were answered at first contact "
           "(`answer` event) / consultations received in the period"),
    Metric("return_rate", "退单率", "rate", "returns", "dispatches",
           "`return` events in the period / `dispatch` events in the period; by department: returns by it / "
           "dispatches to it"),
    Metric("returns", "退单数", "count", "returns", None, "`return` events in the period"),
    Metric("first_dispatch_accuracy", "首次派单准确率", "rate", "first_dispatches_kept", "first_dispatches",
           "tickets first dispatched in the period that were never returned / tickets first dispatched in the "
           "period; by department: the first dispatch's department"),
    Metric("reopen_rate", "重办率", "rate", "reopened", "replies",
           "replies in the period whose callback review reopened the ticket (重办) / replies in the period"),
    Metric("appeals_upheld", "申诉成立", "count", "appeals_upheld", None,
           "replies in the period whose unsatisfied callback ended with the department's appeal upheld"),
)
METRIC_NAMES = tuple(m.name for m in METRICS)


def rate(numerator: float, denominator: float) -> float | None:
    """numerator / denominator to 4 places, or None when there is nothing to measure."""
    if not denominator:
        return None
    return round(numerator / denominator, 4)


def metric_values(counts: Mapping[str, float | None]) -> dict[str, float | int | None]:
    """The metrics of one group from its counts (missing counts are 0: no event of that kind)."""
    values: dict[str, float | int | None] = {}
    for metric in METRICS:
        numerator = counts.get(metric.numerator)
        if metric.kind == "rate":
            values[metric.name] = rate(numerator or 0, counts.get(metric.denominator) or 0)
        elif metric.kind == "hours":
            values[metric.name] = None if numerator is None else round(float(numerator), 2)
        else:
            values[metric.name] = int(numerator or 0)
    return values


# The command view (督办 数据驾驶舱) and the public ranking read daily rollups (migration 0019) whose counts are
# named below; each figure is defined once here, in the words the supervisor and the public read on hover.
ONLINE_CHANNELS = ("web", "app", "wechat", "email")
ONLINE_RESPONSE_MINUTES = 3  # GB/T 33358-2016: online (non-phone) contacts get a response within 3 minutes

ROLLUP_COUNTS = (
    "contacts", "repeat_contacts", "consultations", "direct_answers",
    "online_contacts", "online_responded", "online_on_time", "online_response_s",
    "dispatches", "first_dispatches", "first_dispatches_kept", "returns", "signs", "signs_on_time",
    "rounds", "rounds_on_time", "rounds_open",
    "replies", "replies_on_time", "handled", "handling_s", "callbacks_done", "not_callable", "callbacks_pending",
    "satisfied", "resolved", "reopened", "appeals_upheld",
)


@dataclass(frozen=True)
class Figure:
    """One number of the command view: how it is formed from rollup counts, what it aims at, and which tickets
    lie behind it (`drill`: the measure of /api/v1/command/tickets, and the part that falls short)."""

    name: str
    label: str
    kind: Literal["count", "rate", "hours", "minutes"]
    numerator: str
    denominator: str | None
    definition: str  # Chinese, shown on hover
    better: Literal["up", "down"] | None
    target: tuple[str, float] | None = None  # ("at_least", 0.95) | ("vs_previous", 0.9): at most 90 % of last period
    target_text: str | None = None
    drill: tuple[str, str] = ("contacts", "all")


FIGURES: tuple[Figure, ...] = (
    Figure("contacts", "受理量", "count", "contacts", None,
           "本期受理的诉求件数（电话、网站、APP、微信、信件、来访、110转办、电子邮件各渠道，按受理时间计）。", None,
           drill=("contacts", "all")),
    Figure("response_rate", "响应率", "rate", "rounds_on_time", "rounds_due",
           "本期派出的工单中，承办单位在签收时限内签收的比例。被退回（退单）或合并的那次派单不计，改派后按新一轮计；"
           "尚未签收且未到签收时限的暂不计入。", "up", ("at_least", 1.0), "100%（每件在时限内签收）",
           ("response", "miss")),
    Figure("resolution_rate", "解决率", "rate", "resolved", "callbacks_done",
           "本期答复的工单中，回访时市民表示问题已解决的件数 ÷ 已完成回访的件数。", "up", ("at_least", 0.9),
           "≥ 90%（本中心设定）", ("resolution", "miss")),
    Figure("satisfaction_rate", "满意率", "rate", "satisfied", "callbacks_done",
           "本期答复的工单中，回访评价为“满意”或“基本满意”的件数 ÷ 已完成回访的件数。", "up", ("at_least", 0.95),
           "≥ 95%", ("satisfaction", "miss")),
    Figure("callback_rate", "回访率", "rate", "callbacks_done", "replies",
           "本期答复的工单中已完成回访（接通并评价）的件数 ÷ 本期答复件数。无法回访的（匿名、无号码、拒绝、三次未接通）"
           "单独列出，仍计入分母。", "up", ("at_least", 1.0), "100%", ("callback", "miss")),
    Figure("handling_hours", "平均办理时长", "hours", "handling_s", "handled",
           "本期答复的工单，从该轮派单（或重办）到办结答复的平均小时数（自然时间）。", "down", ("vs_previous", 0.9),
           "比上期缩短 10%", ("handling", "all")),
    Figure("repeat_contact_rate", "重复来电率", "rate", "repeat_contacts", "contacts",
           "本期受理的诉求中，被座席确认为重复诉求并合并到已有工单的件数 ÷ 本期受理件数。", "down",
           ("vs_previous", 0.5), "比上期减半", ("repeat", "all")),
    Figure("online_response_rate", "网络渠道3分钟响应率", "rate", "online_on_time", "online_contacts",
           "网站、APP、微信、电子邮件受理的诉求中，3 分钟内有工作人员首次处理（确认分类、答复、派单或合并）的比例"
           "（GB/T 33358-2016 要求网络渠道 3 分钟内响应）。", "up", ("at_least", 1.0), "100%（3 分钟内）",
           ("online", "miss")),
)
FIGURE_NAMES = tuple(f.name for f in FIGURES)


def figure_values(counts: Mapping[str, float | None]) -> dict[str, float | int | None]:
    """Each figure's value from a group's rollup counts (missing counts are 0)."""
    values: dict[str, float | int | None] = {}
    for figure in FIGURES:
        numerator = counts.get(figure.numerator) or 0
        denominator = counts.get(figure.denominator) or 0 if figure.denominator else None
        if figure.kind == "count":
            values[figure.name] = int(numerator)
        elif figure.kind == "rate":
            values[figure.name] = rate(numerator, denominator)
        else:  # a mean of seconds
            scale = 3600 if figure.kind == "hours" else 60
            values[figure.name] = round(numerator / denominator / scale, 2) if denominator else None
    return values


def target_met(figure: Figure, value: float | None, previous: float | None) -> bool | None:
    """Whether a figure meets its target; None when it has no target or nothing to judge by."""
    if figure.target is None or value is None:
        return None
    kind, bound = figure.target
    if kind == "at_least":
        return value >= bound
    if previous is None:
        return None
    return value <= previous * bound


# 红黑榜: departments and districts ranked monthly by the three rates (三率, as Beijing's 接诉即办 ranks them).
RANKING_WEIGHTS = {"response_rate": 0.10, "resolution_rate": 0.45, "satisfaction_rate": 0.45}
RANKING_MIN_ROUNDS = 5  # dispatched tickets judged for 响应率 in the month
RANKING_MIN_CALLBACKS = 5  # completed callbacks in the month
RANKING_LIST_SIZE = 3  # 红榜: among the first three ranks; 黑榜: the last three
RANKING_RED_SCORE = 90.0  # a 红榜 place needs this score too
RANKING_BLACK_SCORE = 70.0  # below it a unit is on the 黑榜 whatever its rank
RANKING_RULES = (
    "每月对承办单位（市级部门）和区县分别排名，依据“三率”：响应率、解决率、满意率。",
    "综合得分 = 响应率 × 10% + 解决率 × 45% + 满意率 × 45%（百分制，保留两位小数）。",
    f"当月派单少于 {RANKING_MIN_ROUNDS} 件或完成回访少于 {RANKING_MIN_CALLBACKS} 件的单位样本不足，不参加排名，单独列出。",
    "得分相同的名次并列，下一名次顺延（如 1、1、3）。",
    f"红榜：排名前 {RANKING_LIST_SIZE} 名且综合得分不低于 {RANKING_RED_SCORE:.0f} 分；黑榜：参加排名的单位多于 "
    f"{2 * RANKING_LIST_SIZE} 个时排名后 {RANKING_LIST_SIZE} 名，以及综合得分低于 {RANKING_BLACK_SCORE:.0f} 分的单位"
    "（并列的一并列入）。",
    "区县的“三率”按属地承办单位（区县政府及其部门、街道乡镇）办理的工单计算。",
    "举报件不计入公开数据，以保护举报人；公开页面只有汇总数字，没有任何个人信息和诉求内容。",
)


def ranking_score(values: Mapping[str, float | None]) -> float | None:
    """The composite of the three rates in points (0-100), or None when one of them has nothing to measure."""
    if any(values.get(name) is None for name in RANKING_WEIGHTS):
        return None
    return round(100 * sum(weight * values[name] for name, weight in RANKING_WEIGHTS.items()), 2)
