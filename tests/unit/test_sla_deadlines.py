"""Sign and reply deadlines per type and urgency, the 75 % warnings and extensions."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.seeds import SLA_POLICIES
from timelimits.calendar import WorkCalendar
from timelimits.sla import SlaClock, SlaPolicy, deadlines, extend, load_policies, policy_for

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()
POLICIES, WARN = load_policies(SLA_POLICIES)


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def test_seeded_defaults_are_those_of_the_design():
    table = {(p.type, p.urgency): (p.basis, p.sign_minutes, p.reply_minutes, p.reply_working_days) for p in POLICIES}
    assert table[("*", "emergency")] == ("natural", 30, 120, None)
    assert table[("consult", "*")] == ("working", 120, None, 1)
    assert table[("help", "*")] == table[("suggestion", "*")] == ("working", 120, None, 5)
    assert table[("complaint", "*")] == table[("report", "*")] == ("working", 120, None, 10)
    assert WARN == 0.75


def test_a_complaint_gets_two_working_hours_to_sign_and_ten_working_days_to_reply():
    due = deadlines(at(2026, 11, 17, 11), "complaint", "normal", CAL, policies=POLICIES)
    assert due["sign_by"] == at(2026, 11, 17, 15)  # 11:00-12:00, then 14:00-15:00 after lunch
    assert due["reply_by"] == at(2026, 12, 1, 11)  # two full weeks of working days


def test_an_emergency_counts_natural_time_even_at_night_and_on_holidays():
    start = at(2026, 10, 3, 23, 0)  # a National Day holiday, late evening
    due = deadlines(start, "complaint", "emergency", CAL, policies=POLICIES)
    assert due["sign_by"] == start + timedelta(minutes=30)
    assert due["reply_by"] == start + timedelta(hours=2)
    assert due["warn_reply_at"] == start + timedelta(minutes=90)


def test_emergency_overrides_the_type_but_not_the_other_way_round():
    assert policy_for(POLICIES, "consult", "emergency").basis == "natural"
    assert policy_for(POLICIES, "consult", "urgent").reply_working_days == 1
    assert policy_for(POLICIES, "praise", "normal").type == "*"


def test_warnings_fire_at_three_quarters_of_the_working_time():
    start = at(2026, 11, 17, 10)
    due = deadlines(start, "consult", "normal", CAL, policies=POLICIES)
    assert due["warn_sign_at"] == at(2026, 11, 17, 11, 30)  # 90 of 120 working minutes
    assert CAL.working_minutes_between(start, due["warn_reply_at"]) == pytest.approx(0.75 * 420)
    assert due["warn_sign_at"] < due["sign_by"] and due["warn_reply_at"] < due["reply_by"]


def test_a_consultation_dispatched_before_national_day_is_due_after_it():
    due = deadlines(at(2026, 9, 30, 16), "consult", "normal", CAL, policies=POLICIES)
    assert due["sign_by"] == at(2026, 10, 8, 9)  # 90 min on Sep 30, 30 min on Oct 8
    assert due["reply_by"] == at(2026, 10, 8, 16)


def test_an_extension_moves_the_deadline_and_leaves_the_original_untouched():
    due = deadlines(at(2026, 11, 17, 10), "complaint", "normal", CAL, policies=POLICIES)
    original = due["reply_by"]
    extended = extend(original, 3, CAL)
    assert extended == at(2026, 12, 4, 10)
    assert due["reply_by"] == original
    with pytest.raises(ValueError, match="working_days"):
        extend(original, 0, CAL)


def test_the_clock_object_gives_the_same_deadlines():
    clock = SlaClock.from_file(SLA_POLICIES, CAL)
    start = at(2026, 11, 17, 10)
    assert clock.deadlines(start, "help", "normal") == deadlines(start, "help", "normal", CAL, policies=POLICIES)
    assert clock.extend(start, 1) == at(2026, 11, 18, 10)


def test_a_broken_policy_row_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="reply_working_days needs basis 'working'"):
        SlaPolicy.from_mapping({"urgency": "emergency", "basis": "natural", "sign_minutes": 30,
                                "reply_working_days": 1})
    with pytest.raises(ValueError, match="unknown fields"):
        SlaPolicy.from_mapping({"basis": "working", "sign_minutes": 30, "reply_minutes": 60, "reply_hours": 1})


starts = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2026, 11, 30), timezones=st.just(SH))
kinds = st.sampled_from([("consult", "normal"), ("complaint", "urgent"), ("help", "normal"), ("report", "emergency")])


@settings(max_examples=40, deadline=None)
@given(starts, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)), kinds)
def test_deadlines_follow_the_start_and_never_precede_it(start, delay, kind):
    early = deadlines(start, *kind, CAL, policies=POLICIES)
    late = deadlines(start + delay, *kind, CAL, policies=POLICIES)
    for key in ("sign_by", "reply_by", "warn_sign_at", "warn_reply_at"):
        assert early[key] >= start
        assert late[key] >= early[key]
