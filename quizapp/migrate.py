"""Thin wrappers over Alembic, configured from the app rather than an alembic.ini."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import current_app
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config() -> Config:
    """An Alembic Config for the current app's database, with date-prefixed revision files."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.set_main_option("sqlalchemy.url", current_app.config["DATABASE_URL"].replace("%", "%%"))
    return cfg


def _with_connection(action: str, *args: object, **kwargs: object) -> None:
    engine = current_app.extensions["quizapp.engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table and drops the old one; with foreign keys on, dropping a parent
            # table would cascade-delete its children's rows. The pragma only takes effect outside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                cfg = alembic_config()
                cfg.attributes["connection"] = connection
                getattr(command, action)(cfg, *args, **kwargs)
                if sqlite:
                    _refuse_broken_references(connection)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _refuse_broken_references(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"the migration left {len(broken)} rows pointing at missing rows, e.g. {broken[0]}")


def upgrade(revision: str = "head") -> None:
    """Upgrade the database to a revision (default: the newest)."""
    _with_connection("upgrade", revision)


def downgrade(revision: str = "-1") -> None:
    """Downgrade the database to a revision (default: one step back)."""
    _with_connection("downgrade", revision)


def check() -> None:
    """Raise if the models and the migrations differ (autogenerate would find something)."""
    _with_connection("check")


def revision(message: str) -> None:
    """Autogenerate a new revision file from the difference between models and database."""
    _with_connection("revision", message=message, autogenerate=True)
