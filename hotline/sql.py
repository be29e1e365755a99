"""Loads named SQL queries from `.sql` files beside the code that uses them.

A file holds blocks that start with `-- name: query_name`; the text up to the next marker is the query.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_MARKER = re.compile(r"^--\s*name:\s*(\w+)\s*$", re.MULTILINE)


class Queries:
    def __init__(self, path: Path):
        self.path = path
        self._queries = parse_queries(path.read_text(encoding="utf-8"))

    def __getattr__(self, name: str) -> str:
        try:
            return self._queries[name]
        except KeyError:
            raise AttributeError(f"no query named {name!r} in {self.path}") from None

    def items(self):
        return self._queries.items()


def parse_queries(text: str) -> dict[str, str]:
    parts = _MARKER.split(text)
    queries: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        if name in queries:
            raise ValueError(f"query {name!r} defined twice")
        queries[name] = body.strip().rstrip(";")
    return queries


@lru_cache(maxsize=None)
def load_queries(module_file: str, filename: str = "queries.sql") -> Queries:
    """`load_queries(__file__)` reads queries.sql in the caller's folder."""
    return Queries(Path(module_file).resolve().parent / filename)


def all_query_files() -> list[Path]:
    root = Path(__file__).resolve().parents[1]
    return sorted(
        p for pkg in ("hotline", "knowledge", "routing", "feedback") for p in (root / pkg).rglob("*.sql")
        if "migrations" not in p.parts
    )
