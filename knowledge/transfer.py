"""Matters and FAQ articles to and from JSON and spreadsheet-friendly CSV, every row validated before any is used.

CSV is written for a centre that edits in Excel: UTF-8 with a byte-order mark (so Excel shows Chinese),
Chinese column headers, one row per matter or article. Nested fields keep one cell each:
plain text lists (适用依据, 办事流程, 关键词 ...) hold one item per line (Alt+Enter in Excel); 申请材料 and
常见问题 hold a JSON list, one object per line; 办理时限 is split into three columns. On import, either the
Chinese header or the field name is accepted, a GB18030 file (Excel's "CSV" on Chinese Windows) is read
too, and dates may be 2026-01-01 or Excel's 2026/1/1.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one) as a formula, so a
text an editor saved as `=HYPERLINK(...)` would act on whoever opens the export. As OWASP advises, every such
cell is written with a leading apostrophe (and every cell quoted); the import removes that one apostrophe, so a
file exported and imported unchanged leaves every text as it was.

The `version` column is the version the row was exported at: it is not content. An import skips rows equal
to what is stored, and refuses a changed row whose version is older than the stored one (someone edited
the document after this file was exported; importing would silently undo their edit).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from knowledge.seeds.load import ARTICLE_KEYS, MATTER_KEYS, article_problems, matter_problems

KINDS = ("matters", "articles")
FORMATS = ("json", "csv")


class Column(NamedTuple):
    key: str  # seed-file field; "a.b" is field b of the object in field a
    header: str  # what the spreadsheet shows
    cell: str  # text | optional_text | lines | json | count | flag | date


MATTER_COLUMNS = (
    Column("code", "事项编码", "text"),
    Column("main_item", "主项名称", "text"),
    Column("sub_item", "子项名称", "optional_text"),
    Column("department", "责任部门编码", "text"),
    Column("basis", "适用依据", "lines"),
    Column("materials", "申请材料", "json"),
    Column("process", "办事流程", "lines"),
    Column("internal_process", "业务经办流程", "lines"),
    Column("time_limit.legal_days", "法定时限(工作日)", "count"),
    Column("time_limit.promised_days", "承诺时限(工作日)", "count"),
    Column("time_limit.note", "时限说明", "optional_text"),
    Column("forms", "表单内容", "lines"),
    Column("location", "办理地点", "text"),
    Column("hours", "办理时间", "text"),
    Column("fee", "收费标准", "text"),
    Column("max_one_visit", "最多跑一次", "flag"),
    Column("online", "网上可办", "flag"),
    Column("online_url", "网办地址", "optional_text"),
    Column("faqs", "常见问题", "json"),
    Column("keywords", "关键词", "lines"),
    Column("effective_date", "生效日期", "date"),
    Column("reviewer", "审核人", "optional_text"),
    Column("review_due", "下次审核日期", "date"),
    Column("version", "版本", "count"),
)
ARTICLE_COLUMNS = (
    Column("code", "编码", "text"),
    Column("question", "问题", "text"),
    Column("answer", "答案", "text"),
    Column("department", "部门编码", "text"),
    Column("keywords", "关键词", "lines"),
    Column("version", "版本", "count"),
)
COLUMNS = {"matters": MATTER_COLUMNS, "articles": ARTICLE_COLUMNS}
_KEYS = {"matters": MATTER_KEYS, "articles": ARTICLE_KEYS}
_YES, _NO = {"是", "true", "1", "y", "yes"}, {"否", "false", "0", "n", "no"}
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
# A cell a spreadsheet would read as a formula, or one escaped already (apostrophes then a formula's first character):
# both get one more apostrophe on export, and lose one on import.
_FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")


class Row(NamedTuple):
    """One validated import row: its 1-based position in the file, the document, the version it was exported at."""
    number: int
    document: dict[str, Any]
    version: int | None


def row_error(row: int, code: Any, problem: str) -> dict[str, Any]:
    """A "field: reason" problem as the import's per-row error."""
    field, _, reason = problem.partition(":")
    return {"row": row, "code": code if isinstance(code, str) else None, "field": field.strip(),
            "reason": reason.strip() or problem}


def column_header(kind: str, field: str) -> str | None:
    """The spreadsheet column a problem's field sits in ("materials[2].name" is in 申请材料), so an error names
    the column the person editing the file sees; None for problems of the whole file or row."""
    headers = {column.key: column.header for column in COLUMNS[kind]}
    return headers.get(field) or headers.get(re.split(r"[.\[]", field, maxsplit=1)[0])


def stored_document(kind: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A database row in seed-file shape plus its `version`: what export writes and import compares with."""
    keys = _KEYS[kind] if kind == "matters" else (*ARTICLE_KEYS, "version")
    return {key: row["department_code"] if key == "department" else row[key] for key in keys}


def same_content(stored: Mapping[str, Any], incoming: Mapping[str, Any]) -> bool:
    return {k: v for k, v in stored.items() if k != "version"} == {k: v for k, v in incoming.items() if k != "version"}


# ---- export ----

def to_json(documents: Iterable[Mapping[str, Any]]) -> bytes:
    return json.dumps(list(documents), ensure_ascii=False, indent=2, default=_iso).encode("utf-8")


def to_csv(kind: str, documents: Iterable[Mapping[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    columns = COLUMNS[kind]
    writer.writerow([c.header for c in columns])
    for document in documents:
        writer.writerow([escape_formula(_write_cell(c.cell, _get(document, c.key))) for c in columns])
    # The byte-order mark is what makes Excel read the file as UTF-8 instead of the local code page.
    return out.getvalue().encode("utf-8-sig")


def escape_formula(text: str) -> str:
    """The cell as a spreadsheet shows it but never runs it."""
    return "'" + text if _FORMULA_START.match(text) else text


def unescape_formula(text: str) -> str:
    return text[1:] if text.startswith("'") and _FORMULA_START.match(text) else text


def _write_cell(cell: str, value: Any) -> str:
    if value is None:
        return ""
    if cell == "lines":
        return "\n".join(value)
    if cell == "json":
        return "[" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in value) + "]" if value else "[]"
    if cell == "flag":
        return "是" if value else "否"
    return _iso(value) if isinstance(value, dt.date) else str(value)


# ---- import ----

def read_rows(kind: str, fmt: str, data: bytes) -> tuple[list[Row], list[dict[str, Any]]]:
    """Parse and validate every row of a file: (valid rows, per-row errors). Row 0 is the file itself."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    raw, errors = _json_records(data) if fmt == "json" else _csv_records(kind, data)
    rows: list[Row] = []
    first_row_of: dict[str, int] = {}
    for number, record, cell_errors in raw:
        code = record.get("code") if isinstance(record, dict) else None
        problems = cell_errors + _document_problems(kind, record)
        if isinstance(code, str) and code in first_row_of:
            problems.append(f"code: appears again (first at row {first_row_of[code]})")
        elif isinstance(code, str):
            first_row_of[code] = number
        if problems:
            errors.extend(row_error(number, code, p) for p in problems)
            continue
        document = dict(record)
        version = document.pop("version", None)
        rows.append(Row(number, document, version))
    return rows, errors


def _document_problems(kind: str, record: Any) -> list[str]:
    if not isinstance(record, dict):
        return [f"row: must be an object with the fields {list(_KEYS[kind])}"]
    record = dict(record)
    version = record.pop("version", None)
    problems = []
    if version is not None and not (isinstance(version, int) and not isinstance(version, bool) and version >= 1):
        problems.append(f"version: must be a whole number >= 1 or empty, got {version!r}")
    if kind == "matters":
        # The stored version is the matter's, not the file's: validate the content with a placeholder.
        return problems + matter_problems({**record, "version": 1})
    return problems + article_problems(record)


def _json_records(data: bytes) -> tuple[list[tuple[int, Any, list[str]]], list[dict[str, Any]]]:
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return [], [row_error(0, None, f"file: not valid UTF-8 JSON ({error})")]
    if not isinstance(records, list):
        return [], [row_error(0, None, f"file: must be a JSON list of records, got {type(records).__name__}")]
    # JSON has no date type: ISO strings become dates; anything else stays text and the validator names it.
    return [(n, _with_dates(r) if isinstance(r, dict) else r, []) for n, r in enumerate(records, start=1)], []


def _with_dates(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    for key in ("effective_date", "review_due"):
        if isinstance(out.get(key), str):
            out[key] = _date(out[key]) or out[key]
    return out


def _csv_records(kind: str, data: bytes) -> tuple[list[tuple[int, Any, list[str]]], list[dict[str, Any]]]:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            content = data.decode("gb18030")
        except UnicodeDecodeError:
            return [], [row_error(0, None, "file: not UTF-8 or GB18030 text")]
    reader = csv.reader(io.StringIO(content, newline=""))
    header = [h.strip() for h in next(reader, [])]
    columns = COLUMNS[kind]
    by_name = {name: column for column in columns for name in (column.header, column.key)}
    errors = [row_error(0, None, f"{h}: unknown column") for h in header if h and h not in by_name]
    present = {by_name[h].key for h in header if h in by_name}
    errors.extend(row_error(0, None, f"{c.key}: missing column {c.header}") for c in columns
                  if c.key not in present and c.key != "version")
    if errors:
        return [], errors
    records = []
    for number, cells in enumerate((cells for cells in reader if any(c.strip() for c in cells)), start=1):
        record: dict[str, Any] = {"time_limit": {}} if kind == "matters" else {}
        problems = []
        for name, value in zip(header, cells + [""] * (len(header) - len(cells))):
            if not name:
                continue
            column = by_name[name]
            try:
                _put(record, column.key, _read_cell(column.cell, value))
            except ValueError as error:
                problems.append(f"{column.key}: {column.header} {error}")
                _put(record, column.key, None)
        records.append((number, record, problems))
    return records, []


def _read_cell(cell: str, value: str) -> Any:
    value = unescape_formula(value.strip()).replace("\r\n", "\n")
    if cell == "text":
        return value
    if cell == "optional_text":
        return value or None
    if cell == "lines":
        return [line.strip() for line in value.splitlines() if line.strip()]
    if cell == "json":
        try:
            return json.loads(value) if value else []
        except json.JSONDecodeError as error:
            raise ValueError(f"is not a valid JSON list ({error.msg} at character {error.pos})") from None
    if cell == "count":
        if not value:
            return None
        if not re.fullmatch(r"\d+(\.0+)?", value):
            raise ValueError(f"must be a whole number, got {value!r}")
        return int(float(value))
    if cell == "flag":
        if value.lower() in _YES:
            return True
        if value.lower() in _NO:
            return False
        raise ValueError(f"must be 是 or 否, got {value!r}")
    if cell == "date":
        return _date(value) or value or None
    raise AssertionError(cell)


def _date(value: str) -> dt.date | None:
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _get(document: Mapping[str, Any], key: str) -> Any:
    outer, _, inner = key.partition(".")
    value = document.get(outer)
    return (value or {}).get(inner) if inner else value


def _put(record: dict[str, Any], key: str, value: Any) -> None:
    outer, _, inner = key.partition(".")
    if inner:
        record.setdefault(outer, {})[inner] = value
    else:
        record[outer] = value


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def family_problems(rows: list[Row], stored: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Sub-item rules across the stored matters and the imported ones: the chat asks "which one?" within
    a main item, so a main item shared by several matters needs every sub-item named, and no two alike."""
    merged = {m["code"]: (None, m) for m in stored}
    merged.update({row.document["code"]: (row.number, row.document) for row in rows})
    families: dict[str, list[tuple[int | None, Mapping[str, Any]]]] = {}
    for number, matter in merged.values():
        families.setdefault(matter["main_item"], []).append((number, matter))
    errors = []
    for main_item, family in families.items():
        seen: dict[Any, str] = {}
        for number, matter in sorted(family, key=lambda item: item[0] is not None):
            sub = matter.get("sub_item")
            if number is not None and sub is None and len(family) > 1:
                errors.append(row_error(number, matter["code"], f"sub_item: must be set because main_item "
                                                                f"{main_item!r} has {len(family)} matters"))
            elif number is not None and sub in seen:
                errors.append(row_error(number, matter["code"], f"sub_item: {main_item}（{sub}） is already "
                                                                f"matter {seen[sub]}"))
            seen.setdefault(sub, matter["code"])
    return errors
