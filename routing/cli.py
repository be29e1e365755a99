"""Command line for the department model: train, evaluate, cross-validate; each prints JSON as its last line."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer

from routing.artifacts import load_model, save_model
from classifier.datasets import sha256_of
from routing.datasets import history_examples, read_rows
from routing.evaluation import cross_validate, evaluate
from routing.model import DepartmentModel

app = typer.Typer(help="Text → responsible department model.", no_args_is_help=True)

DataOpt = Annotated[Path, typer.Option("--data", exists=True, dir_okay=False, help="JSONL or CSV (UTF-8)")]
TextFieldOpt = Annotated[str, typer.Option("--text-field", help="what the caller said (the only input at prediction)")]
LabelFieldOpt = Annotated[str, typer.Option("--label-field", help="the department that handled it")]
ContextOpt = Annotated[list[str], typer.Option(
    "--context-field", help="training-only text field, e.g. an FAQ answer or the department's reply (repeatable)")]
FoldsOpt = Annotated[int, typer.Option("--folds", min=2)]


def _print(result: dict) -> None:
    typer.echo(json.dumps(result, ensure_ascii=False))


@app.command()
def train(out: Annotated[Path, typer.Option("--out", help="model folder to write")],
          data: Annotated[Optional[Path], typer.Option("--data", exists=True, dir_okay=False,
                                                       help="JSONL or CSV (UTF-8)")] = None,
          text_field: Annotated[Optional[str], typer.Option("--text-field", help="what the caller said")] = None,
          label_field: Annotated[Optional[str], typer.Option("--label-field", help="the handling department")] = None,
          context_field: ContextOpt = [], folds: FoldsOpt = 5,
          skip_cv: Annotated[bool, typer.Option("--skip-cv", help="don't cross-validate for the manifest")] = False,
          from_db: Annotated[bool, typer.Option("--from-db", help="learn from the platform's tickets: the department "
                                                "that kept each one; returns count against the returning one")] = False,
          ) -> None:
    """Fit on all rows of FILE, or on the dispatch history (--from-db); write model + manifest (with k-fold
    metrics unless --skip-cv)."""
    weights, live_router = None, None
    if from_db and data:
        raise typer.BadParameter("give either --data or --from-db")
    if from_db:
        # only the composition root reads the database; imported here so the routing library needs no driver
        from hotline.training_data import read_dispatch_history

        rows, live_router = read_dispatch_history()
        texts, labels, weights = history_examples(rows)
        contexts, source = None, "dispatch history"
        if len(set(labels)) < 2:
            typer.echo(f"the dispatch history has {len(labels)} kept tickets in {len(set(labels))} departments; "
                       "at least two departments are needed", err=True)
            raise typer.Exit(1)
    else:
        if not (data and text_field and label_field):
            raise typer.BadParameter("--data, --text-field and --label-field are needed without --from-db")
        texts, labels, contexts = read_rows(data, text_field, label_field, context_field)
        source = data.name
    estimator = DepartmentModel()
    folds = min(folds, max(Counter(labels).values()))  # a short history cannot fill more folds than that
    metrics = None if skip_cv or folds < 2 else cross_validate(estimator, texts, labels, contexts, folds=folds,
                                                                 sample_weight=weights)
    model = estimator.fit(texts, labels, context=contexts, sample_weight=weights)
    save_model(out, model, {
        "task": "department", "source": source, "text_field": text_field, "label_field": label_field,
        "context_fields": context_field, "n": len(texts), "data_sha256": sha256_of(texts, labels),
        "labels": [str(c) for c in model.classes_], "params": model.get_params(), "metrics": metrics,
        **({"returned_rows": sum(w != 1.0 for w in weights), "live_router": live_router} if from_db else {}),
    })
    _print({"model": str(out), "n": len(texts), "labels": len(model.classes_), "cross_validation": metrics,
            **({"live_router": live_router} if from_db else {})})


@app.command("evaluate")
def evaluate_command(model: Annotated[Path, typer.Option("--model", exists=True, file_okay=False)],
                     data: DataOpt, text_field: TextFieldOpt, label_field: LabelFieldOpt) -> None:
    """Score a model folder on labelled rows (text only; departments it never saw count as misses)."""
    fitted, _ = load_model(model)
    texts, labels, _ = read_rows(data, text_field, label_field)
    _print(evaluate(fitted, texts, labels))


@app.command("cross-validate")
def cross_validate_command(data: DataOpt, text_field: TextFieldOpt, label_field: LabelFieldOpt,
                           context_field: ContextOpt = [], folds: FoldsOpt = 5,
                           random_state: Annotated[int, typer.Option("--random-state")] = 0) -> None:
    """Stratified k-fold on FILE; context fields of the held-out fold are never used."""
    texts, labels, contexts = read_rows(data, text_field, label_field, context_field)
    _print(cross_validate(DepartmentModel(random_state=random_state), texts, labels,
                          contexts if context_field else None, folds=folds, random_state=random_state))
