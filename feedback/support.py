"""Did clustering without likes find what the public backed? Scores of hot issues against per-message support."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from feedback.hot_issues import HotIssue


def support_recovery(issues: Sequence[HotIssue], support: Sequence[int], *, top: int = 10) -> dict:
    """`issues` hottest first, found with support_weight=0; `support` per message (likes).

    - top_issues_holding_top_liked: of the `top` hottest issues, how many hold one of the `top` most-liked messages
    - top_liked_in_issues: share of the `top` most-liked messages that are in any issue (not left alone)
    - spearman_contacts_support: rank correlation, over issues, of contacts and summed support
    """
    from scipy.stats import spearmanr

    most_liked = set(np.argsort(-np.asarray(support), kind="stable")[:top].tolist())
    in_issues = {m for issue in issues for m in issue.members}
    contacts, backing = [i.contacts for i in issues], [i.support for i in issues]
    correlation = spearmanr(contacts, backing).statistic if len(issues) >= 3 else float("nan")
    return {
        f"top{top}_issues_holding_top{top}_liked": sum(bool(most_liked & set(i.members)) for i in issues[:top]),
        f"top{top}_liked_in_issues": round(len(most_liked & in_issues) / top, 3),
        "spearman_contacts_support": None if np.isnan(correlation) else round(float(correlation), 3),
    }


def nearest_neighbour_similarity(vectors: np.ndarray, rows: Sequence[int]) -> list[float]:
    """Each row's highest cosine to any other message: a message with no close neighbour cannot form an issue,
    whatever the clustering does."""
    scores = vectors[list(rows)] @ vectors.T
    scores[np.arange(len(rows)), list(rows)] = -1.0
    return [round(float(s), 3) for s in scores.max(axis=1)]


def reference_recovery(issues: Sequence[HotIssue], reference: Sequence[int]) -> dict:
    """Where one known problem (`reference`: the rows that report it) ended up among `issues`, hottest first.

    The issue holding most of its rows: `share` of the problem's rows it holds (> 0.5: one issue holds most),
    `purity` (share of that issue that is the problem) and `rank` by heat (1 = hottest; ties share the better
    rank, so the order of equal issues does not flatter). No issue holds two of its rows: share 0, rank None.
    """
    wanted = set(reference)
    held = [len(wanted & set(issue.members)) for issue in issues]
    best = int(np.argmax(held)) if held and max(held) >= 2 else None
    if best is None:
        return {"messages": len(wanted), "share": 0.0, "purity": None, "contacts": None, "rank": None}
    issue = issues[best]
    return {
        "messages": len(wanted), "share": round(held[best] / len(wanted), 3),
        "purity": round(held[best] / issue.contacts, 3), "contacts": issue.contacts,
        "rank": 1 + sum(other.heat > issue.heat for other in issues),
    }
