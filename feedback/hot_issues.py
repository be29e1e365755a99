"""Hot issues: tickets of one window that describe the same problem in the same place, with heat and trend."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sklearn.cluster import AgglomerativeClustering


@dataclass(frozen=True)
class HotIssue:
    members: tuple[int, ...]  # row indices, the most typical first
    contacts: int
    support: int  # likes or co-signatures, when the caller has them
    heat: float
    trend: float  # (newer half - older half) / contacts, in [-1, 1]: > 0 is growing
    place: str | None


class HotIssueFinder:
    """Average-linkage clusters of L2-normalised text vectors, cut at a cosine `similarity`, within each place.

    heat = contacts + support_weight * log1p(support): every contact counts, public support adds weight
    without letting one viral post outrank a problem many people report. Issues smaller than `min_contacts`
    are not hot. Memory grows with the square of the rows of one place: give it one window, not history.
    """

    def __init__(self, similarity: float = 0.8, min_contacts: int = 2, support_weight: float = 1.0):
        self.similarity = similarity
        self.min_contacts = min_contacts
        self.support_weight = support_weight

    def fit(self, vectors: np.ndarray, *, times: Sequence[datetime], places: Sequence[str | None] | None = None,
            support: Sequence[int] | None = None) -> HotIssueFinder:
        n = len(vectors)
        if any(column is not None and len(column) != n for column in (times, places, support)):
            raise ValueError("vectors, times, places and support must have one entry per ticket")
        places = list(places) if places is not None else [None] * n
        support = np.asarray(support if support is not None else np.zeros(n), dtype=np.int64)
        stamps = np.array([t.timestamp() for t in times])
        middle = (stamps.min() + stamps.max()) / 2 if n else 0.0
        self.labels_ = np.full(n, -1)
        issues: list[HotIssue] = []
        next_label = 0
        for place in dict.fromkeys(places):
            rows = np.array([i for i, p in enumerate(places) if p == place])
            labels = self._cluster(vectors[rows])
            for label in np.unique(labels):
                members = rows[labels == label]
                self.labels_[members] = next_label
                next_label += 1
                if len(members) >= self.min_contacts:
                    issues.append(self._issue(vectors, members, stamps, middle, support, place))
        self.issues_ = sorted(issues, key=lambda issue: -issue.heat)
        return self

    def _cluster(self, vectors: np.ndarray) -> np.ndarray:
        # A zero vector (a message sharing no keyword with any other) has no direction: it stands alone.
        labels = np.arange(len(vectors))
        rows = np.flatnonzero(np.any(vectors != 0, axis=1))
        if len(rows) >= 2:
            model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                            distance_threshold=1.0 - self.similarity)
            labels[rows] = len(vectors) + model.fit_predict(vectors[rows])
        return labels

    def _issue(self, vectors, members, stamps, middle, support, place) -> HotIssue:
        centre = vectors[members].mean(axis=0)
        typical = members[np.argsort(-(vectors[members] @ centre))]
        newer = int((stamps[members] > middle).sum())
        backing = int(support[members].sum())
        return HotIssue(
            members=tuple(int(i) for i in typical), contacts=len(members), support=backing,
            heat=round(len(members) + self.support_weight * float(np.log1p(backing)), 3),
            trend=round((2 * newer - len(members)) / len(members), 3), place=place,
        )
