"""Load and validate the seed knowledge files (matters, bundles, FAQ articles) into plain dicts."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

SEEDS_DIR = Path(__file__).resolve().parent
MATTERS_DIR = SEEDS_DIR / "matters"
BUNDLES_FILE = SEEDS_DIR / "bundles.yaml"
ARTICLES_FILE = SEEDS_DIR / "articles.yaml"

MUNICIPAL_DEPARTMENTS = frozenset({
    "zjj", "sthjj", "jtysj", "jyj", "rsj", "swj", "wjw", "gaj", "scjgj", "zrzyj", "zhzfj", "mzj",
    "ybj", "gjj", "wgly", "slj", "nyncj", "yjglj", "fgw", "jxj", "czj", "tax", "sfj", "tyjr", "spj",
    "water", "power", "gas", "xfj", "tyj", "kjj", "dsj",
})
DISTRICT_CODES = (
    "330302", "330303", "330304", "330305", "330324", "330326",
    "330327", "330328", "330329", "330381", "330382", "330383",
)
# District governments are the fallback unit for matters handled only at district level.
DEPARTMENTS = MUNICIPAL_DEPARTMENTS | {f"gov-{code}" for code in DISTRICT_CODES}
MATERIAL_FORMS = ("original", "copy", "original_or_copy")

MATTER_KEYS = (
    "code", "main_item", "sub_item", "department", "basis", "materials", "process",
    "internal_process", "time_limit", "forms", "location", "hours", "fee", "max_one_visit",
    "online", "online_url", "faqs", "keywords", "version", "effective_date", "reviewer",
    "review_due",
)
MATERIAL_KEYS = ("name", "form", "copies", "required", "condition", "note")
TIME_LIMIT_KEYS = ("legal_days", "promised_days", "note")
FAQ_KEYS = ("q", "a")
BUNDLE_KEYS = ("code", "name", "description", "matters", "departments")
ARTICLE_KEYS = ("code", "question", "answer", "department", "keywords")

CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class SeedError(ValueError):
    """Raised when a seed file breaks the schema; lists every problem found, not just the first."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in seed knowledge:\n" + "\n".join(problems))


def load_matters(path: Path | str | None = None) -> list[dict[str, Any]]:
    """Read every matter from a YAML file or a directory of them (default: the bundled seeds)."""
    source = Path(path) if path is not None else MATTERS_DIR
    files = sorted(source.glob("*.yaml")) if source.is_dir() else [source]
    problems: list[str] = []
    matters: list[dict[str, Any]] = []
    for file in files:
        for index, matter in enumerate(_read_list(file, problems)):
            where = f"{file.name}[{index}]"
            if isinstance(matter, dict) and "code" in matter:
                where += f" {matter['code']}"
            problems.extend(f"{where}: {p}" for p in _matter_problems(matter))
            matters.append(matter)
    problems.extend(_duplicates("matter code", [m.get("code") for m in matters if isinstance(m, dict)]))
    problems.extend(_duplicates(
        "matter (main_item, sub_item)",
        [(m.get("main_item"), m.get("sub_item")) for m in matters if isinstance(m, dict)],
    ))
    problems.extend(_sub_item_problems([m for m in matters if isinstance(m, dict)]))
    if problems:
        raise SeedError(problems)
    return matters


def load_bundles(path: Path | str | None = None, matters: list[dict] | None = None) -> list[dict[str, Any]]:
    """Read the one-thing (一件事) bundles and check each one names existing matters."""
    file = Path(path) if path is not None else BUNDLES_FILE
    matters = load_matters() if matters is None else matters
    department_of = {m["code"]: m["department"] for m in matters}
    problems: list[str] = []
    bundles = _read_list(file, problems)
    for index, bundle in enumerate(bundles):
        where = f"{file.name}[{index}]"
        keyed = _key_problems(bundle, BUNDLE_KEYS)
        if keyed:
            problems.extend(f"{where}: {p}" for p in keyed)
            continue
        where += f" {bundle['code']}"
        problems.extend(f"{where}: {p}" for p in _bundle_problems(bundle, department_of))
    problems.extend(_duplicates("bundle code", [b.get("code") for b in bundles if isinstance(b, dict)]))
    if problems:
        raise SeedError(problems)
    return bundles


def load_articles(path: Path | str | None = None) -> list[dict[str, Any]]:
    """Read the plain FAQ articles (questions callers ask that are not matters)."""
    file = Path(path) if path is not None else ARTICLES_FILE
    problems: list[str] = []
    articles = _read_list(file, problems)
    for index, article in enumerate(articles):
        where = f"{file.name}[{index}]"
        if isinstance(article, dict) and "code" in article:
            where += f" {article['code']}"
        problems.extend(f"{where}: {p}" for p in article_problems(article))
    problems.extend(_duplicates("article code", [a.get("code") for a in articles if isinstance(a, dict)]))
    if problems:
        raise SeedError(problems)
    return articles


def article_problems(article: Any) -> list[str]:
    """Every problem of one FAQ article (seed-file shape), each as "field: reason"; empty when it is valid."""
    problems = _key_problems(article, ARTICLE_KEYS)
    if not isinstance(article, dict):
        return problems
    checks = {
        "code": lambda: _code_problem(article["code"]),
        "question": lambda: _text_problem(article, "question"),
        "answer": lambda: _text_problem(article, "answer"),
        "department": lambda: _department_problem(article["department"]),
        "keywords": lambda: _text_list_problem(article, "keywords", min_items=1),
    }
    # Check every field that is present, so one pass reports all of an article's problems.
    problems.extend(p for key, check in checks.items() if key in article and (p := check()))
    return problems


def _read_list(file: Path, problems: list[str]) -> list:
    if not file.exists():
        problems.append(f"{file}: file not found")
        return []
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(f"{file.name}: not valid YAML ({exc})")
        return []
    if not isinstance(data, list):
        problems.append(f"{file.name}: top level must be a list, got {type(data).__name__}")
        return []
    return data


def matter_problems(matter: Any) -> list[str]:
    """Every problem of one matter (seed-file shape), each as "field: reason"; empty when it is valid."""
    return _matter_problems(matter)


def _matter_problems(matter: Any) -> list[str]:
    problems = _key_problems(matter, MATTER_KEYS)
    if not isinstance(matter, dict):
        return problems
    # Check every field that is present, so one pass reports all of a matter's problems.
    for key, check in _MATTER_FIELD_CHECKS.items():
        if key in matter:
            problems.extend(p for p in check(matter) if p)
    if all(isinstance(matter.get(k), dt.date) for k in ("effective_date", "review_due")):
        if matter["review_due"] <= matter["effective_date"]:
            problems.append(
                f"review_due: {matter['review_due']} must come after effective_date {matter['effective_date']}"
            )
    return problems


def _materials_problems(materials: Any) -> list[str]:
    if not isinstance(materials, list) or not materials:
        return ["materials: must be a non-empty list"]
    problems: list[str] = []
    for i, material in enumerate(materials):
        where = f"materials[{i}]"
        keyed = _key_problems(material, MATERIAL_KEYS)
        if keyed:
            problems.extend(f"{where}.{p}" for p in keyed)
            continue
        if not _is_text(material["name"]):
            problems.append(f"{where}.name: must be non-empty text")
        if material["form"] not in MATERIAL_FORMS:
            allowed = "|".join(MATERIAL_FORMS)
            problems.append(f"{where}.form: must be one of {allowed}, got {material['form']!r}")
        copies = material["copies"]
        if not (isinstance(copies, int) and not isinstance(copies, bool) and copies >= 1):
            problems.append(f"{where}.copies: must be a whole number >= 1, got {copies!r}")
        if not isinstance(material["required"], bool):
            problems.append(f"{where}.required: must be true or false, got {material['required']!r}")
        # A conditional material is only useful to the caller if it says when it is needed.
        elif material["required"] and material["condition"] is not None:
            problems.append(f"{where}.condition: a required material has no condition; set required: false")
        elif not material["required"] and not _is_text(material["condition"]):
            problems.append(
                f"{where}.condition: a conditional material (required: false) must say when it is needed"
            )
        if material["note"] is not None and not _is_text(material["note"]):
            problems.append(f"{where}.note: must be text or null")
    if not any(m.get("required") is True for m in materials if isinstance(m, dict)):
        problems.append("materials: at least one material must be required for everyone")
    return problems


def _time_limit_problems(limit: Any) -> list[str]:
    keyed = _key_problems(limit, TIME_LIMIT_KEYS)
    if keyed:
        return [f"time_limit.{p}" for p in keyed]
    problems = []
    for key in ("legal_days", "promised_days"):
        days = limit[key]
        if days is not None and not (isinstance(days, int) and not isinstance(days, bool) and days >= 0):
            problems.append(f"time_limit.{key}: must be a whole number of days >= 0 or null, got {days!r}")
    legal, promised = limit["legal_days"], limit["promised_days"]
    if isinstance(legal, int) and isinstance(promised, int) and promised > legal:
        problems.append(f"time_limit.promised_days: {promised} exceeds the legal limit {legal}")
    if limit["note"] is not None and not _is_text(limit["note"]):
        problems.append("time_limit.note: must be text or null")
    return problems


def _faq_problems(faqs: Any) -> list[str]:
    if not isinstance(faqs, list):
        return ["faqs: must be a list"]
    problems = []
    for i, faq in enumerate(faqs):
        keyed = _key_problems(faq, FAQ_KEYS)
        problems.extend(f"faqs[{i}].{p}" for p in keyed)
        if not keyed and not (_is_text(faq["q"]) and _is_text(faq["a"])):
            problems.append(f"faqs[{i}]: q and a must both be non-empty text")
    return problems


def _bundle_problems(bundle: dict, department_of: dict[str, str]) -> list[str]:
    checks = [
        _code_problem(bundle["code"]),
        _text_problem(bundle, "name"),
        _text_problem(bundle, "description"),
        _text_list_problem(bundle, "matters", min_items=2),
        _text_list_problem(bundle, "departments", min_items=2),
    ]
    problems = [p for p in checks if p]
    if problems:
        return problems
    unknown = [code for code in bundle["matters"] if code not in department_of]
    problems.extend(f"matters: unknown matter code {code!r}" for code in unknown)
    problems.extend(f"departments: {p}" for d in bundle["departments"] if (p := _department_problem(d)))
    missing = {department_of[c] for c in bundle["matters"] if c in department_of} - set(bundle["departments"])
    if missing:
        problems.append(f"departments: must list every department of its matters, missing {sorted(missing)}")
    return problems


def _sub_item_problems(matters: list[dict]) -> list[str]:
    # The chat asks "which one?" among sub-items, so a shared main item must name every variant.
    by_main: dict[str, list[dict]] = {}
    for matter in matters:
        by_main.setdefault(str(matter.get("main_item")), []).append(matter)
    return [
        f"{m.get('code')}: sub_item: must be set because main_item {main!r} has {len(group)} matters"
        for main, group in by_main.items() if len(group) > 1
        for m in group if m.get("sub_item") is None
    ]


def _key_problems(record: Any, keys: tuple[str, ...]) -> list[str]:
    if not isinstance(record, dict):
        return [f"must be a mapping with keys {list(keys)}, got {type(record).__name__}"]
    missing = [k for k in keys if k not in record]
    unknown = [k for k in record if k not in keys]
    return [f"{k}: missing (keep every key; use null or [] when empty)" for k in missing] + [
        f"{k}: unknown key" for k in unknown
    ]


def _duplicates(what: str, values: list) -> list[str]:
    # Keyed by repr so a malformed (unhashable) value is reported, not a crash.
    counts = Counter(repr(value) for value in values)
    return [f"duplicate {what}: {value}" for value, n in counts.items() if n > 1]


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _code_problem(code: Any) -> str | None:
    if not (isinstance(code, str) and CODE_PATTERN.match(code)):
        return f"code: must be lowercase ascii words joined by '-', got {code!r}"
    return None


def _department_problem(department: Any) -> str | None:
    if department not in DEPARTMENTS:
        return f"department: unknown department code {department!r}"
    return None


def _text_problem(record: dict, key: str) -> str | None:
    return None if _is_text(record[key]) else f"{key}: must be non-empty text, got {record[key]!r}"


def _optional_text_problem(record: dict, key: str) -> str | None:
    if record[key] is None or _is_text(record[key]):
        return None
    return f"{key}: must be non-empty text or null, got {record[key]!r}"


def _text_list_problem(record: dict, key: str, *, min_items: int) -> str | None:
    value = record[key]
    if not isinstance(value, list) or not all(_is_text(v) for v in value):
        return f"{key}: must be a list of non-empty text, got {value!r}"
    if len(value) < min_items:
        return f"{key}: needs at least {min_items} item(s)"
    return None


def _bool_problem(record: dict, key: str) -> str | None:
    return None if isinstance(record[key], bool) else f"{key}: must be true or false, got {record[key]!r}"


def _url_problem(url: Any) -> str | None:
    if url is None or (isinstance(url, str) and url.startswith(("https://", "http://"))):
        return None
    return f"online_url: must be an http(s) URL or null, got {url!r}"


def _date_problem(record: dict, key: str) -> str | None:
    value = record[key]
    # PyYAML turns an unquoted 2026-01-01 into a date; a quoted or malformed one stays text.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return None
    return f"{key}: must be a date written as YYYY-MM-DD, got {value!r}"


def _version_problem(record: dict) -> str | None:
    version = record["version"]
    if isinstance(version, int) and not isinstance(version, bool) and version >= 1:
        return None
    return f"version: must be a whole number >= 1, got {version!r}"


_MATTER_FIELD_CHECKS = {
    "code": lambda m: [_code_problem(m["code"])],
    "main_item": lambda m: [_text_problem(m, "main_item")],
    "sub_item": lambda m: [_optional_text_problem(m, "sub_item")],
    "department": lambda m: [_department_problem(m["department"])],
    "basis": lambda m: [_text_list_problem(m, "basis", min_items=1)],
    "materials": lambda m: _materials_problems(m["materials"]),
    "process": lambda m: [_text_list_problem(m, "process", min_items=1)],
    "internal_process": lambda m: [_text_list_problem(m, "internal_process", min_items=1)],
    "time_limit": lambda m: _time_limit_problems(m["time_limit"]),
    "forms": lambda m: [_text_list_problem(m, "forms", min_items=0)],
    "location": lambda m: [_text_problem(m, "location")],
    "hours": lambda m: [_text_problem(m, "hours")],
    "fee": lambda m: [_text_problem(m, "fee")],
    "max_one_visit": lambda m: [_bool_problem(m, "max_one_visit")],
    "online": lambda m: [_bool_problem(m, "online")],
    "online_url": lambda m: [_url_problem(m["online_url"])],
    "faqs": lambda m: _faq_problems(m["faqs"]),
    "keywords": lambda m: [_text_list_problem(m, "keywords", min_items=1)],
    "version": lambda m: [_version_problem(m)],
    "effective_date": lambda m: [_date_problem(m, "effective_date")],
    "reviewer": lambda m: [_optional_text_problem(m, "reviewer")],
    "review_due": lambda m: [_date_problem(m, "review_due")],
}
