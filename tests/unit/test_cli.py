"""The flask commands: users create and demo."""
from flask import Flask
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Role, StaffGroup, User


def test_users_create_reads_password_from_stdin(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "New.Person@Example.org", "--first-name", "New",
                                 "--last-name", "Person", "--role", "dsl", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
        assert user is not None and user.role == "dsl"
        assert user.password_hash.startswith("scrypt:")


def test_users_create_refuses_short_password_naming_the_field(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "a@example.org", "--first-name", "A",
                                                "--last-name", "B", "--password-stdin"], input="short\n")
    assert result.exit_code != 0
    assert "password: Password must be at least 12 characters." in result.output


def test_users_create_refuses_password_equal_to_email(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "someone@example.org", "--first-name",
                                                "A", "--last-name", "B", "--password-stdin"],
                                          input="someone@example.org\n")
    assert result.exit_code != 0 and "must not be your email" in result.output


def test_demo_seeds_school_and_prints_sign_in(app: Flask, monkeypatch) -> None:
    monkeypatch.setenv("QUIZAPP_DEMO_PASSWORD", "demo password 2026")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.school" in result.output and "demo password 2026" in result.output
    with app.app_context():
        staff = db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.STAFF.value))
        groups = db.session.scalar(select(func.count()).select_from(StaffGroup))
        assert staff >= 26 and groups >= 3
        for email in ("admin@demo.school", "dsl@demo.school", "staff@demo.school"):
            assert db.session.scalar(select(User).where(User.email == email)) is not None
    again = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "demo password 2026" in again.output


def test_demo_refuses_in_production(app: Flask) -> None:
    app.config["QUIZAPP_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0 and "production" in result.output
