"""Command-line entry points of the knowledge search core; the product CLI mounts `app`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from knowledge.bench import bench_search as run_bench_search
from knowledge.evaluate import evaluate as run_evaluate
from knowledge.tuning import tune_fusion as run_tune_fusion

app = typer.Typer(help="Knowledge search: retrieval evaluation and speed benchmark.", no_args_is_help=True)


@app.command()
def evaluate(
    data: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="JSONL (or .json list) of question/answer rows")],
    query_field: Annotated[str, typer.Option(help="field holding the question")],
    answer_field: Annotated[str, typer.Option(help="field holding the answer")],
    corpus: Annotated[Optional[Path], typer.Option(exists=True, dir_okay=False, help="index this corpus instead of the distinct answers")] = None,
    corpus_field: Annotated[Optional[str], typer.Option(help="field of --corpus holding the document text")] = None,
    mode: Annotated[str, typer.Option(help="hybrid | bm25 | dense")] = "hybrid",
    embedder: Annotated[str, typer.Option(help="embedder spec for the dense channel: e5 | use | hashing")] = "e5",
    fusion: Annotated[str, typer.Option(help="blend | rrf")] = "blend",
    half: Annotated[str, typer.Option(help="all | even | odd rows (tune on one half, report on the other)")] = "all",
) -> None:
    """Index the distinct answers (or the corpus), ask every question, print recall@1/@5, MRR and latency as JSON."""
    try:
        result = run_evaluate(
            data, query_field, answer_field, corpus=corpus, corpus_field=corpus_field,
            mode=mode, embedder_spec=embedder, fusion=fusion, half=half,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    typer.echo(json.dumps(result, ensure_ascii=False))


@app.command("bench-search")
def bench_search(
    docs: Annotated[int, typer.Option(min=1, help="number of documents to index")] = 10_000,
    queries: Annotated[int, typer.Option(min=1, help="number of timed queries")] = 200,
    embedder: Annotated[str, typer.Option(help="embedder spec for the dense channel")] = "e5",
    mode: Annotated[str, typer.Option(help="hybrid | bm25 | dense")] = "hybrid",
) -> None:
    """Build an index of N documents and time searches: prints {"docs","p50_ms","p95_ms","index_build_s"}."""
    typer.echo(json.dumps(run_bench_search(docs, n_queries=queries, embedder_spec=embedder, mode=mode)))


@app.command("tune-fusion")
def tune_fusion(
    data: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="JSONL (or .json list) of question/answer rows")],
    query_field: Annotated[str, typer.Option(help="field holding the question")],
    answer_field: Annotated[str, typer.Option(help="field holding the answer")],
    embedder: Annotated[str, typer.Option(help="embedder spec for the dense channel")] = "e5",
) -> None:
    """Grid-search the fusion on the even questions, print its MRR on the odd ones beside BM25 and dense alone."""
    typer.echo(json.dumps(run_tune_fusion(data, query_field, answer_field, embedder_spec=embedder)))
