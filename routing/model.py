"""Text → responsible department, learned from dispatch history (a scikit-learn estimator)."""
from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import opencc
from scipy.sparse import csr_matrix, hstack
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from classifier import tokenize
from classifier.embedders import load_embedder


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplify(text: str) -> str:
    """Full/half width folded (NFKC) and Traditional converted to Simplified, so both scripts share features."""
    return _to_simplified().convert(unicodedata.normalize("NFKC", text))


def jieba_words(text: str) -> list[str]:
    # module-level so a fitted vectorizer pickles; the classifier's tokenizer, so the project cuts text one way
    return tokenize.tokens(text)


@lru_cache(maxsize=2)
def _sentence_embedder(spec: str):
    # held here, not on the model, so a fitted model pickles without the native engine
    return load_embedder(spec)


_training_vectors: dict[tuple[str, str], np.ndarray] = {}
_TRAINING_VECTORS_MAX = 50_000


def sentence_vectors(spec: str, texts: Sequence[str], remember: bool = False) -> np.ndarray:
    """Embedding rows for `texts`; with `remember`, kept for the process so k-fold refits embed each text once."""
    if not remember:
        return _sentence_embedder(spec).embed(list(texts))
    missing = list(dict.fromkeys(t for t in texts if (spec, t) not in _training_vectors))
    if missing:
        if len(_training_vectors) + len(missing) > _TRAINING_VECTORS_MAX:
            _training_vectors.clear()
        for text, vector in zip(missing, _sentence_embedder(spec).embed(missing)):
            _training_vectors[(spec, text)] = vector
    return np.vstack([_training_vectors[(spec, t)] for t in texts])


class DepartmentModel(ClassifierMixin, BaseEstimator):
    """Character and jieba-word TF-IDF with a class-balanced linear SVM.

    `fit` may take `context`: for each row, texts seen only in training (e.g. the FAQ answer or the
    department's reply). They add the vocabulary of the matter to its department; prediction uses the
    question alone. `sample_weight` weighs rows (and their context) in the SVM's loss. `predict_proba` is a
    softmax of the SVM margins at `temperature`; `hotline routing train` sets the temperature that calibrates
    it on cross-validation's unseen rows (routing.evaluation.fit_temperature), so p=0.3 means right about 3
    times in 10 and the router's "jurisdiction unclear" cut means what it says.

    `department_names` ({department: name}) adds each name as one training document of its department: a
    name says what the unit handles, and a department with no history yet can still be suggested.
    `embedder` (a `classifier.embedders.load_embedder` spec such as "e5") appends the question's sentence
    vector to the TF-IDF features, so paraphrases without shared words still meet; context passages get a
    zero vector (measured as good as embedding them, and training stays fast). Only the first `embed_chars`
    characters are embedded: E5's cost grows with the text (measured single-threaded: 14 ms at 10 characters,
    54 ms at 64, 101 ms at 128, 225 ms at 256), while the words still read the whole text.
    """

    def __init__(self, char_ngrams=(1, 2), word_ngrams=(1, 2), C=1.0, class_weight="balanced",
                 context_chars=300, temperature=0.1, embedder=None, embed_chars=64, random_state=0):
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.C = C
        self.class_weight = class_weight
        self.context_chars = context_chars
        self.temperature = temperature
        self.embedder = embedder
        self.embed_chars = embed_chars
        self.random_state = random_state

    def fit(self, texts: Sequence[str], departments: Sequence[str],
            context: Sequence[Sequence[str]] | None = None,
            sample_weight: Sequence[float] | None = None,
            department_names: Mapping[str, str] | None = None) -> DepartmentModel:
        if len(texts) != len(departments):
            raise ValueError(f"texts and departments differ in length: {len(texts)} != {len(departments)}")
        if context is not None and len(context) != len(texts):
            raise ValueError(f"context needs one entry per text: {len(context)} != {len(texts)}")
        if len(set(departments) | set(department_names or {})) < 2:
            raise ValueError("departments: at least two different departments are needed to learn to choose")
        if sample_weight is not None and len(sample_weight) != len(texts):
            raise ValueError(f"sample_weight needs one entry per text: {len(sample_weight)} != {len(texts)}")
        weights = list(sample_weight) if sample_weight is not None else [1.0] * len(texts)
        documents, labels, row_weights = [simplify(t) for t in texts], list(departments), list(weights)
        embedded_rows = list(range(len(documents)))  # rows given a sentence vector; context passages get zeros
        for extra, department, weight in zip(context or [], departments, weights):
            for passage in extra:
                if passage and passage.strip():
                    documents.append(simplify(passage[: self.context_chars]))
                    labels.append(department)
                    row_weights.append(weight)
        for department, name in (department_names or {}).items():
            if name and name.strip():
                embedded_rows.append(len(documents))
                documents.append(simplify(name))
                labels.append(department)
                row_weights.append(1.0)
        self.char_vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=tuple(self.char_ngrams),
                                                sublinear_tf=True)
        self.word_vectorizer_ = TfidfVectorizer(tokenizer=jieba_words, token_pattern=None, lowercase=True,
                                                ngram_range=tuple(self.word_ngrams), sublinear_tf=True)
        blocks = [self.char_vectorizer_.fit_transform(documents), self.word_vectorizer_.fit_transform(documents)]
        if self.embedder:
            vectors = sentence_vectors(self.embedder, [documents[i][: self.embed_chars] for i in embedded_rows],
                                       remember=True)
            dense = np.zeros((len(documents), vectors.shape[1]), dtype=np.float32)
            dense[embedded_rows] = vectors
            blocks.append(csr_matrix(dense))
        features = hstack(blocks).tocsr()
        self.svm_ = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)
        with warnings.catch_warnings():  # many departments known only by name outnumber a short history's rows
            warnings.filterwarnings("ignore", message="The number of unique classes is greater than 50%")
            self.svm_.fit(features, labels, sample_weight=np.asarray(row_weights))
        self.classes_ = self.svm_.classes_
        return self

    def _features(self, texts: Sequence[str]):
        documents = [simplify(t) for t in texts]
        blocks = [self.char_vectorizer_.transform(documents), self.word_vectorizer_.transform(documents)]
        if self.embedder:
            # unit-length rows, like each TF-IDF block: the three blocks weigh alike without a tuned factor
            blocks.append(csr_matrix(sentence_vectors(self.embedder, [d[: self.embed_chars] for d in documents])))
        return hstack(blocks).tocsr()

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        margins = self.svm_.decision_function(self._features(texts))
        if margins.ndim == 1:  # two departments: sklearn gives one margin for the second class
            margins = np.column_stack([-margins, margins])
        return margins

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        scaled = self.decision_function(texts) / self.temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        weights = np.exp(scaled)
        return weights / weights.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(texts), axis=1)]

    def rank(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The `k` most likely departments for one text, with their scores."""
        probabilities = self.predict_proba([text])[0]
        order = np.argsort(-probabilities)[:k]
        return [(str(self.classes_[i]), float(probabilities[i])) for i in order]
