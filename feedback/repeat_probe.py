"""How well one cosine threshold tells "the same event again" from "another matter nearby", on public messages.

Ground truth: two messages with the same title are the same event (re-posts, or several people using one
petition title); two messages with different titles are counted as different events, although some are not
(several wordings of one local dispute), so the precision measured is a lower bound. Pairs are what intake
compares: the same place (district or county named in the text, else the city) within `window_days`.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import numpy as np

_DISTRICT = re.compile(r"[A-Z]\d{0,2}[区县]")
_CITY = re.compile(r"[A-Z]\d{0,2}市")


def place_of(text: str) -> str | None:
    """The first district or county a message names, else its city (how the anonymised messages name places)."""
    found = _DISTRICT.search(text) or _CITY.search(text)
    return found.group(0) if found else None


def candidate_pairs(titles: Sequence[str], places: Sequence[str | None], times: Sequence[datetime], *,
                    window_days: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """(pairs (n, 2) of row indices in the same place within the window, same_event (n,) booleans)."""
    order = sorted(range(len(times)), key=lambda i: times[i])
    window = window_days * 86400
    pairs, same = [], []
    for position, i in enumerate(order):
        for j in order[position + 1:]:
            if (times[j] - times[i]).total_seconds() > window:
                break
            if places[i] is not None and places[i] == places[j]:
                pairs.append((i, j))
                same.append(titles[i].strip() == titles[j].strip())
    return np.array(pairs, dtype=np.int64).reshape(-1, 2), np.array(same, dtype=bool)


def threshold_curve(vectors: np.ndarray, pairs: np.ndarray, same_event: np.ndarray,
                    thresholds: Sequence[float], reworded: np.ndarray | None = None) -> list[dict]:
    """Precision and recall of "cosine >= t" at each threshold; `reworded` marks same-event pairs whose bodies
    differ, the repeats worth finding (a verbatim re-post is easy at any threshold)."""
    similarity = np.einsum("ij,ij->i", vectors[pairs[:, 0]], vectors[pairs[:, 1]])
    positives = int(same_event.sum())
    curve = []
    for t in thresholds:
        flagged = similarity >= t
        hits = int((flagged & same_event).sum())
        point = {"threshold": round(float(t), 3), "flagged": int(flagged.sum()),
                 "precision": round(hits / int(flagged.sum()), 3) if flagged.any() else None,
                 "recall": round(hits / positives, 3) if positives else None}
        if reworded is not None and reworded.any():
            point["recall_reworded"] = round(int((flagged & reworded).sum()) / int(reworded.sum()), 3)
        curve.append(point)
    return curve


def best_threshold(curve: list[dict]) -> dict:
    """The point with the highest F1 (precision and recall weigh alike: a missed repeat costs a duplicate
    ticket, a wrong candidate costs the agent a look)."""
    def f1(point):
        p, r = point["precision"] or 0.0, point["recall"] or 0.0
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    best = max(curve, key=f1)
    return {**best, "f1": round(f1(best), 3)}
