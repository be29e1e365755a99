"""Metric definitions: one documented entry per metric, rates null when there is nothing to measure."""
from datetime import date, datetime, timezone

import pytest

from feedback.definitions import METRIC_NAMES, METRICS, metric_values, rate
from feedback.periods import Period, default_days, period_of_days

ISSUE_FIELDS = {"volume", "callback_rate", "not_callable", "satisfaction_rate", "resolution_rate", "on_time_sign_rate",
                "on_time_reply_rate", "handling_hours_mean", "handling_hours_p90", "repeat_contact_rate",
                "direct_answer_rate", "return_rate", "first_dispatch_accuracy", "reopen_rate"}


def test_every_field_the_supervisor_asked_for_is_defined_once_with_words():
    assert ISSUE_FIELDS <= set(METRIC_NAMES) and len(METRIC_NAMES) == len(set(METRIC_NAMES))
    assert all(m.definition and m.label for m in METRICS)
    assert all(m.denominator for m in METRICS if m.kind == "rate")


def test_a_rate_without_a_denominator_is_null_not_zero():
    assert rate(0, 0) is None
    assert rate(0, 5) == 0.0
    assert rate(1, 3) == 0.3333


def test_values_from_counts():
    values = metric_values({"replies": 4, "callbacks_done": 2, "not_callable": 1, "satisfied": 2,
                            "handling_hours_mean": 22.5, "handling_hours_p90": None})
    assert values["callback_rate"] == 0.5 and values["not_callable"] == 1 and values["satisfaction_rate"] == 1.0
    assert values["handling_hours_mean"] == 22.5 and values["handling_hours_p90"] is None
    assert values["on_time_sign_rate"] is None and values["volume"] == 0


def test_a_period_of_local_days_and_its_previous_twin():
    march = period_of_days(date(2026, 3, 1), date(2026, 3, 31))
    assert march.start.isoformat() == "2026-03-01T00:00:00+08:00"
    assert march.end.isoformat() == "2026-04-01T00:00:00+08:00"
    previous = march.previous()
    assert previous.end == march.start and previous.end - previous.start == march.end - march.start
    assert default_days(date(2026, 3, 31)) == (date(2026, 3, 2), date(2026, 3, 31))


def test_a_period_refuses_to_run_backwards():
    with pytest.raises(ValueError, match="before"):
        period_of_days(date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(ValueError):
        Period(datetime(2026, 3, 2, tzinfo=timezone.utc), datetime(2026, 3, 1, tzinfo=timezone.utc))
