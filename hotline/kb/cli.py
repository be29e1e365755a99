"""`hotline knowledge export|import|answer-eval|answer-gate-train`: the knowledge base in the platform's database,
its files (same rules as the API) and the measurement of the answers the chat gives."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from hotline.config import Settings

app = typer.Typer(help="Knowledge import and export (JSON or Excel-friendly CSV).", no_args_is_help=True)

KindOption = Annotated[str, typer.Option(help="matters | articles")]
FormatOption = Annotated[Optional[str], typer.Option("--format", help="json | csv (default: from the file suffix)")]


def _format_of(file: Path, fmt: str | None) -> str:
    fmt = fmt or file.suffix.lstrip(".").lower()
    if fmt not in ("json", "csv"):
        raise typer.BadParameter(f"format must be json or csv, got {fmt!r} (use --format)")
    return fmt


def _kind(kind: str) -> str:
    if kind not in ("matters", "articles"):
        raise typer.BadParameter(f"kind must be matters or articles, got {kind!r}")
    return kind


async def _with_connection(work):
    from hotline.infra.db import with_connection
    from hotline.infra.embedded import resolve_database_url

    return await with_connection(resolve_database_url(Settings()), work)


@app.command("export")
def export(
    file: Annotated[Path, typer.Option(dir_okay=False, help="file to write")],
    kind: KindOption = "matters",
    fmt: FormatOption = None,
) -> None:
    """Write every active matter or article to FILE; prints {"kind","format","file","rows"}."""
    from hotline.kb.transfer import export_documents
    from knowledge.transfer import to_csv, to_json

    kind, fmt = _kind(kind), _format_of(file, fmt)
    documents = asyncio.run(_with_connection(lambda conn: export_documents(conn, kind=kind)))
    file.write_bytes(to_json(documents) if fmt == "json" else to_csv(kind, documents))
    typer.echo(json.dumps({"kind": kind, "format": fmt, "file": str(file), "rows": len(documents)}))


@app.command("import")
def import_(
    file: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="file to read")],
    user: Annotated[str, typer.Option("--user", help="the supervisor or admin account the edits are recorded under")],
    kind: KindOption = "matters",
    fmt: FormatOption = None,
) -> None:
    """Check every row of FILE, then upsert the changed ones in one transaction, or nothing when any row is
    wrong (exit code 1, {"errors": [{row, code, field, reason}]}). Prints the counts as JSON. Each new
    version's history names USER, as an import over the API names the caller."""
    from hotline.auth.service import editor_id
    from hotline.kb.transfer import InvalidRows, import_file

    kind, fmt = _kind(kind), _format_of(file, fmt)
    data = file.read_bytes()

    async def work(conn):
        user_id = await editor_id(conn, user, roles=("supervisor", "admin"))
        if user_id is None:
            raise typer.BadParameter(f"no active supervisor or admin account {user!r}", param_hint="--user")
        async with conn.transaction():
            return await import_file(conn, kind=kind, fmt=fmt, data=data, user_id=user_id)

    try:
        result = asyncio.run(_with_connection(work))
    except InvalidRows as error:
        typer.echo(json.dumps({"errors": error.detail["rows"]}, ensure_ascii=False))
        raise typer.Exit(1) from None
    typer.echo(json.dumps(result, ensure_ascii=False))


DataOption = Annotated[Path, typer.Option(exists=True, dir_okay=False, help="JSONL: question, expect_kind, expect_codes")]
EmbedderOption = Annotated[Optional[str], typer.Option(help="embedder spec (default: the platform's, HOTLINE_EMBEDDER)")]


async def _answer_index(conn, embedder: str | None):
    """The index the API builds at start-up, over the knowledge base in this database."""
    import anyio

    from classifier.embedders import load_embedder
    from hotline.kb.live_index import LiveKnowledgeIndex

    index = LiveKnowledgeIndex(await anyio.to_thread.run_sync(load_embedder, embedder or Settings().embedder))
    await index.refresh(conn)
    if not index.members:
        raise typer.BadParameter("the database holds no knowledge: run `hotline seed` (or `make run`) first")
    return index


@app.command("answer-eval")
def answer_eval(data: DataOption, embedder: EmbedderOption = None,
                misses: Annotated[bool, typer.Option("--misses", help="also list every miss on stderr")] = False) -> None:
    """Ask every question of FILE through the chat's answer path (the API's index, gate and composer over this
    database's knowledge) and print one JSON line: n, right (share of answerable questions answered with the right
    matter, article or choice of sub-items), unknown_when_unanswerable, wrong_matter (share of all questions),
    the answers' kinds, where the misses went, and the time per answer."""
    import time

    import numpy as np

    from hotline.kb.service import answer_from_index
    from knowledge.answer_eval import answer_code, load_questions, summarise, verdict

    try:
        rows = load_questions(data)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--data") from None

    async def work(conn):
        index = await _answer_index(conn, embedder)
        answers, times = [], []
        for row in rows:
            started = time.perf_counter()
            answers.append(await answer_from_index(index, question=row["question"]))
            times.append((time.perf_counter() - started) * 1000)
        return index.embedder_name, answers, times

    embedder_name, answers, times = asyncio.run(_with_connection(work))
    if misses:
        for row, reply in zip(rows, answers):
            result = verdict(row, reply)
            if result != "right" and not (row["expect_kind"] == "unknown" and reply["kind"] == "unknown"):
                typer.echo(json.dumps({"verdict": result, "question": row["question"], "expected": row["expect_kind"],
                                       "codes": row["expect_codes"], "got": reply["kind"], "code": answer_code(reply),
                                       "confidence": reply.get("confidence")}, ensure_ascii=False), err=True)
    summary = summarise(rows, answers)
    summary.update(embedder=embedder_name, latency_ms_p50=round(float(np.percentile(times, 50)), 1),
                   latency_ms_p95=round(float(np.percentile(times, 95)), 1))
    typer.echo(json.dumps(summary, ensure_ascii=False))


@app.command("answer-gate-train")
def answer_gate_train(
    data: Annotated[list[Path], typer.Option(exists=True, dir_okay=False, help="JSONL: question, expect_kind, "
                                             "expect_codes (repeat --data to learn from several writers' sets)")],
    embedder: EmbedderOption = None,
    out: Annotated[Optional[Path], typer.Option(dir_okay=False, help="where to write (default: knowledge/answer_gate.json)")] = None,
    max_wrong: Annotated[float, typer.Option(help="cap on wrong answers, share of all questions (cross-validated)")] = 0.045,
    min_refused: Annotated[float, typer.Option(help="floor on 'not known' for unanswerable questions")] = 0.905,
) -> None:
    """Fit the answer gate on the FILEs (calibration questions) with this database's knowledge base: one model for the
    embedder, one lexical; thresholds chosen by 5-fold cross-validation. Prints each model's cross-validated figures."""
    from hotline.kb.service import gather
    from knowledge.answer_eval import load_questions
    from knowledge.gate import GATE_FILE, family_of, train_gates

    rows = [row for path in data for row in load_questions(path)]

    async def work(conn):
        index = await _answer_index(conn, embedder)
        families = {row["code"]: family_of(row) for row in index.rows.values()}
        samples, labels = [], []
        for row in rows:
            _, evidence = await gather(index, question=row["question"])
            samples.append(evidence.features)
            labels.append(int(evidence.family in {families.get(code) for code in row["expect_codes"]}))
        return index.embedder_name, samples, labels

    embedder_name, samples, labels = asyncio.run(_with_connection(work))
    trained = train_gates(samples, labels, [row["expect_kind"] != "unknown" for row in rows],
                          embedder_name=embedder_name, max_wrong=max_wrong, min_refused=min_refused)
    trained["trained_on"]["file"] = ", ".join(path.name for path in data)
    target = out or GATE_FILE
    target.write_text(json.dumps(trained, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    typer.echo(json.dumps({name: {**model["cross_validated"], "threshold": model["threshold"]}
                           for name, model in trained["models"].items()}, ensure_ascii=False))
