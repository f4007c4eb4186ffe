"""Migrations go base -> head -> base on each backend, and match the models exactly."""
from pathlib import Path

from sqlalchemy import inspect

from quizapp import create_app
from quizapp.migrate import check, downgrade, upgrade

from ..conftest import TEST_CONFIG
from ..dbs import temporary_database


def test_upgrade_downgrade_round_trip_and_no_drift(database_url: str, tmp_path: Path) -> None:
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    with temporary_database(backend, tmp_path) as url:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        engine = app.extensions["quizapp.engine"]
        with app.app_context():
            upgrade()
            check()  # raises if autogenerate would find any difference
            assert {"user_account", "school", "staff_group", "audit_event"} <= set(inspect(engine).get_table_names())
            downgrade("base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            check()
        engine.dispose()
