"""The knowledge file formats: every seed document survives JSON and CSV unchanged, and a spreadsheet's
mistakes come back as row + field + reason."""
import csv
import datetime as dt
import io
import json

import pytest

from knowledge.seeds.load import load_articles, load_matters
from knowledge.transfer import MATTER_COLUMNS, Row, family_problems, read_rows, to_csv, to_json


@pytest.mark.parametrize("kind", ["matters", "articles"])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_every_seed_document_survives_export_and_import(kind, fmt):
    documents = load_matters() if kind == "matters" else load_articles()
    data = to_json(documents) if fmt == "json" else to_csv(kind, documents)
    rows, errors = read_rows(kind, fmt, data)
    assert errors == []
    assert [row.document for row in rows] == [{k: v for k, v in d.items() if k != "version"} for d in documents]


def _matter_sheet() -> list[list[str]]:
    return list(csv.reader(io.StringIO(to_csv("matters", load_matters()[:3]).decode("utf-8-sig"), newline="")))


def _bytes(rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def test_spreadsheet_edits_read_back_as_typed_values():
    header, *rows = _matter_sheet()
    rows[0][header.index("生效日期")] = "2026/3/5"  # how Excel writes a date back
    rows[0][header.index("最多跑一次")] = "否"
    rows[0][header.index("法定时限(工作日)")] = "20"
    parsed, errors = read_rows("matters", "csv", _bytes([header, *rows], encoding="gb18030"))
    assert errors == []
    first = parsed[0].document
    assert first["effective_date"] == dt.date(2026, 3, 5) and first["max_one_visit"] is False
    assert first["time_limit"]["legal_days"] == 20 and parsed[0].version == 1


def test_each_bad_cell_is_named_with_its_row_and_code():
    header, *rows = _matter_sheet()
    rows[1][header.index("申请材料")] = "身份证原件"
    rows[2][header.index("版本")] = "第二版"
    rows[2][header.index("下次审核日期")] = "明年"
    rows.append(list(rows[0]))  # the same matter twice
    parsed, errors = read_rows("matters", "csv", _bytes([header, *rows]))
    found = {(e["row"], e["code"], e["field"]) for e in errors}
    codes = [r[0] for r in rows]
    assert found == {(2, codes[1], "materials"), (3, codes[2], "version"), (3, codes[2], "review_due"),
                     (4, codes[0], "code")}
    assert [row.number for row in parsed] == [1]
    assert all(e["reason"] for e in errors)


def test_missing_and_unknown_columns_are_file_errors():
    header, *rows = _matter_sheet()
    keep = [i for i, h in enumerate(header) if h != "办理地点"]
    sheet = [[r[i] for i in keep] + ["x"] for r in [header, *rows]]
    sheet[0][-1] = "备注"
    _, errors = read_rows("matters", "csv", _bytes(sheet))
    assert {(e["row"], e["field"]) for e in errors} == {(0, "location"), (0, "备注")}


def test_a_json_file_that_is_not_a_list_is_refused_whole():
    _, errors = read_rows("articles", "json", json.dumps({"code": "x"}).encode())
    assert [(e["row"], e["field"]) for e in errors] == [(0, "file")]


def test_english_field_names_are_accepted_as_headers():
    header, *rows = _matter_sheet()
    english = [next(c.key for c in MATTER_COLUMNS if c.header == h) for h in header]
    parsed, errors = read_rows("matters", "csv", _bytes([english, *rows]))
    assert errors == [] and len(parsed) == 3


def test_a_shared_main_item_needs_every_sub_item_named():
    stored = [{"code": "a-sc", "main_item": "居民身份证", "sub_item": "首次申领"}]
    incoming = [Row(1, {"code": "a-x", "main_item": "居民身份证", "sub_item": None}, None),
                Row(2, {"code": "a-y", "main_item": "居民身份证", "sub_item": "首次申领"}, None),
                Row(3, {"code": "b", "main_item": "护照", "sub_item": None}, None)]
    errors = family_problems(incoming, stored)
    assert {(e["row"], e["field"]) for e in errors} == {(1, "sub_item"), (2, "sub_item")}


FORMULAS = ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "\t=1+1", "'=already quoted",
            "''=twice", "-", "'plain apostrophe"]


def test_formula_cells_are_escaped_in_the_csv_and_read_back_unchanged():
    articles = [{**load_articles()[0], "code": f"formula-{i}", "question": text, "answer": text + "是答案",
                 "keywords": [text.strip()]} for i, text in enumerate(FORMULAS)]  # list items are trimmed
    data = to_csv("articles", articles)
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    for row in rows:
        for cell in row:  # what Excel would run as a formula now starts with an apostrophe
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    question = header.index("问题")
    assert [r[question] for r in rows] == [
        "'=cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0", "'+1+1", "'-2+3", "'\t=1+1", "''=already quoted",
        "'''=twice", "'-", "'plain apostrophe"]
    parsed, errors = read_rows("articles", "csv", data)
    assert errors == []
    assert [row.document for row in parsed] == [{k: v for k, v in a.items() if k != "version"} for a in articles]
