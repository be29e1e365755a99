"""Okapi BM25 over analysed terms, editable in place so adding, updating or removing a document needs no rebuild."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np


class BM25Index:
    """Inverted index of term -> {slot: term frequency}; document ids are the caller's (database) integer ids.

    Postings are kept as dicts for cheap edits and turned into numpy arrays per term, so scoring a
    query is a few vectorised array operations per query term. `prepare()` builds the arrays of the
    terms touched by edits ahead of the next query (else the first query using a term pays for it).
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75):
        self.k1 = k1
        self.b = b
        self._slot_by_id: dict[int, int] = {}
        self._id_by_slot = np.full(0, -1, dtype=np.int64)
        self._lengths = np.zeros(0, dtype=np.float32)
        self._terms_by_slot: dict[int, Counter] = {}
        self._postings: dict[str, dict[int, int]] = {}
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._edited_terms: set[str] = set()
        self._free_slots: list[int] = []
        self._total_length = 0

    def __len__(self) -> int:
        return len(self._slot_by_id)

    def __contains__(self, doc_id: int) -> bool:
        return doc_id in self._slot_by_id

    def add(self, doc_id: int, terms: Iterable[str]) -> None:
        """Index a document under `doc_id`, replacing any earlier version of it."""
        self.remove(doc_id)
        counts = Counter(terms)
        slot = self._free_slots.pop() if self._free_slots else self._grow()
        self._slot_by_id[doc_id] = slot
        self._id_by_slot[slot] = doc_id
        self._lengths[slot] = sum(counts.values())
        self._total_length += int(self._lengths[slot])
        self._terms_by_slot[slot] = counts
        for term, tf in counts.items():
            self._postings.setdefault(term, {})[slot] = tf
            self._arrays.pop(term, None)
            self._edited_terms.add(term)

    def remove(self, doc_id: int) -> None:
        """Drop a document; unknown ids are ignored so callers can remove idempotently."""
        slot = self._slot_by_id.pop(doc_id, None)
        if slot is None:
            return
        for term in self._terms_by_slot.pop(slot):
            postings = self._postings[term]
            del postings[slot]
            if not postings:
                del self._postings[term]
            self._arrays.pop(term, None)
            self._edited_terms.add(term)
        self._total_length -= int(self._lengths[slot])
        self._lengths[slot] = 0
        self._id_by_slot[slot] = -1
        self._free_slots.append(slot)

    def prepare(self) -> None:
        """Build the scoring arrays of every term edited since the last call."""
        for term in self._edited_terms:
            self._term_arrays(term)
        self._edited_terms.clear()

    def search(self, terms: Iterable[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """The `k` best (doc ids, scores) for the query terms, best first; only documents sharing a term."""
        scores = self._score_slots(Counter(terms))
        matched = np.flatnonzero(scores > 0)
        if len(matched) > k:
            matched = matched[np.argpartition(-scores[matched], k - 1)[:k]]
        order = matched[np.argsort(-scores[matched], kind="stable")]
        return self._id_by_slot[order], scores[order]

    def _score_slots(self, query: Counter) -> np.ndarray:
        scores = np.zeros(len(self._lengths), dtype=np.float32)
        n_docs = len(self._slot_by_id)
        if not n_docs:
            return scores
        average_length = self._total_length / n_docs or 1.0
        for term, query_tf in query.items():
            arrays = self._term_arrays(term)
            if arrays is None:
                continue
            slots, tfs = arrays
            df = len(slots)
            idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
            norm = self.k1 * (1 - self.b + self.b * self._lengths[slots] / average_length)
            scores[slots] += query_tf * idf * tfs * (self.k1 + 1) / (tfs + norm)
        return scores

    def _term_arrays(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        arrays = self._arrays.get(term)
        if arrays is None:
            postings = self._postings.get(term)
            if not postings:
                return None
            arrays = (
                np.fromiter(postings.keys(), dtype=np.int64, count=len(postings)),
                np.fromiter(postings.values(), dtype=np.float32, count=len(postings)),
            )
            self._arrays[term] = arrays
        return arrays

    def _grow(self) -> int:
        """Return a fresh slot, doubling the per-slot arrays when they are full."""
        slot = len(self._slot_by_id) + len(self._free_slots)
        if slot >= len(self._lengths):
            size = max(64, 2 * len(self._lengths))
            self._lengths = np.concatenate([self._lengths, np.zeros(size - len(self._lengths), np.float32)])
            self._id_by_slot = np.concatenate([self._id_by_slot, np.full(size - len(self._id_by_slot), -1, np.int64)])
        return slot
