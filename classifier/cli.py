"""Command line for the classifier: train, evaluate, cross-validate, bench; each prints JSON as its last line."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from classifier.artifacts import load_artifact
from classifier.datasets import read_labelled, read_split
from classifier.evaluation import bench, cross_validate, evaluate
from classifier.pipeline import HEADS, TicketClassifier
from classifier.training import (DATA_DIR, DEFAULT_SHARED_DATA, category_estimator, fit_category, train_default,
                                 write_ticket_classifier)

app = typer.Typer(help="Ticket type / category / urgency classifier.", no_args_is_help=True)

DataOpt = Annotated[Path, typer.Option("--data", exists=True, dir_okay=False, help="JSONL or CSV (UTF-8)")]
TextFieldOpt = Annotated[str, typer.Option("--text-field", help="field(s), comma-separated, joined in order")]
LabelFieldOpt = Annotated[str, typer.Option("--label-field")]
EmbedderOpt = Annotated[str, typer.Option(
    "--embedder", help="none | use | hashing[:dim] | e5 | st:/path/to/model (appended to the TF-IDF features)")]


def text_fields(text_field: str) -> list[str]:
    """`--text-field title,content` → the fields joined in order into one text."""
    fields = [f.strip() for f in text_field.split(",") if f.strip()]
    if not fields:
        raise typer.BadParameter("give at least one field name", param_hint="--text-field")
    return fields


def _embedder(spec: str) -> str | None:
    return None if spec == "none" else spec


def _print(result: dict) -> None:
    typer.echo(json.dumps(result, ensure_ascii=False))


@app.command()
def train(data: DataOpt, text_field: TextFieldOpt, label_field: LabelFieldOpt,
          out: Annotated[Path, typer.Option("--out", help="artifact folder to write")],
          embedder: EmbedderOpt = "none") -> None:
    """Train the category head on FILE (type and urgency heads from the built-in examples)."""
    texts, labels = read_labelled(data, text_fields(text_field), label_field)
    model, manifest = fit_category(texts, labels, source=data.name, embedder=_embedder(embedder))
    write_ticket_classifier(out, model, manifest, embedder=_embedder(embedder))
    _print({"model": str(out), "n": len(texts), "labels": manifest["labels"], "holdout": manifest["metrics"]})


@app.command("evaluate")
def evaluate_command(model: Annotated[Path, typer.Option("--model", exists=True, file_okay=False)],
                     data: DataOpt, text_field: TextFieldOpt, label_field: LabelFieldOpt,
                     head: Annotated[str, typer.Option("--head", help=f"one of {HEADS}")] = "category") -> None:
    """Score one head of an artifact on labelled raw messages, with single-message latency."""
    heads, _ = load_artifact(model)
    if head not in heads:
        raise typer.BadParameter(f"artifact has heads {sorted(heads)}", param_hint="--head")
    texts, labels = read_labelled(data, text_fields(text_field), label_field)
    _print(evaluate(heads[head], texts, labels))


@app.command("cross-validate")
def cross_validate_command(data: DataOpt, text_field: TextFieldOpt, label_field: LabelFieldOpt,
                           folds: Annotated[int, typer.Option("--folds", min=2)] = 5,
                           embedder: EmbedderOpt = "none") -> None:
    """Stratified k-fold of the category head on raw-simulated text (pre-segmented tokens joined back)."""
    texts, labels = read_labelled(data, text_fields(text_field), label_field)
    _print(cross_validate(category_estimator(_embedder(embedder)), texts, labels, folds=folds))


def bench_classify(model_dir: Path | None = None, texts: list[str] | None = None) -> dict:
    """Latency of the product call `TicketClassifier.predict` (all three heads) on realistic messages.

    Without a model folder it trains the default model first (not timed). Without texts it uses
    300 real raw messages (title + body) from ../shared/data when present, else the hand-written
    test messages shipped in classifier/data.
    """
    if texts is None:
        texts = _bench_messages()
    if model_dir is None:
        with tempfile.TemporaryDirectory() as scratch:
            classifier = TicketClassifier.load(train_default(Path(scratch) / "model"))
    else:
        classifier = TicketClassifier.load(model_dir)
    return bench(classifier.predict_many, texts)


def _bench_messages() -> list[str]:
    unlabeled = DEFAULT_SHARED_DATA / "tipdm_messages_unlabeled.jsonl"
    if unlabeled.is_file():
        texts, _ = read_labelled(unlabeled, ["title", "body"], "id")
        return texts[:300]
    texts, _ = read_split(DATA_DIR / "type_examples.jsonl", "type", "test")
    return texts


@app.command("bench-classify")
def bench_classify_command(
        model: Annotated[Path | None, typer.Option("--model", exists=True, file_okay=False)] = None) -> None:
    """Print single-ticket p50/p95 (ms) and batch throughput of TicketClassifier."""
    _print(bench_classify(model))
