"""Read dispatch-history rows (text, department, training-only context) from JSONL or CSV files."""
from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path


def read_rows(path: Path, text_field: str, label_field: str, context_fields: Sequence[str] = ()):
    """Return (texts, labels, contexts) from a UTF-8 JSONL or CSV file; a missing field is an error naming it."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.DictReader(handle))
    else:
        with path.open(encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
    texts, labels, contexts = [], [], []
    for number, record in enumerate(records, start=1):
        for field in [text_field, label_field, *context_fields]:
            if field not in record:
                raise ValueError(f"{path}: row {number} has no field {field!r} (fields: {sorted(record)})")
        if not str(record[label_field] or "").strip():
            raise ValueError(f"{path}: row {number} has an empty {label_field!r}")
        texts.append(str(record[text_field] or ""))
        labels.append(str(record[label_field]))
        contexts.append([str(record[f] or "") for f in context_fields])
    if not texts:
        raise ValueError(f"{path}: no rows")
    return texts, labels, contexts


def sha256_of(texts: Sequence[str], labels: Sequence[str]) -> str:
    """Fingerprint of the exact training rows, stored in the artifact manifest."""
    digest = hashlib.sha256()
    for text, label in zip(texts, labels):
        digest.update(text.encode("utf-8") + b"\x1f" + label.encode("utf-8") + b"\x1e")
    return digest.hexdigest()
