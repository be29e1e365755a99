"""How often auto-fill finds the field a person marked, on real messages labelled by two annotators.

A label file row names a message by source file and id (never its text) and gives, per field, [start, end)
offsets into `title + "。" + body` (whitespace runs folded to one space, both stripped), or null when the
message does not say it; a field left out was not settled and is not measured. A predicted span is right when
it overlaps the labelled one; no prediction for a null label is right too. Phones are right when the set of
digit strings equals the labelled one. `value` is a second reading: the predicted text counts when any place it
occurs in the message overlaps the label (the agent sees a value, not a position: the title often names what
the body names again).

The annotators read each body cut after BODY_SEEN characters (…（后略）): the extractor is given the same text,
else its answer from a part nobody labelled would count against it.

Rows are split once, by a hash of their key, into `tuning` (the rules were adjusted while looking at these) and
`held_out` (never looked at while writing the rules); both are reported.
"""
from __future__ import annotations

import json
import re
import zlib
from pathlib import Path
from typing import Any, Iterable

from hotline.autofill.extract import Filled, fill

FIELDS = ("time", "place", "object", "appeal")
SOURCES = {"U": "tipdm_messages_unlabeled.jsonl", "V": "tipdm_messages_with_votes.jsonl",
           "R": "tipdm_messages_with_replies.jsonl"}
_WHITESPACE = re.compile(r"\s+")
BODY_SEEN = 450


def message_text(message: dict[str, Any]) -> str:
    body = _WHITESPACE.sub(" ", message.get("body") or "").strip()
    return (message.get("title") or "").strip() + "。" + body


def split_of(source: str, message_id: int) -> str:
    return "held_out" if zlib.crc32(f"{source}:{message_id}".encode()) % 2 else "tuning"


def load_messages(data_dir: Path, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], dict]:
    found: dict[tuple[str, int], dict] = {}
    for source in {s for s, _ in wanted}:
        with open(data_dir / source, encoding="utf-8") as file:
            for line in file:
                row = json.loads(line)
                if (source, row["id"]) in wanted:
                    found[(source, row["id"])] = row
    return found


def _overlaps(start: int, end: int, label: list[int]) -> bool:
    return start < label[1] and label[0] < end


def _value_overlaps(text: str, value: str, label: list[int]) -> bool:
    at = text.find(value)
    while at >= 0:
        if _overlaps(at, at + len(value), label):
            return True
        at = text.find(value, at + 1)
    return False


def judge(text: str, filled: Filled, label: dict[str, Any]) -> dict[str, dict[str, bool]]:
    """Per measured field: {"right": positional, "value": by value}."""
    out: dict[str, dict[str, bool]] = {}
    for name in FIELDS:
        if name not in label:
            continue
        gold, span = label[name], getattr(filled, name)
        if gold is None:
            out[name] = {"right": span is None, "value": span is None}
        elif span is None:
            out[name] = {"right": False, "value": False}
        else:
            out[name] = {"right": _overlaps(span.start, span.end, gold),
                         "value": _value_overlaps(text, span.text, gold)}
    if "phones" in label and label["phones"] is not None:
        same = sorted(set(filled.phones)) == sorted(set(label["phones"]))
        out["phones"] = {"right": same, "value": same}
    return out


def evaluate(label_rows: Iterable[dict[str, Any]], data_dir: Path, *, gazetteer=None) -> dict[str, Any]:
    rows = [row for row in label_rows if row.get("source") and row.get("id") is not None]
    messages = load_messages(data_dir, {(r["source"], r["id"]) for r in rows})
    tallies: dict[str, dict[str, dict[str, int]]] = {}
    missing = 0
    for row in rows:
        message = messages.get((row["source"], row["id"]))
        if message is None:
            missing += 1
            continue
        text = message_text(message)
        seen = text[: text.index("。") + 1 + BODY_SEEN]
        for split in ("all", split_of(row["source"], row["id"])):
            for name, verdict in judge(text, fill(seen, gazetteer=gazetteer), row).items():
                t = tallies.setdefault(split, {}).setdefault(name, {"n": 0, "right": 0, "value": 0, "empty": 0})
                t["n"] += 1
                t["right"] += verdict["right"]
                t["value"] += verdict["value"]
                t["empty"] += row.get(name) in (None, [])
    result: dict[str, Any] = {"messages": len(rows) - missing, "missing_messages": missing}
    for split, by_field in sorted(tallies.items()):
        result[split] = {name: {"n": t["n"], "accuracy": round(t["right"] / t["n"], 3),
                                "value_accuracy": round(t["value"] / t["n"], 3), "labelled_empty": t["empty"]}
                         for name, t in sorted(by_field.items(), key=lambda kv: (FIELDS + ("phones",)).index(kv[0]))}
    return result


def read_labels(path: Path) -> list[dict[str, Any]]:
    """Label rows; a row keyed "U:123" (the lead's short form) is read as its source file and id."""
    rows = []
    with open(path, encoding="utf-8") as file:
        for line in file:
            if not line.strip():
                continue
            row = json.loads(line)
            if "key" in row and "source" not in row:
                letter, _, number = row["key"].partition(":")
                row = {**row, "source": SOURCES[letter], "id": int(number)}
            rows.append(row)
    return rows
