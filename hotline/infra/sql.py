"""Loads named SQL queries from `.sql` files beside the code that uses them.

A file holds blocks that start with `-- name: query_name`; the text up to the next marker is the query.
A block marked `-- name: query_name (named parameters)` writes its parameters as `:name` instead of `$1`: it is
loaded as positional SQL (asyncpg knows only `$n`) and `Q.args("query_name", name=value, ...)` puts the values
in its order, refusing a name missing or unknown.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_MARKER = re.compile(r"^--\s*name:\s*(\w+)(\s+\(named parameters\))?\s*$", re.MULTILINE)
# `:name`, not a cast's `::type` nor a time in a literal ('10:30').
_NAMED = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


def number_parameters(text: str) -> tuple[str, tuple[str, ...]]:
    """SQL written with `:name` parameters as asyncpg's `$n`, and the names in the order of their numbers."""
    if re.search(r"\$\d", text):
        raise ValueError("a query with named parameters must not also use $n")
    names: list[str] = []

    def number(match: re.Match) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _NAMED.sub(number, text), tuple(names)


def bind(names: tuple[str, ...], values: dict[str, object]) -> list[object]:
    """The values in the order of `names`, refusing a name missing or unknown."""
    missing, unknown = set(names) - values.keys(), values.keys() - set(names)
    if missing or unknown:
        raise TypeError(f"query parameters missing {sorted(missing)}, unknown {sorted(unknown)}")
    return [values[name] for name in names]


class Queries:
    def __init__(self, path: Path):
        self.path = path
        self._queries, self._names = parse_named_queries(path.read_text(encoding="utf-8"))

    def args(self, name: str, **values: object) -> list[object]:
        """The values of a query marked `(named parameters)`, in its order: `conn.fetch(Q.x, *Q.args("x", a=1))`."""
        if name not in self._names:
            raise AttributeError(f"no query with named parameters called {name!r} in {self.path}")
        return bind(self._names[name], values)

    def __getattr__(self, name: str) -> str:
        try:
            return self._queries[name]
        except KeyError:
            raise AttributeError(f"no query named {name!r} in {self.path}") from None

    def items(self):
        return self._queries.items()


def parse_queries(text: str) -> dict[str, str]:
    return parse_named_queries(text)[0]


def parse_named_queries(text: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Every block's SQL (plain str: asyncpg takes nothing else), and the parameter names of the named ones."""
    parts = _MARKER.split(text)
    queries: dict[str, str] = {}
    names: dict[str, tuple[str, ...]] = {}
    for name, named, body in zip(parts[1::3], parts[2::3], parts[3::3]):
        if name in queries:
            raise ValueError(f"query {name!r} defined twice")
        query = body.strip().rstrip(";")
        if named:
            query, names[name] = number_parameters(query)
        queries[name] = query
    return queries, names


@lru_cache(maxsize=None)
def load_queries(module_file: str, filename: str = "queries.sql") -> Queries:
    """`load_queries(__file__)` reads queries.sql in the caller's folder."""
    return Queries(Path(module_file).resolve().parent / filename)


def all_query_files() -> list[Path]:
    root = Path(__file__).resolve().parents[2]
    return sorted(
        p for pkg in ("hotline", "knowledge", "routing", "feedback") for p in (root / pkg).rglob("*.sql")
        if "migrations" not in p.parts
    )
