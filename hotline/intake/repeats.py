"""Repeat contacts: does this caller, or this event, already have an open ticket?

A candidate is an open ticket from the last `window_days` that has the same caller's phone, or that says
nearly the same thing (cosine >= `similarity`) about the same district. Intake records candidates; an agent
confirms by merging (`merge`), which is what the repeat-contact rate counts.

Same-event threshold for E5 (the default embedder): 0.94, measured on the public 问政 messages with votes (`hotline
feedback repeat-threshold --embedder e5 --other-pairs 200`, feedback/repeat_probe.py). Pairs are what intake
compares (same place named, within 30 days); same title = same event. 105 same-event pairs (53 reworded, not
verbatim re-posts) against 226,596 other pairs, of which a random 200 were embedded (E5 takes about 1 s a message on
a busy 2-core machine): the other pairs sit at median 0.883, 99th percentile 0.917, highest 0.918; same-event pairs
at lowest 0.934, 10th percentile 0.974. Recall at 0.92 / 0.94 / 0.96 / 0.98: 1.0 / 0.99 / 0.95 / 0.88 (reworded 1.0
/ 0.98 / 0.91 / 0.75). 0.94 keeps a margin above every sampled other pair; precision beyond that 1-in-200 sample is
not measured (and is a lower bound: some pairs with different titles are the same dispute).
USE: 0.6, measured the same way (`--embedder use --other-pairs 200`): other pairs median 0.291, 99th percentile
0.559, highest 0.624; same-event pairs lowest 0.625. At 0.6 precision 0.991 and recall 1.0 (reworded 1.0); the best
F1 is at 0.57 (0.995).
"""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import numpy as np

from hotline.infra.sql import load_queries

Q = load_queries(__file__)


# Cosine scales differ by model; how each value was chosen is in the module docstring.
SAME_EVENT_SIMILARITY = {"multilingual-e5-small-q4": 0.94, "use-multilingual-v3": 0.6}


@dataclass(frozen=True)
class RepeatPolicy:
    window_days: int = 30
    similarity: float = 0.85  # for an embedder without a measured threshold above
    max_candidates: int = 5

    def threshold(self, embedder: str | None) -> float:
        return SAME_EVENT_SIMILARITY.get(embedder or "", self.similarity)


async def store_vector(conn: asyncpg.Connection, *, ticket_id: int, embedder: str, vector: np.ndarray) -> None:
    await conn.execute(Q.insert_vector, ticket_id, embedder, vector.astype(np.float32).tobytes())


async def find_repeats(
    conn: asyncpg.Connection, *, ticket_id: int, phone: str | None, district_code: str | None,
    vector: np.ndarray | None, embedder: str | None, policy: RepeatPolicy = RepeatPolicy(),
) -> list[dict]:
    """Record and return the candidates for a new ticket, best first (by caller when `phone` is given, by
    similar text in the same district when `vector` is)."""
    rows = []
    if phone is not None:  # a frequent caller's last open tickets are enough; no vectors needed
        rows += await conn.fetch(Q.recent_open_by_caller, ticket_id, phone, policy.window_days)
    if vector is not None and district_code is not None:
        rows += await conn.fetch(Q.recent_open_in_district, ticket_id, district_code, policy.window_days, embedder)
    candidates = []
    for row in rows:
        similarity = 0.0
        if vector is not None and row["vector"] is not None:
            similarity = float(np.frombuffer(row["vector"], dtype=np.float32) @ vector)
        same_caller = phone is not None and row["citizen_phone"] == phone
        same_event = similarity >= policy.threshold(embedder) and row["district_code"] == district_code
        if same_caller or same_event:
            candidates.append({"ticket_id": row["id"], "ticket_number": row["ticket_number"],
                               "same_caller": same_caller, "similarity": round(similarity, 4)})
    candidates.sort(key=lambda c: (-c["similarity"], not c["same_caller"]))
    candidates = candidates[: policy.max_candidates]
    if candidates:
        await conn.executemany(Q.insert_candidate, [
            (ticket_id, c["ticket_id"], c["same_caller"], c["similarity"]) for c in candidates
        ])
    return candidates
