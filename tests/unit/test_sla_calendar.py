"""The working calendar: statutory holidays, 调休 make-up days, working hours and their arithmetic."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timelimits.calendar import WorkCalendar

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def test_national_day_2026_is_off_and_its_make_up_days_are_worked():
    # what chinese_calendar 1.11 says for 国庆 2026: Oct 1-7 off, Sunday Sep 20 and Saturday Oct 10 worked
    assert not any(CAL.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert CAL.is_workday(date(2026, 9, 20)) and CAL.is_workday(date(2026, 10, 10))
    assert CAL.is_workday(date(2026, 10, 8))
    assert not CAL.is_workday(date(2026, 10, 11))


def test_a_consultation_received_on_the_eve_of_national_day_is_due_after_the_holiday():
    # Wed Sep 30 16:00 + 1 working day: 90 min left that day, the rest on Thu Oct 8
    assert CAL.add_working_days(at(2026, 9, 30, 16), 1) == at(2026, 10, 8, 16)


def test_the_make_up_saturday_counts_as_a_working_day():
    # Fri Oct 9 10:00 + 1 working day is Saturday Oct 10 (调休), not Monday
    assert CAL.add_working_days(at(2026, 10, 9, 10), 1) == at(2026, 10, 10, 10)


def test_spring_festival_2026_is_skipped():
    # 春节 2026: Feb 15-23 off, Saturday Feb 14 worked
    assert CAL.is_workday(date(2026, 2, 14))
    assert CAL.add_working_days(at(2026, 2, 14, 9), 1) == at(2026, 2, 24, 9)


def test_an_ordinary_weekend_is_skipped():
    # Fri Nov 13 2026 15:00 + 1 working day -> Mon Nov 16 15:00
    assert CAL.add_working_days(at(2026, 11, 13, 15), 1) == at(2026, 11, 16, 15)


def test_one_working_day_from_tuesday_morning_is_wednesday_morning():
    assert CAL.add_working_days(at(2026, 11, 17, 10), 1) == at(2026, 11, 18, 10)


def test_working_time_carries_over_lunch_and_the_end_of_the_day():
    assert CAL.add_working_time(at(2026, 11, 17, 11), 120) == at(2026, 11, 17, 15)
    assert CAL.add_working_time(at(2026, 11, 17, 17), 120) == at(2026, 11, 18, 10)
    # received at night: the clock starts at 08:30 the next working day
    assert CAL.add_working_time(at(2026, 11, 17, 22), 30) == at(2026, 11, 18, 9)


def test_a_limit_ending_exactly_at_closing_time_is_due_then():
    assert CAL.add_working_time(at(2026, 11, 17, 16), 90) == at(2026, 11, 17, 17, 30)


def test_other_timezones_are_converted_to_the_calendar_zone():
    utc_start = datetime(2026, 11, 17, 2, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in Shanghai
    assert CAL.add_working_time(utc_start, 60) == at(2026, 11, 17, 11)


def test_a_naive_datetime_is_refused_naming_the_field():
    with pytest.raises(ValueError, match="start"):
        CAL.add_working_time(datetime(2026, 11, 17, 10), 10)


def test_working_hours_are_configurable():
    nine_to_five = WorkCalendar(working_hours=[(time(9), time(17))])
    assert nine_to_five.minutes_per_day == 480
    assert nine_to_five.add_working_days(at(2026, 11, 17, 12), 1) == at(2026, 11, 18, 12)


def test_years_the_library_does_not_know_count_monday_to_friday_less_the_holidays_fixed_by_law(caplog):
    caplog.set_level("WARNING")
    assert not CAL.is_workday(date(2032, 1, 1))  # a Thursday, but 元旦 by law
    assert CAL.is_workday(date(2032, 1, 2))  # the Friday after: a bridge day only once the State Council says so
    assert not CAL.is_workday(date(2032, 1, 3))  # a Saturday
    assert "2032" in caplog.text  # the operator is told the calendar is approximate
    # 2027: 除夕 (Friday 5 February) to 初三 (Monday 8) are off, so is 端午 (Wednesday 9 June); a complaint due in 10
    # working days from Thursday 4 February counts from Tuesday 9 and runs to Monday 22 February.
    assert [CAL.is_workday(date(2027, 2, d)) for d in (4, 5, 8, 9)] == [True, False, False, True]
    assert not CAL.is_workday(date(2027, 6, 9))
    assert CAL.add_working_days(at(2027, 2, 4, 10), 10) == at(2027, 2, 22, 10)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_holidays_fixed_by_law_are_holidays_in_the_state_councils_calendar(year):
    from timelimits.calendar import statutory_workday
    from timelimits.holidays import holidays_by_law

    law = holidays_by_law(year)
    assert len(law) == 13 or (year == 2025 and len(law) == 12)  # 2025: 中秋 fell on 6 October, inside 国庆's week
    assert [day for day in sorted(law) if statutory_workday(day) is not False] == []


def test_extra_holidays_and_workdays_override_the_statutory_calendar():
    typhoon = WorkCalendar(extra_holidays=[date(2026, 11, 18)], extra_workdays=[date(2026, 11, 21)])
    assert typhoon.add_working_days(at(2026, 11, 17, 10), 1) == at(2026, 11, 19, 10)
    assert typhoon.is_workday(date(2026, 11, 21))


moments = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2027, 11, 30),  # 2027: the law-only year
                       timezones=st.just(SH))
amounts = st.integers(min_value=0, max_value=10 * 420)


@settings(max_examples=60, deadline=None)
@given(moments, amounts)
def test_adding_working_time_never_goes_back_and_measures_back_to_the_same_amount(start, minutes):
    due = CAL.add_working_time(start, minutes)
    assert due >= start
    assert CAL.working_minutes_between(start, due) == pytest.approx(minutes)


@settings(max_examples=60, deadline=None)
@given(moments, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)), amounts)
def test_a_later_start_never_gives_an_earlier_deadline(start, delay, minutes):
    assert CAL.add_working_time(start + delay, minutes) >= CAL.add_working_time(start, minutes)
