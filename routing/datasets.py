"""Read dispatch-history rows (text, department, training-only context) from JSONL or CSV files."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from classifier.datasets import FIELD_JOINER, read_records


def read_rows(path: Path, text_fields: Sequence[str], label_field: str, context_fields: Sequence[str] = ()):
    """Return (texts, labels, contexts) from a UTF-8 JSONL or CSV file; a missing field is an error naming it.

    Several `text_fields` (e.g. a title and its body) are joined in order into the one text a ticket would carry.
    """
    records = read_records(path)
    texts, labels, contexts = [], [], []
    for number, record in enumerate(records, start=1):
        for field in [*text_fields, label_field, *context_fields]:
            if field not in record:
                raise ValueError(f"{path}: row {number} has no field {field!r} (fields: {sorted(record)})")
        if not str(record[label_field] or "").strip():
            raise ValueError(f"{path}: row {number} has an empty {label_field!r}")
        texts.append(FIELD_JOINER.join(str(record[f] or "") for f in text_fields))
        labels.append(str(record[label_field]))
        contexts.append([str(record[f] or "") for f in context_fields])
    if not texts:
        raise ValueError(f"{path}: no rows")
    return texts, labels, contexts


# A ticket a department returned before another kept it is a known confusion between the two: it counts
# twice, so the returning department's scores are pushed down hardest on exactly these texts.
RETURNED_WEIGHT = 2.0


def history_examples(rows: Sequence[dict]):
    """(texts, labels, weights) from dispatch history rows {text, kept_by, returned_by}.

    The label is the department that kept the ticket, never one that returned it. A return is a negative
    example: in the one-vs-rest linear model every row is a negative for all departments but its label, and a
    returned row weighs RETURNED_WEIGHT. Tickets nobody has kept yet carry only negatives and no label; they
    wait until a department keeps them.
    """
    kept = [row for row in rows if row["kept_by"] and str(row["text"]).strip()]
    texts = [row["text"] for row in kept]
    labels = [row["kept_by"] for row in kept]
    weights = [RETURNED_WEIGHT if set(row["returned_by"]) - {row["kept_by"]} else 1.0 for row in kept]
    return texts, labels, weights
