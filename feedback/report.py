"""A period's metrics as a table for people: CSV (opens in Excel) and XLSX with the definitions sheet."""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from feedback.definitions import METRICS

OVERALL_KEY = "全部"


def report_header() -> list[str]:
    header = ["分组键", "分组"]
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
    for row in report_rows(result):
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue()


def report_xlsx(result: Mapping[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "指标"
    period, previous = result["period"], result["previous_period"]
    sheet.append(["统计期间", period["from"], period["to"], "对比期间", previous["from"], previous["to"]])
    sheet.append(["分组方式", result.get("group_by") or "无"])
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
    definitions.append(["指标", "字段", "口径", "目标"])
    for metric in METRICS:
        definitions.append([metric.label, metric.name, metric.definition, metric.target or ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
