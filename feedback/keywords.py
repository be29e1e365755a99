"""Keyword vectors for hot issues: jieba words weighted by TF-IDF, so the rare names that mark one event
(an estate, a road, a company) weigh more than the words every complaint shares."""
from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.tokenize import words


def keyword_vectors(texts: list[str], *, max_features: int = 4000, max_share: float = 0.05) -> np.ndarray:
    """float32 rows, L2-normalised like the embedders' (a dot product is a cosine).

    A word in more than `max_share` of the texts says what kind of complaint it is, not which event, so it is
    left out; so is a word seen once, which no other message can share.
    """
    vectoriser = TfidfVectorizer(tokenizer=words, lowercase=False, token_pattern=None, sublinear_tf=True,
                                 min_df=2, max_df=max_share, max_features=max_features, dtype=np.float32)
    try:
        vectors = vectoriser.fit_transform(texts).toarray()
    except ValueError:  # no word shared by two texts: every message stands alone
        return np.zeros((len(texts), 1), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms
