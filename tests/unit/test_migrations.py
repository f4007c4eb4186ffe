"""Migrations go base -> head -> base on each backend, and match the models exactly."""
import random
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text

from quizapp import create_app
from quizapp.extensions import db
from quizapp.migrate import check, downgrade, upgrade
from quizapp.models import AttemptState
from quizapp.quiz.attempts import new_attempt

from ..conftest import TEST_CONFIG
from ..dbs import temporary_database
from ..factories import make_course, make_user

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


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


def test_option_ids_column_is_dropped_and_comes_back_filled_on_downgrade(database_url: str, tmp_path: Path) -> None:
    """5e0c1a7d9b21 drops option_ids; downgrading past it restores the column for quizzes still running."""
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    with temporary_database(backend, tmp_path) as url:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        engine = app.extensions["quizapp.engine"]
        with app.app_context():
            upgrade()
            assert "option_ids" not in {c["name"] for c in inspect(engine).get_columns("attempt_question")}
            session = db.session
            course = make_course(session, questions=3)
            running, finished = (new_attempt(session, make_user(session, "staff"), course, NOW, random.Random(n))
                                 for n in range(2))
            finished.state = AttemptState.FINISHED.value
            session.commit()
            running_id = running.id
            expected = {item.id: " " + " ".join(o["id"] for o in item.options) + " " for item in running.questions}
            session.close()
            downgrade("d765e18bedf6")
            rows = session.execute(text("SELECT attempt_id, id, option_ids FROM attempt_question")).all()
            session.close()
            upgrade()
            check()
        db.dispose(app)
    assert {row.id: row.option_ids for row in rows if row.attempt_id == running_id} == expected
    assert all(row.option_ids is None for row in rows if row.attempt_id != running_id)


def test_drafts_migration_marks_old_imports_and_retires_what_cannot_go_back(database_url: str,
                                                                            tmp_path: Path) -> None:
    """c4d8e2f6a913: questions imported with only the placeholder source become drafts; downgrade retires the rest."""
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    insert = ("INSERT INTO question (bank_id, qid, version, type, prompt, options, explanation, source_id, "
              "source_title, tags, content_hash, created_at) VALUES (:bank, :qid, 1, 'single', 'P?', '[]', :why, "
              ":source, 'S', '[]', :qid, CURRENT_TIMESTAMP)")
    with temporary_database(backend, tmp_path) as url:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        with app.app_context():
            upgrade("b7e2c4a91d05")
            session = db.session
            bank = session.execute(text("INSERT INTO question_bank (slug, title, edition, summary, learning, sources, "
                                        "content_hash, imported_at, created_at) VALUES ('b', 'B', '2026-01', '', '', "
                                        "'[]', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id")).scalar()
            for qid, source in (("cited", "kcsie"), ("placeholder", "imported")):
                session.execute(text(insert), {"bank": bank, "qid": qid, "why": "Because.", "source": source})
            session.commit()
            upgrade()
            status = dict(session.execute(text("SELECT qid, status FROM question")).all())
            draft = insert.replace("created_at)", "created_at, status)").replace("CURRENT_TIMESTAMP)",
                                                                                 "CURRENT_TIMESTAMP, 'draft')")
            session.execute(text(draft), {"bank": bank, "qid": "unexplained", "why": "", "source": "imported"})
            session.commit()
            downgrade("b7e2c4a91d05")
            retired = dict(session.execute(text("SELECT qid, retired_at IS NOT NULL FROM question")).all())
            session.close()
            upgrade()
        db.dispose(app)
    assert status == {"cited": "ready", "placeholder": "draft"}
    assert retired == {"cited": False, "placeholder": False, "unexplained": True}
