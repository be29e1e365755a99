"""The product's classifier: type, category and urgency of one citizen message, each with top-3 and abstain."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from classifier.artifacts import load_artifact
from classifier.estimators import MessageClassifier
from classifier.hierarchy import PathClassifier
from classifier.training import train_default, train_from_examples

__all__ = ["HEADS", "TicketClassifier", "train_default", "train_from_examples"]

HEADS = ("type", "category", "urgency")


class TicketClassifier:
    """Three fitted heads loaded from one artifact folder; `predict` is what intake calls per ticket."""

    def __init__(self, heads: dict, manifest: dict):
        missing = [name for name in HEADS if name not in heads]
        if missing:
            raise ValueError(f"heads: artifact lacks {missing}; train it with train_default or `classifier train`")
        self.heads = heads
        self.manifest = manifest

    @classmethod
    def load(cls, model_dir: Path) -> TicketClassifier:
        heads, manifest = load_artifact(model_dir)
        classifier = cls(heads, manifest)
        # jieba builds its dictionary on first use: let that be now, at start-up, not a caller's first ticket
        classifier.predict("小区路灯坏了一个星期没人修")
        return classifier

    @property
    def model_version(self) -> str:
        return self.manifest["model_version"]

    def predict(self, text: str) -> dict:
        return self.predict_many([text])[0]

    def predict_many(self, texts: list[str]) -> list[dict]:
        texts = list(texts)
        results = [{"model_version": self.model_version} for _ in texts]
        if not texts:
            return []
        features = {}  # heads that share a vectorizer share its features: computed once per ticket
        for name in HEADS:
            head = self.heads[name]
            if isinstance(head, PathClassifier):
                for result, paths in zip(results, head.predict_paths(texts)):
                    result[name] = _path_suggestion(paths, head.abstain_below)
                continue
            if type(head) is MessageClassifier:  # a rule-assisted head reads the text itself
                key = id(head.vectorizer_)
                if key not in features:
                    features[key] = head.vectorizer_.transform(texts)
                proba = head.proba_of_features(features[key])
            else:
                proba = head.predict_proba(texts)
            for result, row in zip(results, proba):
                result[name] = _suggestion(head.classes_, row, head.abstain_below)
        return results


def _suggestion(classes, proba: np.ndarray, abstain_below: float) -> dict:
    order = np.argsort(-proba)
    best = int(order[0])
    return {
        "label": str(classes[best]),
        "confidence": round(float(proba[best]), 4),
        "top3": [[str(classes[i]), round(float(proba[i]), 4)] for i in order[:3]],
        # below the threshold an agent must choose: the console shows the top-3, preselects nothing
        "abstain": bool(proba[best] < abstain_below),
    }


def _path_suggestion(paths: dict, abstain_below: float) -> dict:
    """A category path: its probability and alternatives, each level's confidence along it; the agent must
    choose (nothing preselected) when even its level 1 is unsure."""
    (label, confidence), *_ = paths["top"]
    return {
        "label": label,
        "confidence": round(confidence, 4),
        "top3": [[path, round(p, 4)] for path, p in paths["top"]],
        "levels": [[node, round(p, 4)] for node, p in paths["levels"]],
        "abstain": bool(paths["levels"][0][1] < abstain_below),
    }
