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
from classifier.training import (DATA_DIR, DEFAULT_SHARED_DATA, build, category_estimator, fit_category,
                                 read_tree, train_default, write_ticket_classifier)

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


SharedOpt = Annotated[Path, typer.Option("--shared-data", file_okay=False, help="the public data folder")]


def build_model(out: Path, shared: Path, split: str, tree_paths=None) -> dict:
    splits = ("train",) if split == "train" else ("train", "test")
    if not shared.is_dir():
        raise typer.BadParameter(f"{shared} is not a folder", param_hint="--shared-data")
    build(out, shared_data_dir=shared, tree_paths=tree_paths, splits=splits)
    manifest = TicketClassifier.load(out).manifest
    return {"model": str(out), "model_version": manifest["model_version"], "splits": list(splits),
            "cross_validated": {h: {k: (manifest["metrics"][h] or {}).get(k) for k in ("accuracy", "macro_f1")}
                                for h in ("type", "urgency")},
            "agreement": manifest["agreement"]}


@app.command("build")
def build_command(out: Annotated[Path, typer.Option("--out", help="artifact folder to write")],
                  shared_data: SharedOpt = DEFAULT_SHARED_DATA,
                  split: Annotated[str, typer.Option("--split", help="all: every labelled message (the product's "
                                                     "model); train: leave the held-out quarter out, to measure")] = "all") -> None:
    """The product's classifier, all heads, from ../shared/data and the project's labels (what `make run` trains)."""
    if split not in ("all", "train"):
        raise typer.BadParameter("all or train", param_hint="--split")
    _print(build_model(out, shared_data, split, read_tree(shared_data)))


@app.command("export-labelled")
def export_labelled(out: Annotated[Path, typer.Option("--out", dir_okay=False, help="JSONL to write (outside the repo)")],
                    shared_data: SharedOpt = DEFAULT_SHARED_DATA,
                    split: Annotated[str, typer.Option("--split", help="test | train | all")] = "test") -> None:
    """The project's labelled real messages joined to their text, for `evaluate` (fields title, body, type, urgency,
    category, level1, level2, level3; only messages whose every head was settled, category to level 3).
    The text is others' work: write it outside the repository."""
    from classifier.labels import load_messages

    if split not in ("test", "train", "all"):
        raise typer.BadParameter("test, train or all", param_hint="--split")
    rows = 0
    with out.open("w", encoding="utf-8") as handle:
        for message in load_messages(shared_data):
            if (split != "all" and message.split != split) or len(message.labels) < 3 \
                    or message.labels["category"].count("/") != 2:
                continue
            title, _, body = message.text.partition("。")
            path = (message.labels.get("category") or "").split("/")
            record = {"source": message.source, "id": message.id, "title": title, "body": body,
                      **{head: message.labels.get(head) or "" for head in ("type", "urgency", "category")},
                      **{f"level{i + 1}": (path[i] if i < len(path) else "") for i in range(3)}}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            rows += 1
    _print({"out": str(out), "rows": rows, "split": split})


@app.command("evaluate")
def evaluate_command(model: Annotated[Path, typer.Option("--model", exists=True, file_okay=False)],
                     data: DataOpt, text_field: TextFieldOpt, label_field: LabelFieldOpt,
                     head: Annotated[str, typer.Option("--head", help=f"one of {HEADS}")] = "category",
                     level: Annotated[int | None, typer.Option(
                         "--level", min=1, max=3, help="category only: judge the path cut to this level "
                         "(the label is that level's name, or a path)")] = None) -> None:
    """Score one head of an artifact on labelled raw messages, with single-message latency."""
    heads, _ = load_artifact(model)
    if head not in heads:
        raise typer.BadParameter(f"artifact has heads {sorted(heads)}", param_hint="--head")
    if level is not None and head != "category":
        raise typer.BadParameter("--level applies to --head category only", param_hint="--level")
    texts, labels = read_labelled(data, text_fields(text_field), label_field)
    _print(evaluate(heads[head], texts, labels, level=level))


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
