"""热点问题: the window's problem reports, with the vectors the enrich worker stored, clustered per district and
joined across districts when the place and the problem are the same; counted by distinct callers.

Only tickets already embedded (by the worker's `enrich` timer) with the running embedder take part; a ticket
filed seconds ago joins on the next look. At most `ROW_CAP` of the newest tickets are read: clustering
memory grows with the square of one district's rows, so a busy window is judged on its latest contacts.
"""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import asyncpg
import numpy as np

from feedback.hot_issues import HotIssueFinder, issue_title, place_terms
from hotline.text.pii import mask_text
from hotline.intake.repeats import RepeatPolicy
from hotline.infra.sql import load_queries

Q = load_queries(__file__)
ROW_CAP = 2000
TITLE_CHARS = 30
# A hot issue gathers contacts about one problem in one place: a looser tie than one event (a repeat contact).
# Measured on the public messages with likes (notebooks/hot_issues.py, title + 200 body characters): E5 at 0.93
# puts each of the data's known hot problems almost whole into one issue, where the repeat cut (0.94) leaves
# one of them (58车贷) at 0.62. Keyed by the embedder's name, as vectors are stored; others use their repeat cut.
HOT_ISSUE_SIMILARITY = {"multilingual-e5-small-q4": 0.93}


def similarity_for(embedder: str) -> float:
    return HOT_ISSUE_SIMILARITY.get(embedder) or RepeatPolicy().threshold(embedder)


async def hot_issues(
    conn: asyncpg.Connection, *, days: int, district: str | None, embedder: str, row_cap: int = ROW_CAP,
) -> list[dict[str, Any]]:
    """Hot issues of the last `days` days (one district or all), hottest first; clustering runs in a thread."""
    rows = await conn.fetch(Q.recent_ticket_vectors, days, district, embedder, row_cap)
    return await asyncio.to_thread(cluster_tickets, [dict(r) for r in rows], similarity=similarity_for(embedder))


def cluster_tickets(rows: Sequence[dict[str, Any]], *, similarity: float) -> list[dict[str, Any]]:
    """Rows with `vector` (float32 bytes), `received_at`, `district_code` and `caller` -> issues sorted by heat."""
    if not rows:
        return []
    vectors = np.stack([np.frombuffer(r["vector"], dtype=np.float32) for r in rows])
    texts = [_text(r) for r in rows]
    landmarks = [place_terms(t) for t in texts]
    finder = HotIssueFinder(similarity=similarity, merge_places=True).fit(
        vectors, times=[r["received_at"] for r in rows], places=[r["district_code"] for r in rows],
        callers=[r["caller"] for r in rows], landmarks=landmarks)
    return [_present(issue, rows, texts, landmarks) for issue in finder.issues_]


def _text(ticket: dict[str, Any]) -> str:
    # Staff read this list without opening the tickets (and pass it on): personal data stays masked, and a
    # 举报 is read (and named) by its department copy.
    if ticket["protected"]:
        title, content = ticket["title_redacted"] or "", ticket["content_redacted"] or "（举报内容待审核）"
    else:
        title = mask_text(ticket["title"])[0] if ticket["title"] else ""
        content = ticket["content_masked"]
    return f"{title}。{content}" if title else content


def _present(issue, rows: Sequence[dict[str, Any]], texts: list[str], landmarks: list[frozenset[str]]) -> dict[str, Any]:
    names = {r["district_code"]: r["district_name"] for r in rows}
    inside = set(issue.members)
    title = issue_title([texts[i] for i in issue.members], [landmarks[i] for i in issue.members],
                        others=[t for i, t in enumerate(texts) if i not in inside])
    return {
        "title": title or texts[issue.members[0]][:TITLE_CHARS],
        "district": issue.place, "district_name": names.get(issue.place),
        "districts": [names[code] for code in issue.places if code is not None],
        "contacts": issue.contacts, "callers": issue.callers, "heat": issue.heat, "trend": issue.trend,
        "ticket_numbers": [rows[i]["ticket_number"] for i in issue.members],
    }
