"""Throwaway databases for tests and benchmarks: a temporary SQLite file, or a fresh PostgreSQL database."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ENV = "QUIZAPP_TEST_DATABASE_URL"


def backends() -> list[str]:
    """SQLite always; PostgreSQL too when QUIZAPP_TEST_DATABASE_URL is set."""
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


@contextmanager
def postgres_database(server_url: str, prefix: str = "quizapp_test") -> Iterator[str]:
    """Create a uniquely named database on the server for the block, and drop it afterwards."""
    if server_url.startswith("postgresql://"):
        server_url = "postgresql+psycopg://" + server_url[len("postgresql://"):]
    server = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def scratch_database(server_url: str | None, tmp_dir: Path, prefix: str = "quizapp_test") -> Iterator[str]:
    """A new SQLite file in tmp_dir when no server is given, else a new database on that PostgreSQL server."""
    if not server_url:
        yield f"sqlite:///{Path(tmp_dir) / f'{prefix}-{uuid.uuid4().hex}.sqlite3'}"
        return
    with postgres_database(server_url, prefix) as url:
        yield url


@contextmanager
def temporary_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """Yield the URL of an empty database for the test backend, dropped afterwards."""
    with scratch_database(os.environ[PG_ENV] if backend == "postgresql" else None, tmp_dir) as url:
        yield url
