"""Search speed benchmark: build an index of N documents and time queries against it."""
from __future__ import annotations

import json
import random
import time
from pathlib import Path

import numpy as np

from classifier.embedders import load_embedder
from knowledge.hybrid import HybridIndex
from knowledge.text import passages

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
# (file, document field, question field or None) read when the shared data is present.
_SOURCES = [
    ("taipei_faq_dev.jsonl", "answer", "question"),
    ("policy_qa_dev.jsonl", "answer", "question"),
]
_DISTRICTS = "鹿城区 龙湾区 瓯海区 洞头区 永嘉县 平阳县 苍南县 文成县 泰顺县 瑞安市 乐清市 龙港市".split()
_WORDS = (
    "身份证 户口 居住证 护照 驾驶证 社保卡 公积金 医保 营业执照 不动产 登记 办理 申请 材料 原件 复印件 "
    "窗口 政务服务中心 线上 最多跑一次 工作日 补办 换领 首次 迁入 迁出 证明 表格 费用 免费 预约 审批 部门"
).split()


def _shared_texts(data_dir: Path) -> tuple[list[str], list[str]]:
    documents, questions = [], []
    for name, doc_field, question_field in _SOURCES:
        path = data_dir / name
        if not path.exists():
            continue
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            if (row.get(doc_field) or "").strip():
                documents.append(row[doc_field].strip())
            if (row.get(question_field) or "").strip():
                questions.append(row[question_field].strip())
    return list(dict.fromkeys(documents)), questions


def _synthetic_texts(rng: random.Random, n: int) -> list[str]:
    return ["，".join("".join(rng.sample(_WORDS, 3)) for _ in range(rng.randint(3, 8))) + "。" for _ in range(n)]


def synthesise_corpus(n_docs: int, n_queries: int, *, data_dir: Path = SHARED_DATA, random_state: int = 0):
    """`n_docs` documents and `n_queries` questions: shared data answers (perturbed copies past their
    count, so every document is distinct) or, without shared data, synthetic matter-like text."""
    rng = random.Random(random_state)
    base, questions = _shared_texts(data_dir) if data_dir.exists() else ([], [])
    if not base:
        base = _synthetic_texts(rng, min(n_docs, 2000))
        questions = [rng.choice(_WORDS) + rng.choice(_WORDS) + "怎么办理" for _ in range(n_queries)]
    documents = []
    for i in range(n_docs):
        original = base[i % len(base)]
        copy = i // len(base)
        if copy:
            sentences = passages(original)
            shift = copy % len(sentences)
            original = _DISTRICTS[copy % len(_DISTRICTS)] + "：" + "".join(sentences[shift:] + sentences[:shift])
        documents.append(original)
    return documents, rng.sample(questions, min(n_queries, len(questions)))


def bench_search(n_docs: int, *, n_queries: int = 200, embedder_spec: str = "e5", mode: str = "hybrid") -> dict:
    """{"docs", "p50_ms", "p95_ms", "index_build_s"}: build time includes embedding every document."""
    documents, questions = synthesise_corpus(n_docs, n_queries)
    embedder = None if mode == "bm25" else load_embedder(embedder_spec)
    index = HybridIndex(embedder, mode=mode)
    started = time.perf_counter()
    index.add({"id": doc_id, "text": doc} for doc_id, doc in enumerate(documents))
    build_s = time.perf_counter() - started
    latencies = []
    for question in questions:
        started = time.perf_counter()
        index.search(question, k=10)
        latencies.append((time.perf_counter() - started) * 1000)
    return {
        "docs": len(index),
        "p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "p95_ms": round(float(np.percentile(latencies, 95)), 2),
        "index_build_s": round(build_s, 1),
    }
