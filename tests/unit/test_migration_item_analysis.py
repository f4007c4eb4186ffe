"""a7c3e91f04b2 fills, for answers saved before it, the option mask and graded facts the app now writes itself."""
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from quizapp import create_app
from quizapp.extensions import db
from quizapp.migrate import check, downgrade, upgrade

from ..conftest import TEST_CONFIG
from ..dbs import temporary_database
from ..factories import make_user
from ..web.analysis_helpers import analysis_course, sit

COLUMNS = "id, chosen_mask, course_id, user_id, attempt_score, finished_at IS NOT NULL AS graded"


def test_upgrade_backfills_what_the_app_writes(database_url: str, tmp_path: Path) -> None:
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    with temporary_database(backend, tmp_path) as url:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        with app.app_context():
            upgrade()
            session = db.session
            course = analysis_course(session)
            sit(session, make_user(session, "staff"), course, {"q-000": ["Wrong 0"], "q-001": ["Right A1"]},
                datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
            session.commit()
            written = session.execute(text(f"SELECT {COLUMNS} FROM attempt_question ORDER BY id")).all()
            session.close()
            downgrade("5e0c1a7d9b21")
            upgrade()
            check()
            filled = db.session.execute(text(f"SELECT {COLUMNS} FROM attempt_question ORDER BY id")).all()
            db.session.close()
        db.dispose(app)
    assert [tuple(r) for r in filled] == [tuple(r) for r in written]
    assert all(r.chosen_mask and r.graded and r.attempt_score == 1 for r in written)
