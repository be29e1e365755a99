"""Measure a classifier: accuracy, macro-F1, top-3, per-class scores, single-message latency."""
from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from classifier import tokenize



def label_scores(labels, predicted, top3) -> dict:
    """Scores of predicted labels (and each row's three best) against gold labels."""
    labels, predicted = np.asarray(labels, dtype=object), np.asarray(predicted, dtype=object)
    names = sorted(set(labels) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(labels, predicted, labels=names,
                                                                     zero_division=0)
    return {
        "n": int(len(labels)),
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, labels=names, average="macro", zero_division=0)), 4),
        "top3_accuracy": round(float(np.mean([gold in row for gold, row in zip(labels, top3)])), 4),
        "per_class": {
            name: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                   "f1": round(float(f), 4), "support": int(s)}
            for name, p, r, f, s in zip(names, precision, recall, f1, support)
        },
    }


def classification_scores(labels, proba: np.ndarray, classes) -> dict:
    """Scores of probability rows against gold labels; top-3 counts a hit anywhere in the 3 best."""
    labels = np.asarray(labels, dtype=object)
    classes = np.asarray(classes, dtype=object)
    predicted = classes[proba.argmax(axis=1)]
    top3 = classes[np.argsort(-proba, axis=1)[:, :3]]
    names = sorted(set(labels) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        labels, predicted, labels=names, zero_division=0)
    return {
        "n": int(len(labels)),
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, labels=names, average="macro", zero_division=0)), 4),
        "top3_accuracy": round(float(np.mean([gold in row for gold, row in zip(labels, top3)])), 4),
        "per_class": {
            name: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                   "f1": round(float(f), 4), "support": int(s)}
            for name, p, r, f, s in zip(names, precision, recall, f1, support)
        },
    }


def single_latency_ms(predict_proba: Callable, texts: list[str], sample: int = 200) -> dict:
    """p50/p95 wall time of one message at a time, as an agent's console would call it."""
    predict_proba(texts[:1])  # warm the tokenizer and caches; a cold start is not a ticket's latency
    timings = []
    for text in texts[:sample]:
        start = time.perf_counter()
        predict_proba([text])
        timings.append((time.perf_counter() - start) * 1000)
    return {"latency_ms_p50": round(float(np.percentile(timings, 50)), 2),
            "latency_ms_p95": round(float(np.percentile(timings, 95)), 2)}


def evaluate(model, texts: list[str], labels: list[str], latency_sample: int = 200, level: int | None = None) -> dict:
    """One head against gold labels. A category path head is judged at `level` (default: each label's own
    depth, or level 1 for a bare name): a label with "/" against the predicted path cut to that depth, a bare
    name against the name of the predicted path's node at that level."""
    from classifier.hierarchy import PathClassifier, cut, depth

    if not isinstance(model, PathClassifier):
        scores = classification_scores(labels, model.predict_proba(texts), model.classes_)
        return {**scores, **single_latency_ms(model.predict_proba, texts, latency_sample)}
    gold, predicted, top3 = [], [], []
    levels = {lv: model.level_proba(texts, lv) for lv in {level or (depth(l) if "/" in l else 1) for l in labels}}
    best = [r["top"][0][0] for r in model.predict_paths(texts)]
    for row, (label, path) in enumerate(zip(labels, best)):
        at = level or (depth(label) if "/" in label else 1)
        name = (lambda p: cut(p, at)) if "/" in label else (lambda p: cut(p, at).rsplit("/", 1)[-1])
        nodes, proba = levels[at]
        gold.append(cut(label, at) if "/" in label else label)
        predicted.append(name(path))
        top3.append({name(nodes[j]) for j in np.argsort(-proba[row])[:3]})
    return {**label_scores(gold, predicted, top3),
            **single_latency_ms(lambda batch: model.predict_paths(batch), texts, latency_sample)}


def as_raw_text(text: str) -> str:
    """Undo pre-segmentation ("".join of the tokens): how a message reaches the product."""
    return "".join(text.split())


def out_of_fold_proba(estimator, texts: list[str], labels: list[str], folds: int = 5,
                      random_state: int = 0):
    """Stratified k-fold on raw-simulated text: (raw texts, classes, held-out probabilities, last fold's model)."""
    raw = [as_raw_text(t) for t in texts]
    labels_array = np.asarray(labels, dtype=object)
    classes = np.asarray(sorted(set(labels)), dtype=object)
    proba = np.zeros((len(raw), len(classes)))
    model = None
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    for train_idx, test_idx in splitter.split(raw, labels_array):
        model = clone(estimator).fit([raw[i] for i in train_idx], labels_array[train_idx])
        columns = np.searchsorted(classes, model.classes_)
        proba[np.ix_(test_idx, columns)] = model.predict_proba([raw[i] for i in test_idx])
    return raw, classes, proba, model


def cross_validate(estimator, texts: list[str], labels: list[str], folds: int = 5,
                   random_state: int = 0, latency_sample: int = 200) -> dict:
    """Scores pooled over every held-out row of a k-fold, plus single-message latency of a fold model."""
    raw, classes, proba, model = out_of_fold_proba(estimator, texts, labels, folds, random_state)
    scores = classification_scores(labels, proba, classes)
    return {**scores, **single_latency_ms(model.predict_proba, raw, latency_sample)}


def bench(predict_proba: Callable, texts: list[str], single_sample: int = 200, batch: int = 500) -> dict:
    """Single-message p50/p95 and batch throughput of a fitted model's `predict_proba`."""
    single = single_latency_ms(predict_proba, texts, single_sample)
    chunk = (texts * (batch // max(len(texts), 1) + 1))[:batch]
    tokenize.forget_segmentations()  # the single-message loop above has segmented these texts already
    start = time.perf_counter()
    predict_proba(chunk)
    elapsed = time.perf_counter() - start
    return {"single_p50_ms": single["latency_ms_p50"], "single_p95_ms": single["latency_ms_p95"],
            "batch_per_s": round(batch / elapsed, 1)}
