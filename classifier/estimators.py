"""Linear text classifiers with calibrated probabilities, top-3 and an abstain threshold."""
from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from classifier.features import MessageVectorizer
from classifier.linear import LinearScorer
from classifier.rules import RuleSet


class MessageClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF (word + char) into a linear model with probabilities.

    `linear_model="svm"`: a linear SVM calibrated by sigmoid on internal folds (best on thousands
    of rows). `"logistic"`: a logistic regression (better on a few hundred hand-written rows).
    Classes too small for the calibration folds (a few agent corrections) also get the logistic
    regression, which is probabilistic without held-out folds.
    """

    def __init__(self, linear_model="svm", C=1.0, word_ngram_range=(1, 1), char_ngram_range=(1, 3), min_df=2,
                 drop_stopwords=True, embedder=None, embedding_weight=1.0, calibration_folds=3,
                 class_weight=None, abstain_below=0.5, class_offsets=None, random_state=0):
        self.linear_model = linear_model
        self.C = C
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.drop_stopwords = drop_stopwords
        self.embedder = embedder
        self.embedding_weight = embedding_weight
        self.calibration_folds = calibration_folds
        self.class_weight = class_weight
        self.abstain_below = abstain_below
        self.class_offsets = class_offsets
        self.random_state = random_state

    def fit(self, texts, y, vectorizer: MessageVectorizer | None = None):
        """`vectorizer`: one already fitted (another head's) to share, so a ticket's features are computed once
        for both heads; its settings then stand in for this estimator's own."""
        y = np.asarray(y, dtype=object)
        counts = Counter(y)
        if len(counts) < 2:
            raise ValueError(f"labels: need at least 2 distinct labels, got {sorted(counts)}")
        if self.linear_model not in ("svm", "logistic"):
            raise ValueError(f"linear_model: expected 'svm' or 'logistic', got {self.linear_model!r}")
        if vectorizer is None:
            self.vectorizer_ = MessageVectorizer(
                word_ngram_range=self.word_ngram_range, char_ngram_range=self.char_ngram_range,
                min_df=self.min_df, drop_stopwords=self.drop_stopwords, embedder=self.embedder,
                embedding_weight=self.embedding_weight)
            features = self.vectorizer_.fit_transform(texts)
        else:
            self.vectorizer_ = vectorizer
            features = vectorizer.transform(texts)
        if self.linear_model == "svm" and min(counts.values()) >= self.calibration_folds:
            svm = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)
            # one SVM on all rows, sigmoid fitted on out-of-fold scores: a third of the ensemble's latency
            self.model_ = CalibratedClassifierCV(svm, method="sigmoid", cv=self.calibration_folds, ensemble=False)
        else:
            # newton-cg: same optimum as lbfgs on these sparse features, several times faster to reach
            self.model_ = LogisticRegression(C=10 * self.C, class_weight=self.class_weight, solver="newton-cg",
                                             max_iter=2000, random_state=self.random_state)
        self.model_.fit(features, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, texts) -> np.ndarray:
        return self.proba_of_features(self.vectorizer_.transform(texts))

    def proba_of_features(self, features) -> np.ndarray:
        """Probabilities from features this head's vectorizer made (perhaps for a head that shares it)."""
        return shift_priors(self._scorer().proba(features), self.classes_, getattr(self, "class_offsets", None))

    def _scorer(self) -> LinearScorer:
        # built on first use rather than in fit, so artifacts trained before it existed load as they are
        if getattr(self, "scorer_", None) is None:
            self.scorer_ = LinearScorer.of(self.model_)
        return self.scorer_

    def predict(self, texts) -> np.ndarray:
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]


def shift_priors(proba: np.ndarray, classes, offsets: dict[str, float] | None) -> np.ndarray:
    """Multiply each class's probability by exp(offset) and renormalise: a prior shift that trades a class's
    precision for its recall (a 举报 taken for a 投诉 leaves its reporter unprotected; the reverse costs little)."""
    if not offsets:
        return proba
    factors = np.exp(np.array([offsets.get(str(c), 0.0) for c in classes]))
    shifted = proba * factors
    return shifted / shifted.sum(axis=1, keepdims=True)


class RuleAssistedClassifier(MessageClassifier):
    """A `MessageClassifier` whose probabilities are pulled toward what keyword rules say.

    A firing rule of weight w mixes its label in as p = (1 - w) * p_model + w * rule_vote,
    so a clear phrase ("燃气泄漏", "举报") decides while the model covers everything else.
    """

    def __init__(self, rules: RuleSet | None = None, linear_model="logistic", C=1.0,
                 word_ngram_range=(1, 2), char_ngram_range=(1, 2), min_df=1, drop_stopwords=False,
                 embedder=None, embedding_weight=1.0, calibration_folds=3, class_weight="balanced",
                 abstain_below=0.5, random_state=0):
        super().__init__(linear_model=linear_model, C=C, word_ngram_range=word_ngram_range,
                         char_ngram_range=char_ngram_range, min_df=min_df, drop_stopwords=drop_stopwords,
                         embedder=embedder, embedding_weight=embedding_weight,
                         calibration_folds=calibration_folds, class_weight=class_weight,
                         abstain_below=abstain_below, random_state=random_state)
        self.rules = rules

    def fit(self, texts, y):
        super().fit(texts, y)
        unknown = self.rules.labels() - set(self.classes_) if self.rules else set()
        if unknown:
            raise ValueError(f"rules name labels absent from the training data: {sorted(unknown)}")
        return self

    def predict_proba(self, texts) -> np.ndarray:
        texts = list(texts)
        proba = super().predict_proba(texts)
        if not self.rules:
            return proba
        index = {label: i for i, label in enumerate(self.classes_)}
        for row, text in enumerate(texts):
            votes = self.rules.votes(text)
            if not votes:
                continue
            weight = max(votes.values())
            vote = np.zeros(len(self.classes_))
            for label, w in votes.items():
                vote[index[label]] = w
            proba[row] = (1 - weight) * proba[row] + weight * vote / vote.sum()
        return proba
