"""The period report opens in a spreadsheet with the same numbers, previous period beside each."""
import csv
import io
import re

from openpyxl import load_workbook

from feedback.definitions import METRICS, metric_values
from feedback.report import report_csv, report_xlsx

CURRENT = metric_values({"volume": 10, "replies": 4, "callbacks_done": 3, "not_callable": 1, "satisfied": 3})
PREVIOUS = metric_values({"volume": 8})
RESULT = {
    "period": {"from": "2026-03-01T00:00:00+08:00", "to": "2026-04-01T00:00:00+08:00"},
    "previous_period": {"from": "2026-01-29T00:00:00+08:00", "to": "2026-03-01T00:00:00+08:00"},
    "group_by": "channel",
    "overall": {**CURRENT, "previous": PREVIOUS},
    "groups": [{"key": "phone", "label": "电话", **CURRENT, "previous": PREVIOUS}],
}


def test_csv_has_one_row_per_group_and_blank_for_unmeasurable_rates():
    rows = list(csv.DictReader(io.StringIO(report_csv(RESULT))))
    assert [r["分组"] for r in rows] == ["全市合计", "电话"]
    assert rows[0]["受理量"] == "10" and rows[0]["受理量(上期)"] == "8"
    assert rows[0]["回访率"] == "75.0%" and rows[0]["回访率(上期)"] == ""  # a percentage; unmeasurable: blank
    assert rows[0]["满意率"] == "100.0%"


def test_xlsx_carries_the_numbers_and_the_definitions():
    book = load_workbook(io.BytesIO(report_xlsx(RESULT)))
    sheet = book["指标"]
    header = [c.value for c in sheet[4]]
    overall = [c.value for c in sheet[5]]
    assert overall[header.index("满意率")] == 1.0 and overall[header.index("无法回访")] == 1
    assert sheet.cell(5, header.index("回访率") + 1).number_format == "0.0%"
    assert [c.value for c in sheet[1]][:4] == ["统计期间", "2026-03-01 至 2026-03-31", "对比期间（上期）",
                                               "2026-01-29 至 2026-02-28"]
    assert [c.value for c in sheet[2]][:2] == ["分组方式", "按渠道"]
    definitions = list(book["口径"].values)
    assert definitions[0] == ("指标", "口径", "目标")
    assert [row[0] for row in definitions[1:len(METRICS) + 1]] == [m.label for m in METRICS]
    assert definitions[1][1].startswith("统计期内受理") and definitions[7][2] == "不低于 95%"


def test_a_person_reads_no_english_in_the_export():
    """Every header, definition, target and label a person reads in the files is Chinese (codes only as keys)."""
    book = load_workbook(io.BytesIO(report_xlsx(RESULT)))
    texts = [c for sheet in book for row in sheet.values for c in row if isinstance(c, str)]
    texts += next(csv.reader(io.StringIO(report_csv(RESULT))))
    english = [t for t in texts if re.search(r"[A-Za-z]{3,}", t) and t not in ("phone",)]  # "phone": the group's code
    assert english == []
