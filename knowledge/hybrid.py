"""Hybrid knowledge search: BM25 over jieba words and character bigrams plus dense sentence vectors, fused."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from classifier.embedders import Embedder
from knowledge import text
from knowledge.dense import DenseIndex
from knowledge.fusion import Ranking, fuse, score_blend
from knowledge.lexical import BM25Index

MODES = ("hybrid", "bm25", "dense")
FUSIONS = ("rrf", "blend")


class SearchHit(NamedTuple):
    id: int
    score: float
    lexical_rank: int | None  # 1-based rank in the lexical (word + bigram BM25) list, None if not in its top `depth`
    dense_rank: int | None  # 1-based rank in the dense list, None if not in its top `depth`


class HybridIndex:
    """Searchable documents `{id, text, title?}` kept in step with edits: `add` upserts, `remove` deletes.

    `mode` picks the channels: "bm25" (jieba words only, the plain baseline), "dense" (vectors only)
    or "hybrid" (word BM25 + character-bigram BM25 + dense vectors). `fusion` is "blend" (weighted
    sum of min-max-normalised scores, `weights` = word, bigram, dense) or "rrf" (reciprocal rank fusion
    with constant `rrf_k`). The defaults are the ones measured best (see knowledge/README.md).
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        mode: str = "hybrid",
        fusion: str = "blend",
        weights: tuple[float, float, float] = (0.5, 0.5, 2.0),
        rrf_k: float = 60.0,
        depth: int = 100,
        title_repeat: int = 2,
    ):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {FUSIONS}, got {fusion!r}")
        if mode != "bm25" and embedder is None:
            raise ValueError(f"mode {mode!r} needs an embedder")
        self.embedder = embedder
        self.mode = mode
        self.fusion = fusion
        self.weights = weights
        self.rrf_k = rrf_k
        self.depth = depth
        self.title_repeat = title_repeat
        self._words = BM25Index()
        self._bigrams = BM25Index()
        self._dense = DenseIndex(embedder.dim) if embedder is not None and mode != "bm25" else None
        self._lock = threading.Lock()  # edits and searches may come from different worker threads
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._passage_vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, doc_id: int) -> bool:
        return doc_id in self._words

    def add(self, documents: Iterable[dict], *, batch_size: int = 64) -> None:
        """Index or re-index documents `{"id": int, "text": str, "title": str | None}`."""
        documents = list(documents)
        for start in range(0, len(documents), batch_size):
            batch = documents[start : start + batch_size]
            vectors = self._embed_documents(batch) if self._dense is not None else None
            with self._lock:
                for doc in batch:
                    title, body = doc.get("title") or "", doc["text"]
                    # A matter's name is its strongest signal: repeating the title weighs its terms up.
                    self._words.add(doc["id"], text.words(title) * self.title_repeat + text.words(body))
                    self._bigrams.add(doc["id"], text.char_bigrams(title) * self.title_repeat + text.char_bigrams(body))
                if vectors is not None:
                    self._dense.add([doc["id"] for doc in batch], vectors)
        with self._lock:
            self._words.prepare()
            self._bigrams.prepare()

    def remove(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        with self._lock:
            for doc_id in ids:
                self._words.remove(doc_id)
                self._bigrams.remove(doc_id)
            if self._dense is not None:
                self._dense.remove(ids)
            self._words.prepare()
            self._bigrams.prepare()

    def channel_rankings(self, query: str) -> list[Ranking]:
        """Each channel's top `depth` (ids, scores) for `query`: word BM25, bigram BM25, dense; unused channels empty."""
        vector = self._query_vector(query) if self._dense is not None else None
        word_terms, bigram_terms = text.words(query), text.char_bigrams(query)
        with self._lock:
            words = self._words.search(word_terms, self.depth) if self.mode != "dense" else _EMPTY
            bigrams = self._bigrams.search(bigram_terms, self.depth) if self.mode == "hybrid" else _EMPTY
            dense = self._dense.search(vector, self.depth) if vector is not None else _EMPTY
        return [words, bigrams, dense]

    def search(self, query: str, k: int = 10) -> list[SearchHit]:
        """The `k` best documents for `query`, best first."""
        return self.search_explained(query, k)[0]

    def search_explained(self, query: str, k: int = 10) -> tuple[list[SearchHit], list[Ranking]]:
        """`search` together with each channel's own ranking (word BM25, bigram BM25, dense), from one pass."""
        words, bigrams, dense = rankings = self.channel_rankings(query)
        if self.mode == "hybrid":
            fused = fuse(rankings, fusion=self.fusion, weights=self.weights, rrf_k=self.rrf_k)
        else:
            fused = score_blend([dense if self.mode == "dense" else words], [1.0])
        lexical_ranks = _ranks(score_blend([words, bigrams], [1.0, 1.0]))
        dense_ranks = {doc_id: rank for rank, doc_id in enumerate(dense[0].tolist(), start=1)}
        best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        hits = [SearchHit(doc_id, score, lexical_ranks.get(doc_id), dense_ranks.get(doc_id)) for doc_id, score in best]
        return hits, rankings

    def best_passage(self, doc_text: str, query: str, *, title: str | None = None) -> str:
        """The sentence-sized passage of `doc_text` that best answers `query` (lexical + dense score).

        Each passage is scored together with the document's title: the title carries the topic the
        whole document shares, so what separates passages is the aspect asked about (fee, place, ...).
        """
        candidates = text.passages(doc_text)
        if len(candidates) == 1:
            return candidates[0]
        in_context = [f"{title}：{passage}" if title else passage for passage in candidates]
        words, bigrams = BM25Index(), BM25Index()
        for position, passage in enumerate(in_context):
            words.add(position, text.words(passage))
            bigrams.add(position, text.char_bigrams(passage))
        rankings = [
            words.search(text.words(query), len(candidates)),
            bigrams.search(text.char_bigrams(query), len(candidates)),
            _EMPTY,
        ]
        if self._dense is not None:
            similarities = self._passage_embeddings(in_context) @ self._query_vector(query)
            order = np.argsort(-similarities, kind="stable")
            rankings[2] = (order, similarities[order])
        fused = score_blend(rankings, list(self.weights))
        if not fused:
            return candidates[0]
        return candidates[max(fused, key=lambda position: (fused[position], -position))]

    def _embed_documents(self, documents: list[dict]) -> np.ndarray:
        # A document may give a shorter `dense_text` (its names and questions): long bodies cost embedding
        # time in proportion to their length and blur the vector; the lexical side still reads everything.
        texts = [text.normalise(doc.get("dense_text") or f"{doc.get('title') or ''}\n{doc['text']}".strip())
                 for doc in documents]
        return _embed_passages(self.embedder, texts)

    def _query_vector(self, query: str) -> np.ndarray:
        """Embed the query once per recent query: search and best_passage for its hits share it."""
        vector = self._query_vectors.get(query)
        if vector is None:
            vector = self.embedder.embed([text.normalise(query)])[0]
            _remember(self._query_vectors, query, vector, limit=256)
        return vector

    def _passage_embeddings(self, passages: list[str]) -> np.ndarray:
        # Read into a local dict: another thread's eviction must not lose a vector we are about to use.
        found = {p: self._passage_vectors.get(p) for p in passages}
        missing = [p for p, vector in found.items() if vector is None]
        if missing:
            for passage, vector in zip(missing, _embed_passages(self.embedder, [text.normalise(p) for p in missing])):
                found[passage] = vector
                _remember(self._passage_vectors, passage, vector, limit=4096)
        return np.stack([found[p] for p in passages])


_EMPTY: Ranking = (np.zeros(0, np.int64), np.zeros(0, np.float32))


def _embed_passages(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Documents use the embedder's passage side where it has one (E5 is asymmetric)."""
    embed = getattr(embedder, "embed_passages", embedder.embed)
    return embed(texts)


def _ranks(scores: dict[int, float]) -> dict[int, int]:
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return {doc_id: rank for rank, (doc_id, _) in enumerate(ordered, start=1)}


def _remember(cache: OrderedDict, key: str, value: np.ndarray, *, limit: int) -> None:
    cache[key] = value
    if len(cache) > limit:
        cache.popitem(last=False)
