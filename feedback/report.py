"""A period's metrics as a table for people: CSV (opens in Excel) and XLSX with the definitions sheet, in Chinese,
rates as percentages."""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from feedback.definitions import METRICS

OVERALL_KEY = "全部"
GROUP_BY_LABELS = {None: "不分组", "department": "按承办单位", "channel": "按渠道", "category": "按业务分类",
                   "district": "按区县"}
# The 口径 sheet in the supervisor's words (definitions.py keeps the engineers' wording beside the SQL).
DEFINITIONS_ZH = {
    "volume": "统计期内受理的工单数；按承办单位分组时计入工单当前的主办单位",
    "replied": "统计期内的办结答复次数（重办后再次答复的再计一次）；按承办单位分组时计入答复单位。以下各项回访指标均以此为基数",
    "callback_rate": "统计期内答复的工单中已完成回访（接通并评价）的比例；无法回访的仍计入分母",
    "not_callable": "统计期内答复、无法回访的工单数（匿名、无联系电话、拒绝回访、三次未接通），单列，仍计入回访率分母",
    "refused": "无法回访中，接通后市民拒绝评价的件数（拒绝回访）",
    "callbacks_pending": "统计期内答复、尚待回访的工单数",
    "satisfaction_rate": "（满意 + 基本满意）÷ 已完成回访数，以统计期内答复的工单为准",
    "resolution_rate": "已完成回访中市民表示问题已解决的比例",
    "on_time_sign_rate": "统计期内的签收中，在该轮签收时限内签收的比例",
    "on_time_reply_rate": "统计期内的答复中，在办结时限（经批准延期的按延期后时限）内答复的比例",
    "handling_hours_mean": "从该轮最后一次派单或重办到答复的平均小时数（自然时间），以统计期内的答复为准",
    "handling_hours_p90": "同一办理时长的第 90 百分位数（九成工单在此时长内答复）",
    "repeat_contact_rate": "统计期内受理的工单中，被座席合并到已有在办工单（重复件）的比例；按承办单位分组时计入被合并工单的单位",
    "direct_answer_rate": "统计期内受理的咨询件中，首次接触即直接答复的比例",
    "return_rate": "统计期内退单次数 ÷ 派单次数；按承办单位分组时为该单位的退单 ÷ 派给该单位的单",
    "returns": "统计期内的退单次数",
    "first_dispatch_accuracy": "统计期内首次派出的工单中从未被退回的比例；按承办单位分组时计入首次派往的单位",
    "reopen_rate": "统计期内答复的工单中，回访复核后重办的比例",
    "appeals_upheld": "统计期内答复、回访不满意后承办单位申诉成立的件数",
}
TARGETS_ZH = {"100%": "100%", ">= 95%": "不低于 95%", "10% shorter than the previous period": "比上期缩短 10%",
              "half of the previous period": "降到上期的一半"}


def period_days(period: Mapping[str, str]) -> tuple[date, date]:
    """The first and the last local day of a period given as ISO instants [from, to) (to is exclusive)."""
    start, end = datetime.fromisoformat(period["from"]), datetime.fromisoformat(period["to"])
    return start.date(), (end - timedelta(days=1)).date()


def _period_text(period: Mapping[str, str]) -> str:
    first, last = period_days(period)
    return f"{first} 至 {last}"


def _percent(value: float | None) -> str | None:
    return None if value is None else f"{value * 100:.1f}%"


def report_header() -> list[str]:
    header = ["分组编码", "分组"]
    for metric in METRICS:
        header += [metric.label, f"{metric.label}(上期)"]
    return header


def _row(key: Any, label: Any, values: Mapping[str, Any]) -> list[Any]:
    row = [key, label]
    previous = values.get("previous", {})
    for metric in METRICS:
        row += [values.get(metric.name), previous.get(metric.name)]
    return row


def report_rows(result: Mapping[str, Any]) -> list[list[Any]]:
    """The overall row first, then one row per group, each metric followed by its previous-period value."""
    rows = [_row(OVERALL_KEY, "全市合计", result["overall"])]
    rows += [_row(g["key"], g.get("label") or g["key"], g) for g in result.get("groups", [])]
    return rows


def report_csv(result: Mapping[str, Any]) -> str:
    """CSV text; the caller encodes it as UTF-8 with a BOM so Excel reads the Chinese headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(report_header())
    kinds = [None, None] + [m.kind for m in METRICS for _ in range(2)]
    for row in report_rows(result):
        # A rate reads as a percentage (52.3%), as a person writes it; unmeasurable stays blank, never 0.
        writer.writerow(["" if cell is None else _percent(cell) if kind == "rate" else cell
                         for cell, kind in zip(row, kinds)])
    return buffer.getvalue()


def report_xlsx(result: Mapping[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "指标"
    period, previous = result["period"], result["previous_period"]
    sheet.append(["统计期间", _period_text(period), "对比期间（上期）", _period_text(previous)])
    sheet.append(["分组方式", GROUP_BY_LABELS.get(result.get("group_by"), result.get("group_by"))])
    sheet.append([])
    sheet.append(report_header())
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    kinds = [None, None] + [m.kind for m in METRICS for _ in range(2)]
    for row in report_rows(result):
        sheet.append(row)
        for cell, kind in zip(sheet[sheet.max_row], kinds):
            if kind == "rate":
                cell.number_format = "0.0%"
            elif kind == "hours":
                cell.number_format = "0.00"
    definitions = book.create_sheet("口径")
    definitions.append(["指标", "口径", "目标"])
    for metric in METRICS:
        target = TARGETS_ZH.get(metric.target, metric.target) if metric.target else ""
        definitions.append([metric.label, DEFINITIONS_ZH[metric.name], target])
    definitions.append([])
    definitions.append(["说明", "比率以百分数表示；分母为 0 的比率留空（无可统计，不等于 0%）；“(上期)”为紧邻统计期、等长的前一期间"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
