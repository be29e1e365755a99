"""Read labelled messages from JSONL or CSV files, joining several text fields in order."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

FIELD_JOINER = "。"  # keeps a title and its body apart without inventing words


def read_records(path: Path) -> list[dict]:
    """Every row of a UTF-8 JSONL or CSV file (CSV by its suffix), as dicts."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_labelled(path: Path, text_fields: list[str], label_field: str) -> tuple[list[str], list[str]]:
    """Return (texts, labels) from a UTF-8 JSONL or CSV file; a missing field is an error naming it."""
    records = read_records(path)
    texts, labels = [], []
    for number, record in enumerate(records, start=1):
        for field in [*text_fields, label_field]:
            if field not in record:
                raise ValueError(f"{path}: row {number} has no field {field!r} (fields: {sorted(record)})")
        texts.append(FIELD_JOINER.join(str(record[f] or "") for f in text_fields))
        labels.append(str(record[label_field]))
    if not texts:
        raise ValueError(f"{path}: no rows")
    return texts, labels


def read_split(path: Path, label_field: str, split: str) -> tuple[list[str], list[str]]:
    """Rows of one split ('train' or 'test') from the hand-written examples shipped in classifier/data."""
    with Path(path).open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    chosen = [r for r in records if r["split"] == split]
    return [r["text"] for r in chosen], [r[label_field] for r in chosen]


def sha256_of(texts: list[str], labels: list[str]) -> str:
    """Fingerprint of the exact training rows, stored in the artifact manifest."""
    digest = hashlib.sha256()
    for text, label in zip(texts, labels):
        digest.update(text.encode("utf-8") + b"\x1f" + label.encode("utf-8") + b"\x1e")
    return digest.hexdigest()
