"""Top-1 / top-3 accuracy and macro-F1 of a department model, on a file or by stratified k-fold."""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.base import clone
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold


def scores(labels: Sequence[str], classes: np.ndarray, margins: np.ndarray) -> dict:
    """{"n", "accuracy", "top3_accuracy", "macro_f1"} from per-class scores (higher is better)."""
    labels = np.asarray(labels)
    top3 = classes[np.argsort(-margins, axis=1)[:, :3]]
    predicted = top3[:, 0]
    return {
        "n": int(len(labels)),
        "accuracy": round(float(np.mean(predicted == labels)), 4),
        "top3_accuracy": round(float(np.mean([label in row for label, row in zip(labels, top3)])), 4),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro", zero_division=0)), 4),
    }


TEMPERATURES = np.geomspace(0.005, 5.0, 61)


def fit_temperature(labels: Sequence[str], classes: np.ndarray, margins: np.ndarray) -> float:
    """The softmax temperature that makes the model's p honest on rows it never saw: the one of a log grid with
    the least negative log-likelihood of the true department (temperature scaling; the ranking is unchanged).
    Rows whose department the fold could not predict carry no information about the scale and are left out."""
    index = np.searchsorted(classes, labels)
    rows = np.flatnonzero(np.isfinite(margins[np.arange(len(index)), index]))
    if len(rows) == 0:
        raise ValueError("no row was predictable: cannot fit a temperature")
    margins, index = margins[rows], index[rows]
    best, best_loss = float(TEMPERATURES[0]), np.inf
    for temperature in TEMPERATURES:
        scaled = margins / temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        log_p = scaled[np.arange(len(index)), index] - np.log(np.exp(scaled).sum(axis=1))
        if (loss := -float(log_p.mean())) < best_loss:
            best, best_loss = float(temperature), loss
    return round(best, 4)


def evaluate(model, texts: Sequence[str], labels: Sequence[str]) -> dict:
    return scores(labels, model.classes_, model.decision_function(texts))


def cross_validate(estimator, texts: Sequence[str], labels: Sequence[str],
                   contexts: Sequence[Sequence[str]] | None = None, folds: int = 5, random_state: int = 0,
                   sample_weight: Sequence[float] | None = None,
                   department_names: Mapping[str, str] | None = None) -> dict:
    """Stratified k-fold: each row is predicted by a model that never saw it (nor its context). Besides the
    scores, `temperature`: the softmax temperature that calibrates the model's p on those unseen rows.

    `department_names` (the directory of departments, known before any ticket) is given to every fold.
    """
    labels = np.asarray(labels)
    all_classes = np.unique(np.concatenate([labels, np.asarray(list(department_names or {}), dtype=labels.dtype)]))
    pooled_labels, pooled_margins = [], []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    with warnings.catch_warnings():
        # departments with fewer rows than folds are expected in dispatch history; they stay in
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        splits = list(splitter.split(np.zeros(len(labels)), labels))
    for train, test in splits:
        model = clone(estimator).fit([texts[i] for i in train], labels[train],
                                     context=None if contexts is None else [contexts[i] for i in train],
                                     sample_weight=None if sample_weight is None else [sample_weight[i] for i in train],
                                     **({} if department_names is None else {"department_names": department_names}))
        # a department absent from a training fold (and unnamed) can never be predicted there: it scores as a miss
        margins = np.full((len(test), len(all_classes)), -np.inf)
        margins[:, np.searchsorted(all_classes, model.classes_)] = model.decision_function([texts[i] for i in test])
        pooled_labels.extend(labels[test])
        pooled_margins.append(margins)
    margins = np.vstack(pooled_margins)
    return {**scores(pooled_labels, all_classes, margins), "folds": folds,
            "temperature": fit_temperature(pooled_labels, all_classes, margins)}
