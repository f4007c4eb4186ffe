"""Throwaway test databases: a temporary SQLite file, or a fresh PostgreSQL database per run."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ENV = "QUIZAPP_TEST_DATABASE_URL"


def backends() -> list[str]:
    """SQLite always; PostgreSQL too when QUIZAPP_TEST_DATABASE_URL is set."""
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def _server_url() -> str:
    url = os.environ[PG_ENV]
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


@contextmanager
def temporary_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """Yield the URL of an empty database that is dropped afterwards."""
    if backend == "sqlite":
        path = tmp_dir / f"quizapp-{uuid.uuid4().hex}.sqlite3"
        yield f"sqlite:///{path}"
        return
    server = make_url(_server_url())
    name = f"quizapp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
