"""The project's labels of real citizen messages: stored by source file and id (never the text), joined to the
messages in ../shared/data at run time, with the two annotators' agreement (Cohen's kappa) and a fixed split."""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

LABEL_FILE = Path(__file__).resolve().parent / "data" / "labels" / "real_messages.jsonl"
HEADS = ("type", "urgency", "category")
ANNOTATION_COLUMNS = ("type", "urgency", "category")  # each annotator's labels of a row: [type, urgency, category]
TEST_SHARE = 4  # one message in four is held out: chosen by a hash of its key, fixed before any model was fitted


@dataclass(frozen=True)
class LabelledMessage:
    source: str
    id: int | str
    text: str
    labels: dict[str, str]
    split: str  # "train" | "test"


def split_of(source: str, message_id: int | str) -> str:
    digest = hashlib.sha256(f"{source}:{message_id}".encode()).digest()
    return "test" if digest[0] % TEST_SHARE == 0 else "train"


def message_text(record: dict) -> str:
    """Title and body of a raw message, as intake would join them."""
    return "。".join(part for part in (str(record.get("title") or "").strip(),
                                      re.sub(r"\s+", " ", str(record.get("body") or "")).strip()) if part)


def read_label_rows(path: Path = LABEL_FILE) -> list[dict]:
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_messages(shared_data_dir: Path, *, path: Path = LABEL_FILE) -> list[LabelledMessage]:
    """The settled labels joined to their messages; a label whose message is missing is an error naming it."""
    rows = read_label_rows(path)
    texts: dict[tuple[str, str], str] = {}
    for source in sorted({row["source"] for row in rows}):
        with (Path(shared_data_dir) / source).open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                texts.setdefault((source, str(record["id"])), message_text(record))
    messages = []
    for row in rows:
        key = (row["source"], str(row["id"]))
        if key not in texts:
            raise ValueError(f"{path}: no message {key[1]} in {key[0]}")
        messages.append(LabelledMessage(source=row["source"], id=row["id"], text=texts[key],
                                        labels={head: row[head] for head in HEADS if row.get(head)},
                                        split=split_of(*key)))
    return messages


def cohen_kappa(first: list[str], second: list[str]) -> float:
    """Agreement of two annotators beyond chance: (p_observed - p_expected) / (1 - p_expected)."""
    if len(first) != len(second) or not first:
        raise ValueError("cohen_kappa needs two equally long, non-empty label lists")
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second)) / n
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[label] * count_b[label] for label in count_a) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def agreement_report(path: Path = LABEL_FILE) -> dict:
    """Per head (and per category level): rows, raw agreement and Cohen's kappa of annotators a and b."""
    rows = [r for r in read_label_rows(path) if r.get("a") and r.get("b")]
    report: dict = {"messages": len(rows)}
    cuts = {"type": None, "urgency": None, "category_level1": 1, "category_level2": 2, "category_level3": 3}
    for name, level in cuts.items():
        head = "category" if level else name
        column = ANNOTATION_COLUMNS.index(head)
        pairs = [(r["a"][column], r["b"][column]) for r in rows]
        if level:
            pairs = [("/".join(a.split("/")[:level]), "/".join(b.split("/")[:level])) for a, b in pairs]
        if not pairs:
            continue
        first, second = [a for a, _ in pairs], [b for _, b in pairs]
        report[name] = {"n": len(pairs), "agreement": round(sum(a == b for a, b in pairs) / len(pairs), 4),
                        "kappa": round(cohen_kappa(first, second), 4)}
    report["settled_by_third_reading"] = sum(1 for r in rows if r.get("c"))
    return report
