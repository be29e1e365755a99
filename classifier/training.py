"""Train the three heads and write them as one versioned artifact folder."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, train_test_split

from classifier.artifacts import save_artifact
from classifier.datasets import read_labelled, read_split, sha256_of
from classifier.estimators import MessageClassifier, RuleAssistedClassifier, shift_priors
from classifier.evaluation import as_raw_text, classification_scores
from classifier.hierarchy import PathClassifier, cut
from classifier.labels import LABEL_FILE, agreement_report, load_messages
from classifier.rules import TYPE_RULES, URGENCY_RULES

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
TIPDM_FILE = "tipdm_topic_train_tokenized.jsonl"
TAXONOMY_FILE = "tipdm_taxonomy.jsonl"
BUILTIN_CATEGORY_FILE = DATA_DIR / "category_examples.jsonl"
# Questions from public FAQ collections are consultations by definition (LABELLING.md): a few hundred of them
# teach the type head how a citizen's plain question reads, next to the real messages' complaints and reports.
FAQ_CONSULT_FILES = (("taipei_faq_dev.jsonl", "question"), ("policy_qa_dev.jsonl", "question"))
FAQ_CONSULT_ROWS = 300  # from each file
# Recall each head must keep on its cross-validated training rows, bought with the class's precision: a 举报 read
# as a 投诉 leaves its reporter unprotected (both have the same time limits), an urgent case waits in the queue.
RECALL_FLOORS = {"type": {"report": 0.75}, "urgency": {"urgent": 0.65}}


def category_estimator(embedder: str | None = None) -> MessageClassifier:
    """The category head as measured: word + char(1-3) TF-IDF, calibrated linear SVM."""
    return MessageClassifier(linear_model="svm", C=1.0, char_ngram_range=(1, 3), embedder=embedder,
                             abstain_below=0.5)


def type_estimator() -> RuleAssistedClassifier:
    return RuleAssistedClassifier(rules=TYPE_RULES, abstain_below=0.5)


def urgency_estimator() -> RuleAssistedClassifier:
    return RuleAssistedClassifier(rules=URGENCY_RULES, abstain_below=0.5)


def _fit_handwritten(estimator, head: str):
    """Fit on the train split of our own examples, score on the test split, refit on both."""
    path = DATA_DIR / f"{head}_examples.jsonl"
    train_texts, train_labels = read_split(path, head, "train")
    test_texts, test_labels = read_split(path, head, "test")
    held_out = clone(estimator).fit(train_texts, train_labels)
    metrics = classification_scores(test_labels, held_out.predict_proba(test_texts), held_out.classes_)
    texts, labels = train_texts + test_texts, train_labels + test_labels
    final = clone(estimator).fit(texts, labels)
    return final, _head_manifest(final, texts, labels, metrics, source=f"classifier/data/{path.name}")


def _head_manifest(model, texts, labels, metrics, source: str) -> dict:
    return {"labels": [str(c) for c in model.classes_], "training_rows": len(texts),
            "training_data": source, "training_data_sha256": sha256_of(texts, labels),
            "abstain_below": model.abstain_below, "metrics": metrics}


def fit_category(texts: list[str], labels: list[str], *, source: str, embedder: str | None = None,
                 holdout: float = 0.1, random_state: int = 0, tree_paths=None):
    """Fit the category head on labelled rows (level-1 names or deeper paths); metrics come from a stratified
    raw-text holdout of a flat level-1 model before the final fit."""
    raw = [as_raw_text(t) for t in texts]
    level1 = [cut(label, 1) for label in labels]
    metrics = None
    counts = Counter(level1)
    # a holdout needs two rows of every label and room for each label in the held-out part
    if holdout and min(counts.values()) >= 2 and len(raw) * holdout >= len(counts):
        fit_x, test_x, fit_y, test_y = train_test_split(raw, level1, test_size=holdout, stratify=level1,
                                                        random_state=random_state)
        held_out = category_estimator(embedder).fit(fit_x, fit_y)
        metrics = {"holdout": holdout,
                   **classification_scores(test_y, held_out.predict_proba(test_x), held_out.classes_)}
    model, manifest = fit_paths(raw, labels, [1] * len(raw), tree_paths or (), source=source)
    manifest["metrics"] = metrics
    return model, manifest


def write_ticket_classifier(out_dir: Path, category_model, category_manifest: dict,
                            embedder: str | None = None) -> Path:
    """Add the type and urgency heads learnt from the hand-written examples (a machine without ../shared/data)
    to a fitted category head and save all three as one artifact."""
    type_model, type_manifest = _fit_handwritten(type_estimator(), "type")
    urgency_model, urgency_manifest = _fit_handwritten(urgency_estimator(), "urgency")
    return _save(out_dir, {"type": type_model, "category": category_model, "urgency": urgency_model},
                 {"type": type_manifest, "category": category_manifest, "urgency": urgency_manifest}, embedder)


def shared_data(shared_data_dir: Path | None) -> Path | None:
    """../shared/data when it holds what the product's model learns from, else None (built-in examples)."""
    shared = Path(shared_data_dir) if shared_data_dir is not None else DEFAULT_SHARED_DATA
    needed = [TIPDM_FILE, TAXONOMY_FILE] + [row["source"] for row in _label_sources()]
    return shared if all((shared / name).is_file() for name in needed) else None


def _label_sources() -> list[dict]:
    from classifier.labels import read_label_rows

    return [{"source": s} for s in sorted({r["source"] for r in read_label_rows()})]


def train_default(out_dir: Path, shared_data_dir: Path | None = None, tree_paths=None) -> Path:
    """The product's model (`build`) when ../shared/data is there; otherwise a weaker one from the built-in
    hand-written examples, so a fresh machine still starts."""
    shared = shared_data(shared_data_dir)
    if shared is not None:
        return build(out_dir, shared_data_dir=shared, tree_paths=tree_paths)
    texts, labels = read_labelled(BUILTIN_CATEGORY_FILE, ["text"], "category")
    category_model, category_manifest = fit_category(texts, labels, tree_paths=tree_paths,
                                                     source=f"classifier/data/{BUILTIN_CATEGORY_FILE.name}")
    return write_ticket_classifier(out_dir, category_model, category_manifest)


def train_from_examples(rows: Iterable[dict], out_dir: Path, *, shared_data_dir: Path | None = None,
                        include_base: bool = True, tree_paths=None) -> Path:
    """Retrain with agent-confirmed tickets ({"text", "category"} rows, the category a path of any depth) on
    top of the base data (the product's labels and corpus, or the built-in examples), unless include_base is
    False, so a few hundred corrections teach the platform's own wording without forgetting the rest.
    """
    confirmed = []
    for number, row in enumerate(rows, start=1):
        text, category = (row.get("text") or "").strip(), (row.get("category") or "").strip().strip("/")
        if not text or not category:
            raise ValueError(f"row {number}: needs non-empty 'text' and 'category', got {row!r}")
        confirmed.append({"text": text, "category": category})
    if not confirmed:
        raise ValueError("rows: no confirmed tickets to learn from")
    shared = shared_data(shared_data_dir)
    if include_base and shared is not None:
        return build(out_dir, shared_data_dir=shared, tree_paths=tree_paths, confirmed=confirmed)
    texts, labels = [r["text"] for r in confirmed], [r["category"] for r in confirmed]
    source = f"confirmed tickets ({len(texts)})"
    if include_base:
        base_texts, base_labels = read_labelled(BUILTIN_CATEGORY_FILE, ["text"], "category")
        texts, labels = base_texts + texts, base_labels + labels
        source = f"classifier/data/{BUILTIN_CATEGORY_FILE.name} + {source}"
    category_model, category_manifest = fit_category(texts, labels, source=source, tree_paths=tree_paths)
    return write_ticket_classifier(out_dir, category_model, category_manifest)


# -- the product's model: heads learnt from real messages labelled by the project (classifier/data/labels) --------

def real_head_estimator() -> MessageClassifier:
    """Type and urgency from real messages: word (1-2) + char (1-3) TF-IDF, calibrated linear SVM, balanced."""
    return MessageClassifier(linear_model="svm", C=0.3, word_ngram_range=(1, 2), char_ngram_range=(1, 3),
                             min_df=2, drop_stopwords=False, class_weight="balanced", abstain_below=0.4)


def path_estimator(tree_paths) -> PathClassifier:
    return PathClassifier(tree_paths=tuple(tree_paths), abstain_below=0.5)


def read_tree(shared_data_dir: Path) -> list[str]:
    """The category tree's leaves from the public taxonomy file (the composition root may pass its own)."""
    import json

    with (Path(shared_data_dir) / TAXONOMY_FILE).open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [f"{r['level1']}/{r['level2']}/{r['level3']}" for r in rows]


def faq_consultations(shared_data_dir: Path, per_file: int = FAQ_CONSULT_ROWS, random_state: int = 0) -> list[str]:
    import random

    texts = []
    for name, field in FAQ_CONSULT_FILES:
        path = Path(shared_data_dir) / name
        if path.is_file():
            questions, _ = read_labelled(path, [field], field)
            random.Random(random_state).shuffle(questions)
            texts += questions[:per_file]
    return texts


def prior_offsets(estimator: MessageClassifier, texts: list[str], labels: list[str], floors: dict[str, float],
                  folds: int = 3, random_state: int = 0) -> tuple[dict[str, float], dict]:
    """The smallest prior shift per class that lifts its cross-validated recall to the floor, and the
    cross-validated scores with that shift (what the manifest reports for the head)."""
    labels_array = np.asarray(labels, dtype=object)
    classes = np.asarray(sorted(set(labels)), dtype=object)
    proba = np.zeros((len(texts), len(classes)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    for train_idx, test_idx in splitter.split(texts, labels_array):
        model = clone(estimator).fit([texts[i] for i in train_idx], labels_array[train_idx])
        proba[np.ix_(test_idx, np.searchsorted(classes, model.classes_))] = \
            model.predict_proba([texts[i] for i in test_idx])
    offsets: dict[str, float] = {}
    for label, floor in floors.items():
        if label not in classes:
            continue
        for offset in np.arange(0.0, 3.01, 0.1):
            trial = {**offsets, label: round(float(offset), 2)}
            predicted = classes[shift_priors(proba, classes, trial).argmax(axis=1)]
            if np.mean(predicted[labels_array == label] == label) >= floor:
                break
        offsets = trial
    metrics = classification_scores(labels, shift_priors(proba, classes, offsets), classes)
    return offsets, {"cross_validated_folds": folds, **metrics}


def fit_real_head(head: str, texts: list[str], labels: list[str], *, source: str, vectorizer=None):
    """A type or urgency head on real messages with its recall floors met by a prior shift chosen on CV
    (`vectorizer`: another head's fitted one, shared so the product computes a ticket's features once)."""
    offsets, metrics = prior_offsets(real_head_estimator(), texts, labels, RECALL_FLOORS.get(head, {}))
    model = clone(real_head_estimator()).set_params(class_offsets=offsets).fit(texts, labels, vectorizer=vectorizer)
    manifest = _head_manifest(model, texts, labels, metrics, source)
    manifest["class_offsets"] = offsets
    return model, manifest


def fit_paths(texts: list[str], paths: list[str], first_level: list[int], tree_paths, *, source: str):
    model = path_estimator(tree_paths).fit(texts, paths, first_level=first_level)
    manifest = {"labels": [str(c) for c in model.classes_], "training_rows": len(texts),
                "labelled_deeper_than_level_1": sum(1 for p in paths if "/" in p),
                "training_data": source, "training_data_sha256": sha256_of(texts, paths),
                "abstain_below": model.abstain_below, "metrics": None}
    return model, manifest


def build(out_dir: Path, *, shared_data_dir: Path, tree_paths=None, splits=("train", "test"),
          label_file: Path = LABEL_FILE, confirmed: Iterable[dict] = (), corpus_limit: int | None = None) -> Path:
    """The product's classifier from ../shared/data and the project's labels (what `make run` trains).

    type: the real messages' settled labels + public FAQ questions as consultations; urgency: the real
    messages; category: paths of the whole tree, level 1 from the public corpus (7 of the 15 classes, in that
    corpus's convention) and the real messages together, levels 2-3 from the real messages.
    `splits=("train",)` leaves the held-out quarter out, for measuring; `confirmed` adds agents' confirmed
    {"text", "category"} rows (full paths) on top; `corpus_limit` takes only the public corpus's first rows (quick
    checks).
    """
    shared = Path(shared_data_dir)
    tree = list(tree_paths) if tree_paths is not None else read_tree(shared)
    messages = [m for m in load_messages(shared, path=label_file) if m.split in splits]
    source = f"classifier/data/labels/{Path(label_file).name} ({'+'.join(splits)})"
    heads, manifests = {}, {}

    typed = [m for m in messages if m.labels.get("type")]
    faq = faq_consultations(shared)
    heads["type"], manifests["type"] = fit_real_head(
        "type", [m.text for m in typed] + faq, [m.labels["type"] for m in typed] + ["consult"] * len(faq),
        source=f"{source} + {len(faq)} FAQ questions as consult")
    urgent = [m for m in messages if m.labels.get("urgency")]
    heads["urgency"], manifests["urgency"] = fit_real_head(
        "urgency", [m.text for m in urgent], [m.labels["urgency"] for m in urgent], source=source,
        vectorizer=heads["type"].vectorizer_)

    corpus_texts, corpus_labels = read_labelled(shared / TIPDM_FILE, ["text_tokens"], "label")
    corpus_texts = [as_raw_text(t) for t in corpus_texts][:corpus_limit]
    corpus_labels = corpus_labels[:corpus_limit]
    categorised = [m for m in messages if m.labels.get("category")]
    extra = [dict(r) for r in confirmed]
    texts = corpus_texts + [m.text for m in categorised] + [r["text"] for r in extra]
    paths = corpus_labels + [m.labels["category"] for m in categorised] + [r["category"] for r in extra]
    heads["category"], manifests["category"] = fit_paths(
        texts, paths, [1] * len(texts), tree,
        source=f"shared/data/{TIPDM_FILE} (level 1) + {source}" + (f" + confirmed tickets ({len(extra)})" if extra else ""))
    return _save(out_dir, heads, manifests, embedder=None,
                 extra={"agreement": agreement_report(label_file), "splits": list(splits)})


def _save(out_dir: Path, heads: dict, manifests: dict, embedder: str | None, extra: dict | None = None) -> Path:
    sha = manifests["category"]["training_data_sha256"]
    manifest = {
        "labels": {name: m["labels"] for name, m in manifests.items()},
        "training_data_sha256": sha,
        "embedder": embedder or "none",
        "heads": manifests,
        "metrics": {name: m["metrics"] for name, m in manifests.items()},
        **(extra or {}),
        "model_version": f"clf-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{sha[:8]}",
    }
    return save_artifact(out_dir, heads, manifest)
