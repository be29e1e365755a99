"""Knowledge import and export against the database: all rows checked first, then applied together or not at all."""
from __future__ import annotations

from typing import Any

import asyncpg

from hotline.infra.errors import InvalidFields
from hotline.kb.service import save_article, save_matter
from hotline.infra.sql import load_queries
from knowledge.transfer import (Row, column_header, family_problems, read_rows, row_error, same_content,
                                stored_document)

Q = load_queries(__file__)
_EXPORT = {"matters": "matters_for_export", "articles": "articles_for_export"}
_FOR_IMPORT = {"matters": "matters_for_import", "articles": "articles_for_import"}


class InvalidRows(InvalidFields):
    """An import with bad rows: each error names its row, the document code, the field and the reason."""

    def __init__(self, rows: list[dict[str, Any]]):
        super().__init__([{"field": f"row {e['row']}: {e['field']}", "reason": e["reason"]} for e in rows])
        self.detail["rows"] = rows


async def export_documents(conn: asyncpg.Connection, *, kind: str) -> list[dict[str, Any]]:
    """Every active matter or article in seed-file shape with its current version, ordered by code."""
    return [stored_document(kind, row) for row in await conn.fetch(getattr(Q, _EXPORT[kind]))]


async def import_file(conn: asyncpg.Connection, *, kind: str, fmt: str, data: bytes,
                      user_id: int | None) -> dict[str, Any]:
    """Validate every row, then upsert the changed ones (history, version bump, change feed); the caller
    holds the transaction. Raises InvalidRows, having written nothing, when any row is wrong."""
    rows, errors = read_rows(kind, fmt, data)
    codes = [row.document["code"] for row in rows]
    stored = {r["code"]: r for r in await conn.fetch(getattr(Q, _FOR_IMPORT[kind]), codes)}
    errors.extend(_stale_rows(kind, rows, stored))
    if kind == "matters":
        errors.extend(family_problems(rows, [dict(r) for r in await conn.fetch(Q.matter_families)]))
    if errors:
        raise InvalidRows(sorted(({**e, "column": column_header(kind, e["field"])} for e in errors),
                                 key=lambda e: e["row"]))
    created, updated, unchanged = [], [], []
    for row in rows:
        current = stored.get(row.document["code"])
        if current is not None and current["active"] and same_content(stored_document(kind, current), row.document):
            unchanged.append(row.document["code"])
            continue
        document = {**row.document, "version": row.version or 1} if kind == "matters" else row.document
        save = save_matter if kind == "matters" else save_article
        await save(conn, document, user_id=user_id)
        (updated if current is not None else created).append(row.document["code"])
    return {"kind": kind, "rows": len(rows), "created": created, "updated": updated, "unchanged": len(unchanged)}


def _stale_rows(kind: str, rows: list[Row], stored: dict[str, asyncpg.Record]) -> list[dict[str, Any]]:
    """Changed rows exported before someone else's edit: importing them would quietly undo that edit."""
    errors = []
    for row in rows:
        current = stored.get(row.document["code"])
        if current is None or row.version is None or row.version >= current["version"]:
            continue
        if not same_content(stored_document(kind, current), row.document):
            errors.append(row_error(row.number, row.document["code"], (
                f"version: this row was exported at version {row.version} but the stored version is "
                f"{current['version']} (edited since); export again and redo the change")))
    return errors
