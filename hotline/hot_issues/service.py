"""热点问题: the window's tickets, with the vectors the enrich worker stored, clustered per district.

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

from feedback.hot_issues import HotIssueFinder
from hotline.intake.pii import mask_text
from hotline.intake.repeats import RepeatPolicy
from hotline.sql import load_queries

Q = load_queries(__file__)
ROW_CAP = 2000
TITLE_CHARS = 30
# A hot issue gathers contacts about one problem in one place: a looser tie than one event (a repeat contact).
# Measured on the public messages with likes (notebooks/hot_issues.py, title + 200 body characters): E5 at 0.93
# puts each of the data's known hot problems almost whole into one issue, where the repeat cut (0.94) leaves
# one of them (58车贷) at 0.62. Other embedders use their repeat cut.
HOT_ISSUE_SIMILARITY = {"e5": 0.93}


async def hot_issues(
    conn: asyncpg.Connection, *, days: int, district: str | None, embedder: str, row_cap: int = ROW_CAP,
) -> list[dict[str, Any]]:
    """Hot issues of the last `days` days (one district or all), hottest first; clustering runs in a thread."""
    rows = await conn.fetch(Q.recent_ticket_vectors, days, district, embedder, row_cap)
    similarity = HOT_ISSUE_SIMILARITY.get(embedder) or RepeatPolicy().threshold(embedder)
    return await asyncio.to_thread(cluster_tickets, [dict(r) for r in rows], similarity=similarity)


def cluster_tickets(rows: Sequence[dict[str, Any]], *, similarity: float) -> list[dict[str, Any]]:
    """Rows with `vector` (float32 bytes), `received_at` and `district_code` -> issues sorted by heat."""
    if not rows:
        return []
    vectors = np.stack([np.frombuffer(r["vector"], dtype=np.float32) for r in rows])
    finder = HotIssueFinder(similarity=similarity).fit(
        vectors, times=[r["received_at"] for r in rows], places=[r["district_code"] for r in rows])
    issues = sorted(finder.issues_, key=lambda issue: -issue.heat)
    return [_present(issue, rows) for issue in issues]


def _present(issue, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    typical = rows[issue.members[0]]
    return {
        "title": _title(typical), "district": typical["district_code"], "district_name": typical["district_name"],
        "contacts": issue.contacts, "heat": issue.heat, "trend": issue.trend,
        "ticket_numbers": [rows[i]["ticket_number"] for i in issue.members],
    }


def _title(ticket: dict[str, Any]) -> str:
    # Staff read this list without opening the tickets (and pass it on): personal data stays masked, and a
    # 举报 is named by its department copy.
    if ticket["protected"]:
        return ticket["title_redacted"] or (ticket["content_redacted"] or "（举报内容待审核）")[:TITLE_CHARS]
    if ticket["title"]:
        return mask_text(ticket["title"])[0]
    return ticket["content_masked"][:TITLE_CHARS]
