"""Loads named SQL queries from `.sql` files beside the code that uses them.

A file holds blocks that start with `-- name: query_name`; the text up to the next marker is the query.
A block marked `-- name: query_name (named parameters)` writes its parameters as `:name` instead of `$1`: it is
loaded as positional SQL (asyncpg knows only `$n`) and `Q.query_name.args(name=value, ...)` puts the values in
its order, refusing a name missing or unknown.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_MARKER = re.compile(r"^--\s*name:\s*(\w+)(\s+\(named parameters\))?\s*$", re.MULTILINE)
# `:name`, not a cast's `::type` nor a time in a literal ('10:30').
_NAMED = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


class NamedQuery(str):
    """SQL whose `$n` were written `:name`: `names` in the order of their numbers."""

    names: tuple[str, ...]

    def __new__(cls, text: str) -> NamedQuery:
        if re.search(r"\$\d", text):
            raise ValueError("a query with named parameters must not also use $n")
        names: list[str] = []

        def number(match: re.Match) -> str:
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        query = super().__new__(cls, _NAMED.sub(number, text))
        query.names = tuple(names)
        return query

    def args(self, **values: object) -> list[object]:
        missing, unknown = set(self.names) - values.keys(), values.keys() - set(self.names)
        if missing or unknown:
            raise TypeError(f"query parameters missing {sorted(missing)}, unknown {sorted(unknown)}")
        return [values[name] for name in self.names]


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
    for name, named, body in zip(parts[1::3], parts[2::3], parts[3::3]):
        if name in queries:
            raise ValueError(f"query {name!r} defined twice")
        query = body.strip().rstrip(";")
        queries[name] = NamedQuery(query) if named else query
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
