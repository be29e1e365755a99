"""Question -> answer retrieval evaluation: index the answers (or a corpus), ask every question, score the ranking."""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from classifier.embedders import load_embedder
from knowledge.hybrid import HybridIndex
from knowledge.text import normalise

DEPTH = 100  # reciprocal rank counts hits within the top 100; deeper hits score 0


def read_records(path: Path) -> list[dict]:
    """Rows of a JSON Lines file, or of a JSON file holding one list of objects."""
    content = Path(path).read_text("utf-8")
    if Path(path).suffix == ".json":
        rows = json.loads(content)
        if not isinstance(rows, list):
            raise ValueError(f"{path}: a .json file must hold a list of objects")
        return rows
    return [json.loads(line) for line in content.splitlines() if line.strip()]


def _field(row: dict, name: str, path: Path, line: int) -> str:
    if name not in row:
        raise ValueError(f"{path}: row {line} has no field {name!r}")
    return str(row[name] or "").strip()


def build_index(documents: list[str], *, mode: str, embedder_spec: str, **params) -> HybridIndex:
    embedder = None if mode == "bm25" else load_embedder(embedder_spec)
    index = HybridIndex(embedder, mode=mode, **params)
    index.add({"id": doc_id, "text": doc} for doc_id, doc in enumerate(documents))
    return index


def retrieval_cases(
    data: Path, query_field: str, answer_field: str, corpus: Path | None = None, corpus_field: str | None = None
) -> tuple[list[str], list[tuple[str, set[int]]]]:
    """The documents to index and every (question, ids of the documents that answer it).

    Without a corpus the documents are the distinct answers and a question's answer is the one equal
    to its own. With a corpus a document answers a question when it contains the answer text
    (both normalised, so Traditional and Simplified match).
    """
    rows = read_records(data)
    pairs = [(_field(r, query_field, data, i), _field(r, answer_field, data, i)) for i, r in enumerate(rows, start=1)]
    pairs = [(q, a) for q, a in pairs if q and a]
    if corpus is None:
        documents = list(dict.fromkeys(a for _, a in pairs))
        doc_id = {doc: i for i, doc in enumerate(documents)}
        return documents, [(q, {doc_id[a]}) for q, a in pairs]
    if not corpus_field:
        raise ValueError("--corpus-field is required with --corpus")
    corpus_rows = read_records(corpus)
    documents = list(dict.fromkeys(filter(None, (_field(r, corpus_field, corpus, i) for i, r in enumerate(corpus_rows, 1)))))
    folded = [normalise(doc) for doc in documents]
    answering: dict[str, set[int]] = {}
    for _, answer in pairs:
        if answer not in answering:
            needle = normalise(answer)
            answering[answer] = {i for i, doc in enumerate(folded) if needle in doc}
    return documents, [(q, answering[a]) for q, a in pairs]


def score_ranking(index: HybridIndex, cases: list[tuple[str, set[int]]]) -> dict:
    """recall@1, recall@5, MRR over the top DEPTH, and search latency percentiles in milliseconds."""
    ranks, latencies = [], []
    for question, relevant in cases:
        started = time.perf_counter()
        hits = index.search(question, k=DEPTH)
        latencies.append((time.perf_counter() - started) * 1000)
        ranks.append(next((r for r, hit in enumerate(hits, start=1) if hit.id in relevant), 0))
    ranks_array = np.array(ranks)
    found = ranks_array > 0
    return {
        "n": len(cases),
        "recall_at_1": round(float(np.mean(ranks_array == 1)), 4),
        "recall_at_5": round(float(np.mean(found & (ranks_array <= 5))), 4),
        "mrr": round(float(np.mean(np.where(found, 1 / np.maximum(ranks_array, 1), 0.0))), 4),
        "latency_ms_p50": round(float(np.percentile(latencies, 50)), 2),
        "latency_ms_p95": round(float(np.percentile(latencies, 95)), 2),
    }


def evaluate(
    data: Path,
    query_field: str,
    answer_field: str,
    *,
    corpus: Path | None = None,
    corpus_field: str | None = None,
    mode: str = "hybrid",
    embedder_spec: str = "e5",
    half: str = "all",
    **params,
) -> dict:
    """Index, ask every question (or one half: "even"/"odd" rows, for tuning on one and reporting on the other), score."""
    documents, cases = retrieval_cases(data, query_field, answer_field, corpus, corpus_field)
    if half not in ("all", "even", "odd"):
        raise ValueError(f"half must be all, even or odd, got {half!r}")
    if half != "all":
        cases = cases[0::2] if half == "even" else cases[1::2]
    index = build_index(documents, mode=mode, embedder_spec=embedder_spec, **params)
    return score_ranking(index, cases)
