"""How well the 举报 redaction hides people and keeps the reported place, on real messages from ../shared/data.

The labels (`redaction_labels.jsonl`, made by this project) name each message by its source file and id and mark
character spans of its text (title + newline + body) as `name`, `address` (the reporter's own, or a household's
unit), `number` (to be hidden) or `keep` (the reported place or organisation, which the department needs). They
never hold the text; a checksum refuses a changed data file. Set `tuning`: 37 messages the rules were improved on
(their numbers are optimistic); set `held_out`: 14 messages labelled after the rules were frozen.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from hotline.intake.redact import redaction_spans

LABELS = Path(__file__).resolve().parent / "redaction_labels.jsonl"
HIDDEN_KINDS = ("name", "address", "number")


def _texts(data_dir: Path, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    texts = {}
    for source in {s for s, _ in wanted}:
        with (data_dir / source).open(encoding="utf-8") as rows:
            for line in rows:
                row = json.loads(line)
                if (source, row["id"]) in wanted:
                    texts[(source, row["id"])] = (row.get("title") or "") + "\n" + (row.get("body") or "")
    return texts


def evaluate(data_dir: Path, labels: Path = LABELS) -> dict:
    """The measures of `evaluate_set` for each labelled set."""
    messages = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    sets = sorted({m["set"] for m in messages})
    return {name: evaluate_set(data_dir, [m for m in messages if m["set"] == name]) for name in sets}


def evaluate_set(data_dir: Path, messages: list[dict]) -> dict:
    """Recall per hidden kind (a span counts when every character of it is redacted), the share of `keep` spans
    left whole, and the share of unlabelled characters redacted (over-redaction)."""
    texts = _texts(data_dir, {(m["source"], m["id"]) for m in messages})
    caught, total = Counter(), Counter()
    missed: list[dict] = []
    extra_chars = unlabelled_chars = 0
    for message in messages:
        text = texts[(message["source"], message["id"])]
        if hashlib.sha256(text.encode()).hexdigest()[:16] != message["sha256"]:
            raise ValueError(f"{message['source']} id {message['id']} changed since it was labelled")
        redacted = set()
        for span in redaction_spans(text):
            redacted.update(range(span.start, span.end))
        labelled = set()
        for start, end, kind in message["spans"]:
            labelled.update(range(start, end))
            total[kind] += 1
            inside = set(range(start, end))
            ok = inside <= redacted if kind in HIDDEN_KINDS else not (inside & redacted)
            caught[kind] += ok
            if not ok:
                missed.append({"source": message["source"], "id": message["id"], "span": [start, end],
                               "kind": kind})
        unlabelled = set(range(len(text))) - labelled
        unlabelled_chars += len(unlabelled)
        extra_chars += len(unlabelled & redacted)
    hidden = sum(caught[k] for k in HIDDEN_KINDS), sum(total[k] for k in HIDDEN_KINDS)
    return {
        "messages": len(messages),
        "spans": dict(total),
        "recall": {k: round(caught[k] / total[k], 3) for k in HIDDEN_KINDS if total[k]},
        "recall_all_hidden": round(hidden[0] / hidden[1], 3) if hidden[1] else None,
        "keep_rate": round(caught["keep"] / total["keep"], 3) if total["keep"] else None,
        "over_redacted_chars": round(extra_chars / unlabelled_chars, 4) if unlabelled_chars else None,
        "missed": missed,
    }
