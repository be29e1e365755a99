# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Ticket classifier: train, evaluate on raw text, confusion matrix, worst mistakes
#
# Category: 5-fold cross-validation on `../shared/data/tipdm_topic_train_tokenized.jsonl` with the
# tokens joined back without spaces (how a raw message reaches the product).
# Type and urgency: the test split of our own hand-written examples in `classifier/data`.
# Runs as a plain script too, from the repo root: `.venv/bin/python notebooks/classifier_evaluation.py`
# (about 10 minutes on 2 cores). Not named classifier.py: beside the kernel it would shadow the package.

# %%
import numpy as np
from sklearn.metrics import confusion_matrix

from classifier.datasets import read_labelled, read_split
from classifier.evaluation import classification_scores, out_of_fold_proba
from classifier.training import (DATA_DIR, DEFAULT_SHARED_DATA, TIPDM_FILE, category_estimator, type_estimator,
                                 urgency_estimator)


def _pad(text: str, width: int) -> str:
    # CJK characters take two columns in a terminal
    return text + " " * max(width - sum(2 if ord(c) > 0x2E80 else 1 for c in text), 1)


def show_confusion(gold, predicted, classes) -> None:
    matrix = confusion_matrix(gold, predicted, labels=classes)
    print(_pad("gold \\ predicted", 18) + "".join(_pad(c[:4], 9) for c in classes))
    for name, row in zip(classes, matrix):
        print(_pad(name, 18) + "".join(_pad(str(v), 9) for v in row))


def show_worst(texts, gold, classes, proba, count=15) -> None:
    """Confident mistakes first: these are the rows an agent would have accepted wrongly."""
    predicted = classes[proba.argmax(axis=1)]
    wrong = np.flatnonzero(predicted != np.asarray(gold, dtype=object))
    for i in wrong[np.argsort(-proba[wrong].max(axis=1))][:count]:
        print(f"{proba[i].max():.2f}  gold={gold[i]}  predicted={predicted[i]}  {texts[i][:60]}")


# %% [markdown]
# ## Category (7 level-1 labels), raw-text 5-fold cross-validation

# %%
tipdm = DEFAULT_SHARED_DATA / TIPDM_FILE
if tipdm.is_file():
    texts, labels = read_labelled(tipdm, ["text_tokens"], "label")
    raw, classes, proba, _ = out_of_fold_proba(category_estimator(), texts, labels, folds=5)
    scores = classification_scores(labels, proba, classes)
    print({k: scores[k] for k in ("n", "accuracy", "macro_f1", "top3_accuracy")})
    show_confusion(labels, classes[proba.argmax(axis=1)], list(classes))
    show_worst(raw, labels, classes, proba)
    # the abstain threshold trades agent clicks for errors: share kept and its accuracy
    confident = proba.max(axis=1) >= category_estimator().abstain_below
    correct = classes[proba.argmax(axis=1)] == np.asarray(labels, dtype=object)
    print(f"not abstained: {confident.mean():.3f} of tickets, accuracy there {correct[confident].mean():.4f}")
else:
    print(f"skipped: {tipdm} not found (needs ../shared/data)")

# %% [markdown]
# ## Type and urgency: trained on the train split, measured on the test split

# %%
for head, estimator in (("type", type_estimator()), ("urgency", urgency_estimator())):
    path = DATA_DIR / f"{head}_examples.jsonl"
    train_texts, train_labels = read_split(path, head, "train")
    test_texts, test_labels = read_split(path, head, "test")
    model = estimator.fit(train_texts, train_labels)
    head_proba = model.predict_proba(test_texts)
    head_scores = classification_scores(test_labels, head_proba, model.classes_)
    print(head, {k: head_scores[k] for k in ("n", "accuracy", "macro_f1")})
    show_confusion(test_labels, model.classes_[head_proba.argmax(axis=1)], list(model.classes_))
    show_worst(test_texts, test_labels, model.classes_, head_proba, count=8)
