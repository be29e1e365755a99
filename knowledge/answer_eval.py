"""Judge the answers the chat gives to a set of citizen questions: right, "not known", or a wrong matter.

A row says what a right answer is: `expect_kind` matter | clarify | article | unknown and `expect_codes` (the
matter, the whole family when the question does not say which sub-item, or the article). The rules:
- a matter is right when its code is expected (for a clarify row: any of the family's codes);
- a question back (clarify) is right when its options hold an expected code, unless the question named the
  sub-item (expect_kind matter): then only the matter itself is right;
- an article is right when it is the expected article;
- for a question the knowledge base cannot answer only "not known" (kind unknown) is right.
A wrong matter is a matter answer whose code is not expected: the one mistake that sends a citizen off with the
wrong materials list, counted over every question.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Mapping

KINDS = ("matter", "clarify", "article", "unknown")


def load_questions(path: Path | str) -> list[dict[str, Any]]:
    """Rows of a JSONL file with `question`, `expect_kind` and `expect_codes`; a broken row names its line."""
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"line {number}: not JSON ({error.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("question"), str) or not row["question"].strip():
            raise ValueError(f"line {number}: question: a non-empty text is required")
        if row.get("expect_kind") not in KINDS:
            raise ValueError(f"line {number}: expect_kind: must be one of {', '.join(KINDS)}")
        codes = row.get("expect_codes") or []
        if not isinstance(codes, list) or (row["expect_kind"] != "unknown" and not codes):
            raise ValueError(f"line {number}: expect_codes: a list of codes is required unless expect_kind is unknown")
        rows.append({**row, "expect_codes": codes})
    if not rows:
        raise ValueError("the file holds no questions")
    return rows


def answer_code(answer: Mapping[str, Any]) -> str | None:
    if answer.get("kind") == "matter" and answer.get("matter"):
        return answer["matter"]["code"]
    if answer.get("kind") == "article" and answer.get("article"):
        return answer["article"]["code"]
    return None


def verdict(row: Mapping[str, Any], answer: Mapping[str, Any]) -> str:
    """right | unknown (said "not known" to an answerable question) | wrong_matter | wrong_article |
    wrong_clarify (asked back about the wrong family, or asked back although the question named the sub-item) |
    answered (an unanswerable question got something other than "not known", not a matter)."""
    expected, codes, kind = row["expect_kind"], set(row["expect_codes"]), answer.get("kind")
    if kind == "matter" and answer_code(answer) not in codes:
        return "wrong_matter"
    if expected == "unknown":
        return "right" if kind == "unknown" else "answered"
    if kind == "unknown":
        return "unknown"
    if kind == "matter":
        return "right" if expected in ("matter", "clarify") else "wrong_matter"
    if kind == "clarify":
        options = {option["code"] for option in answer.get("options") or []}
        return "right" if expected == "clarify" and options & codes else "wrong_clarify"
    if kind == "article":
        return "right" if expected == "article" and answer_code(answer) in codes else "wrong_article"
    raise ValueError(f"unexpected answer kind {kind!r}")


def summarise(rows: Iterable[Mapping[str, Any]], answers: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The figures the issue's targets are stated in, plus where the misses went."""
    verdicts: Counter[str] = Counter()
    answer_kinds: Counter[str] = Counter()
    answerable = unanswerable = right = unknown_right = wrong_matter = guessed = 0
    for row, answer in zip(rows, answers, strict=True):
        result = verdict(row, answer)
        answer_kinds[answer.get("kind")] += 1
        if row["expect_kind"] == "unknown":
            unanswerable += 1
            unknown_right += result == "right"
        else:
            answerable += 1
            right += result == "right"
            verdicts[result] += 1
            # a sub-item picked although the question did not say which: right by the rule, still a guess
            guessed += row["expect_kind"] == "clarify" and answer.get("kind") == "matter"
        wrong_matter += result == "wrong_matter"
    n = answerable + unanswerable
    return {
        "n": n, "answerable": answerable, "unanswerable": unanswerable,
        "right": round(right / answerable, 4) if answerable else None, "right_count": right,
        "unknown_when_unanswerable": round(unknown_right / unanswerable, 4) if unanswerable else None,
        "unknown_when_unanswerable_count": unknown_right,
        "wrong_matter": round(wrong_matter / n, 4), "wrong_matter_count": wrong_matter,
        "kinds": {kind: answer_kinds.get(kind, 0) for kind in KINDS},
        "answerable_misses": {k: v for k, v in sorted(verdicts.items()) if k != "right"},
        "sub_item_guessed": guessed,
    }
