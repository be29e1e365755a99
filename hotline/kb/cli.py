"""`hotline knowledge export|import`: the knowledge files against the platform's database (same rules as the API)."""
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
    from hotline.db import with_connection
    from hotline.embedded import resolve_database_url

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
