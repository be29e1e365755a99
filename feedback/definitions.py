"""Every supervisor metric in one place: what it counts, over what, and how a value is formed from SQL counts.

The counts come from hotline/callbacks/metrics.sql: the ticket rows `receive` events create (same transaction,
same time); metric_facts, one row per dispatch, return and sign event, which triggers on ticket_events and
tickets.sign_by keep in step in the writer's transaction (migration 0008); and the callbacks table, whose row
for each reply is written in the reply's transaction with the reply's facts (time, on_time, the round's start)
and later its outcome.
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
