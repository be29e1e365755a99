"""The days China's holiday law itself makes public holidays, for years the statutory calendar library does not know.

《全国年节及纪念日放假办法》 (as revised in 2024, in force from 2025) fixes 元旦 (1 January), 春节 (除夕 to 初三),
清明 (the solar term), 劳动节 (1-2 May), 端午 (5th day of the 5th lunar month), 中秋 (15th of the 8th) and 国庆
(1-3 October). Each autumn the State Council's notice adds the bridge days and the 调休 Saturdays around them for
the next year; until a centre enters those (hotline's 工作日历), these days at least are never counted as working.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from lunardate import LunarDate

LAW_IN_FORCE_FROM = 2025  # earlier years had fewer days (no 除夕, one day for 劳动节) and are in the library anyway
LUNAR_YEARS = range(1900, 2100)  # what lunardate can convert


@lru_cache(maxsize=64)
def holidays_by_law(year: int) -> frozenset[date]:
    """The public holidays the law fixes in `year` (empty before the law's current form or past the lunar tables)."""
    if year < LAW_IN_FORCE_FROM or year not in LUNAR_YEARS:
        return frozenset()
    spring_festival = LunarDate(year, 1, 1).to_solar_date()
    qingming = [day for day, term in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
                if term == "清明"]
    return frozenset({
        date(year, 1, 1),
        *(spring_festival + timedelta(days=offset) for offset in range(-1, 3)),  # 除夕 is the day before 初一
        *qingming,
        date(year, 5, 1), date(year, 5, 2),
        LunarDate(year, 5, 5).to_solar_date(),
        LunarDate(year, 8, 15).to_solar_date(),
        date(year, 10, 1), date(year, 10, 2), date(year, 10, 3),
    })
