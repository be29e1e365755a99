"""Command line for the department model: train, evaluate, cross-validate; each prints JSON as its last line."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from classifier.cli import text_fields
from classifier.datasets import sha256_of
from routing.artifacts import load_model, save_model
from routing.datasets import read_rows
from routing.evaluation import cross_validate, evaluate
from routing.model import DepartmentModel

app = typer.Typer(help="Text → responsible department model.", no_args_is_help=True)

DataOpt = Annotated[Path, typer.Option("--data", exists=True, dir_okay=False, help="JSONL or CSV (UTF-8)")]
TextFieldOpt = Annotated[str, typer.Option(
    "--text-field", help="what the caller said (the only input at prediction); several fields joined: title,content")]
LabelFieldOpt = Annotated[str, typer.Option("--label-field", help="the department that handled it")]
ContextOpt = Annotated[list[str], typer.Option(
    "--context-field", help="training-only text field, e.g. an FAQ answer or the department's reply (repeatable)")]
FoldsOpt = Annotated[int, typer.Option("--folds", min=2)]
EmbedderOpt = Annotated[str, typer.Option(
    "--embedder", help="sentence vectors added to the words: e5 (default; ~13 ms a ticket) | use | none")]


def _print(result: dict) -> None:
    typer.echo(json.dumps(result, ensure_ascii=False))


def model_for(embedder: str) -> DepartmentModel:
    return DepartmentModel(embedder=None if embedder == "none" else embedder)


def names_of(labels: list[str]) -> dict[str, str]:
    """A file's labels as the departments' names: a label that is a name (社會局) says what the unit handles,
    so even a department with one row or none in a fold can be chosen; a code label adds one harmless word."""
    return {label: label for label in labels}


def fit_and_save(out: Path, texts: list[str], labels: list[str], *, contexts=None, weights=None, folds: int = 5,
                 skip_cv: bool = False, manifest: dict, embedder: str = "e5",
                 department_names: dict[str, str] | None = None) -> dict:
    """Fit on every row and write model + manifest (with k-fold metrics unless skip_cv); returns the summary the
    train commands print. `weights` per row, e.g. returned tickets from the dispatch history; `department_names`
    {department: name} are training documents of their departments."""
    estimator = model_for(embedder)
    folds = min(folds, max(Counter(labels).values()))  # a short history cannot fill more folds than that
    metrics = None if skip_cv or folds < 2 else cross_validate(estimator, texts, labels, contexts, folds=folds,
                                                                 sample_weight=weights,
                                                                 department_names=department_names)
    if metrics is not None:  # p calibrated on the folds' unseen rows; without them, the default scale
        estimator.set_params(temperature=metrics["temperature"])
    model = estimator.fit(texts, labels, context=contexts, sample_weight=weights, department_names=department_names)
    save_model(out, model, {
        "task": "department", "n": len(texts), "data_sha256": sha256_of(texts, labels),
        "labels": [str(c) for c in model.classes_], "params": model.get_params(), "metrics": metrics, **manifest,
    })
    return {"model": str(out), "n": len(texts), "labels": len(model.classes_), "cross_validation": metrics}


@app.command()
def train(data: DataOpt, text_field: TextFieldOpt, label_field: LabelFieldOpt,
          out: Annotated[Path, typer.Option("--out", help="model folder to write")],
          context_field: ContextOpt = [], folds: FoldsOpt = 5,
          skip_cv: Annotated[bool, typer.Option("--skip-cv", help="don't cross-validate for the manifest")] = False,
          embedder: EmbedderOpt = "e5") -> None:
    """Fit on all rows of FILE and write model + manifest (with k-fold metrics unless --skip-cv)."""
    texts, labels, contexts = read_rows(data, text_fields(text_field), label_field, context_field)
    _print(fit_and_save(out, texts, labels, contexts=contexts, folds=folds, skip_cv=skip_cv, embedder=embedder,
                        department_names=names_of(labels), manifest={
        "source": data.name, "text_field": text_field, "label_field": label_field, "context_fields": context_field}))


@app.command("evaluate")
def evaluate_command(model: Annotated[Path, typer.Option("--model", exists=True, file_okay=False)],
                     data: DataOpt, text_field: TextFieldOpt, label_field: LabelFieldOpt) -> None:
    """Score a model folder on labelled rows (text only; departments it never saw count as misses)."""
    fitted, _ = load_model(model)
    texts, labels, _ = read_rows(data, text_fields(text_field), label_field)
    _print(evaluate(fitted, texts, labels))


@app.command("cross-validate")
def cross_validate_command(data: DataOpt, text_field: TextFieldOpt, label_field: LabelFieldOpt,
                           context_field: ContextOpt = [], folds: FoldsOpt = 5,
                           random_state: Annotated[int, typer.Option("--random-state")] = 0,
                           embedder: EmbedderOpt = "e5") -> None:
    """Stratified k-fold on FILE; context fields of the held-out fold are never used."""
    texts, labels, contexts = read_rows(data, text_fields(text_field), label_field, context_field)
    _print(cross_validate(model_for(embedder).set_params(random_state=random_state), texts, labels,
                          contexts if context_field else None, folds=folds, random_state=random_state,
                          department_names=names_of(labels)))
