"""Train the three heads and write them as one versioned artifact folder."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from sklearn.base import clone
from sklearn.model_selection import train_test_split

from classifier.artifacts import save_artifact
from classifier.datasets import read_labelled, read_split, sha256_of
from classifier.estimators import MessageClassifier, RuleAssistedClassifier
from classifier.evaluation import as_raw_text, classification_scores
from classifier.rules import TYPE_RULES, URGENCY_RULES

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
TIPDM_FILE = "tipdm_topic_train_tokenized.jsonl"
BUILTIN_CATEGORY_FILE = DATA_DIR / "category_examples.jsonl"


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
                 holdout: float = 0.1, random_state: int = 0):
    """Fit the category head; metrics come from a stratified raw-text holdout before the final refit."""
    estimator = category_estimator(embedder)
    raw = [as_raw_text(t) for t in texts]
    metrics = None
    counts = Counter(labels)
    # a holdout needs two rows of every label and room for each label in the held-out part
    if holdout and min(counts.values()) >= 2 and len(raw) * holdout >= len(counts):
        fit_x, test_x, fit_y, test_y = train_test_split(raw, labels, test_size=holdout, stratify=labels,
                                                        random_state=random_state)
        held_out = category_estimator(embedder).fit(fit_x, fit_y)
        metrics = {"holdout": holdout,
                   **classification_scores(test_y, held_out.predict_proba(test_x), held_out.classes_)}
    model = estimator.fit(raw, labels)
    return model, _head_manifest(model, raw, labels, metrics, source)


def write_ticket_classifier(out_dir: Path, category_model, category_manifest: dict,
                            embedder: str | None = None) -> Path:
    """Add the type and urgency heads to a fitted category head and save all three as one artifact."""
    type_model, type_manifest = _fit_handwritten(type_estimator(), "type")
    urgency_model, urgency_manifest = _fit_handwritten(urgency_estimator(), "urgency")
    heads = {"type": type_model, "category": category_model, "urgency": urgency_model}
    sha = category_manifest["training_data_sha256"]
    manifest = {
        "labels": {name: manifest["labels"] for name, manifest in
                   (("type", type_manifest), ("category", category_manifest), ("urgency", urgency_manifest))},
        "training_data_sha256": sha,
        "embedder": embedder or "none",
        "heads": {"type": type_manifest, "category": category_manifest, "urgency": urgency_manifest},
        "metrics": {"type": type_manifest["metrics"], "category": category_manifest["metrics"],
                    "urgency": urgency_manifest["metrics"]},
    }
    # the version names when and on what it was trained
    manifest["model_version"] = f"clf-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{sha[:8]}"
    return save_artifact(out_dir, heads, manifest)


def _base_category_rows(shared_data_dir: Path | None) -> tuple[list[str], list[str], str]:
    shared = Path(shared_data_dir) if shared_data_dir is not None else DEFAULT_SHARED_DATA
    tipdm = shared / TIPDM_FILE
    if tipdm.is_file():
        texts, labels = read_labelled(tipdm, ["text_tokens"], "label")
        return texts, labels, f"shared/data/{TIPDM_FILE}"
    # a fresh machine without ../shared still gets a working (weaker) model from our own examples
    texts, labels = read_labelled(BUILTIN_CATEGORY_FILE, ["text"], "category")
    return texts, labels, f"classifier/data/{BUILTIN_CATEGORY_FILE.name}"


def train_default(out_dir: Path, shared_data_dir: Path | None = None) -> Path:
    """Train all three heads; category from the tipdm file in shared_data_dir (default ../shared/data)
    when it exists, otherwise from the built-in category examples."""
    texts, labels, source = _base_category_rows(shared_data_dir)
    category_model, category_manifest = fit_category(texts, labels, source=source)
    return write_ticket_classifier(out_dir, category_model, category_manifest)


def train_from_examples(rows: Iterable[dict], out_dir: Path, *, shared_data_dir: Path | None = None,
                        include_base: bool = True) -> Path:
    """Retrain from agent-confirmed tickets ({"text", "category"} rows), on top of the base corpus.

    The confirmed rows are added to the base rows (tipdm or built-in) unless include_base is False,
    so a few hundred corrections teach the platform's own wording without forgetting the rest.
    """
    texts, labels = [], []
    for number, row in enumerate(rows, start=1):
        text, category = (row.get("text") or "").strip(), (row.get("category") or "").strip()
        if not text or not category:
            raise ValueError(f"row {number}: needs non-empty 'text' and 'category', got {row!r}")
        texts.append(text)
        labels.append(category)
    if not texts:
        raise ValueError("rows: no confirmed tickets to learn from")
    source = f"confirmed tickets ({len(texts)})"
    if include_base:
        base_texts, base_labels, base_source = _base_category_rows(shared_data_dir)
        texts, labels, source = base_texts + texts, base_labels + labels, f"{base_source} + {source}"
    category_model, category_manifest = fit_category(texts, labels, source=source)
    return write_ticket_classifier(out_dir, category_model, category_manifest)
