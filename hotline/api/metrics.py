"""The supervisor's view: metrics per period and group, the department league table, report exports."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Response

from feedback.periods import CITY_TIMEZONE, Period, default_days, period_of_days
from feedback.report import GROUP_BY_LABELS, period_days, report_csv, report_xlsx
from hotline.api.deps import ReadConn, require_roles
from hotline.auth.tokens import Principal
from hotline.metrics.report import league_table, metrics_report
from hotline.infra.errors import InvalidField
from hotline.infra.validation import day_out_of_range

router = APIRouter(prefix="/api/v1", tags=["metrics"])
Supervisor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]
GroupBy = Literal["department", "channel", "category", "district"]
MAX_DAYS = 731  # two years: the previous period doubles the scan
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(
    from_: Annotated[date | None, Query(alias="from", description="first local day, YYYY-MM-DD")] = None,
    to: Annotated[date | None, Query(description="last local day, included")] = None,
) -> Period:
    for field, day in (("from", from_), ("to", to)):
        if day is not None and (problem := day_out_of_range(day)):
            raise InvalidField(field, problem)
    default_from, default_to = default_days(datetime.now(ZoneInfo(CITY_TIMEZONE)).date())
    first, last = from_ or default_from, to or default_to
    if from_ is None and to is not None:
        first = last - (default_to - default_from)
    if last < first:
        raise InvalidField("to", f"{last} is before from ({first})")
    if (last - first).days >= MAX_DAYS:
        raise InvalidField("from", f"a period is at most {MAX_DAYS} days")
    return period_of_days(first, last)


ReportPeriod = Annotated[Period, Depends(_period)]


async def _report(conn, period: Period, group_by: str | None) -> dict[str, Any]:
    # The counts and the percentile are two reads: one snapshot keeps them about the same events.
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        return await metrics_report(conn, period=period, group_by=group_by)


@router.get("/metrics")
async def metrics(conn: ReadConn, _: Supervisor, period: ReportPeriod,
                  group_by: GroupBy | None = None) -> dict[str, Any]:
    return await _report(conn, period, group_by)


@router.get("/metrics/league")
async def league(conn: ReadConn, _: Supervisor, period: ReportPeriod) -> dict[str, Any]:
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        return await league_table(conn, period=period)


def _disposition(period: Period, group_by: str | None, suffix: str) -> str:
    """The file name carries the chosen days (the last one included, as chosen): Chinese for the browser, with an
    ASCII fallback."""
    first, last = period_days(period.as_dict())
    ascii_name = f"hotline-report-{first}_{last}-{group_by or 'overall'}.{suffix}"
    name = f"12345热线报表_{first}至{last}_{GROUP_BY_LABELS.get(group_by, group_by)}.{suffix}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@router.get("/metrics/report.csv")
async def report_as_csv(conn: ReadConn, _: Supervisor, period: ReportPeriod,
                        group_by: GroupBy | None = None) -> Response:
    result = await _report(conn, period, group_by)
    # The BOM lets Excel open the Chinese headers as UTF-8.
    return Response(report_csv(result).encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": _disposition(period, group_by, "csv")})


@router.get("/metrics/report.xlsx")
async def report_as_xlsx(conn: ReadConn, _: Supervisor, period: ReportPeriod,
                         group_by: GroupBy | None = None) -> Response:
    result = await _report(conn, period, group_by)
    return Response(report_xlsx(result), media_type=XLSX,
                    headers={"Content-Disposition": _disposition(period, group_by, "xlsx")})
