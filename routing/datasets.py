"""Read dispatch-history rows (text, department, training-only context) from JSONL or CSV files."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from classifier.datasets import read_records


def read_rows(path: Path, text_field: str, label_field: str, context_fields: Sequence[str] = ()):
    """Return (texts, labels, contexts) from a UTF-8 JSONL or CSV file; a missing field is an error naming it."""
    records = read_records(path)
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

