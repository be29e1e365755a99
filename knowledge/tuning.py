"""Choose fusion settings honestly: grid-search them on the even questions, report them on the odd ones."""
from __future__ import annotations

import itertools
from pathlib import Path

from knowledge.evaluate import DEPTH, build_index, retrieval_cases
from knowledge.fusion import Ranking, fuse, score_blend

# (fusion, (word, bigram, dense) weights, rrf constant) candidates.
GRID = [("blend", w, 60.0) for w in itertools.product([0.0, 0.5, 1.0], [0.0, 0.5, 1.0], [0.5, 1.0, 1.5, 2.0, 3.0])] + [
    ("rrf", w, k) for k in (10.0, 30.0, 60.0) for w in itertools.product([0.0, 0.5, 1.0], [0.0, 0.5, 1.0], [0.5, 1.0, 1.5, 2.0])
]


def _mrr(cases: list[tuple[list[Ranking], set[int]]], combine) -> float:
    total = 0.0
    for rankings, relevant in cases:
        ordered = sorted(combine(rankings).items(), key=lambda item: (-item[1], item[0]))[:DEPTH]
        total += next((1 / rank for rank, (doc_id, _) in enumerate(ordered, start=1) if doc_id in relevant), 0.0)
    return total / max(len(cases), 1)


def tune_fusion(data: Path, query_field: str, answer_field: str, *, embedder_spec: str = "e5") -> dict:
    """Best fusion on the even half and its MRR on the odd half, beside plain word BM25 on the odd half."""
    documents, cases = retrieval_cases(data, query_field, answer_field)
    index = build_index(documents, mode="hybrid", embedder_spec=embedder_spec)
    ranked = [(index.channel_rankings(question), relevant) for question, relevant in cases]
    tune, report = ranked[0::2], ranked[1::2]
    scored = [(_mrr(tune, lambda r, f=f, w=w, k=k: fuse(r, fusion=f, weights=w, rrf_k=k)), f, w, k) for f, w, k in GRID]
    tune_mrr, fusion, weights, rrf_k = max(scored, key=lambda item: item[0])
    best_rrf = max((s for s in scored if s[1] == "rrf"), key=lambda item: item[0])
    return {
        "fusion": fusion,
        "weights": list(weights),
        "rrf_k": rrf_k,
        "tune_mrr": round(tune_mrr, 4),
        "report_mrr": round(_mrr(report, lambda r: fuse(r, fusion=fusion, weights=weights, rrf_k=rrf_k)), 4),
        "best_rrf": {"weights": list(best_rrf[2]), "rrf_k": best_rrf[3], "tune_mrr": round(best_rrf[0], 4),
                     "report_mrr": round(_mrr(report, lambda r: fuse(r, fusion="rrf", weights=best_rrf[2], rrf_k=best_rrf[3])), 4)},
        "bm25_report_mrr": round(_mrr(report, lambda r: score_blend(r[:1], [1.0])), 4),
        "dense_report_mrr": round(_mrr(report, lambda r: score_blend(r[2:], [1.0])), 4),
    }
