"""Reminders and DSL digests include policies due or overdue, at most weekly per person and policy."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event, select

from quizapp.extensions import db
from quizapp.models import PolicyReminderLog, User
from quizapp.notify.reminders import plan_reminders
from quizapp.policies.acknowledge import acknowledge

from ..clock import Clock
from ..factories import make_user
from ..smtp import Inbox, use_smtp
from .dsl_helpers import T0, backdate_people
from .policy_helpers import publish_markdown


def _world(app: Flask, people: dict) -> dict:
    """A policy for all staff, 10 days old with 7 days to read it: Sam acknowledged it, the rest are overdue."""
    with app.app_context():
        s = db.session
        policy = publish_markdown(s, s.get(User, people["admin"]), days=7, at=T0, effective=T0.date())
        acknowledge(s, s.get(User, people["staff"]), policy.versions[0], policy.versions[0].sha256, T0)
        backdate_people(s)
        s.commit()
        return {**people, "policy": policy.id}


def _run(app: Flask):
    return app.test_cli_runner().invoke(args=["reminders", "send"])


def test_people_with_a_policy_due_are_reminded_once_a_week(app: Flask, people: dict, clock: Clock,
                                                           smtp_inbox: Inbox) -> None:
    use_smtp(app, smtp_inbox)
    world = _world(app, people)
    clock.advance(days=10)
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "Queued 5 reminders covering 0 courses, 5 policies and 2 DSL digests" in result.output
    assert not smtp_inbox.to(world["staff_email"])  # acknowledged: nothing to remind
    text = Inbox.text(next(m for m in smtp_inbox.to(world["other_staff_email"]) if "to do" in m["Subject"]))
    assert "Policies to read and acknowledge:" in text
    assert "Child protection policy: overdue: it was due to be read and acknowledged by 30 November 2026" in text
    digest = next(m for m in smtp_inbox.to(world["dsl_email"]) if "due at School A" in m["Subject"])
    assert "Child protection policy (policy): overdue" in Inbox.text(digest)
    assert world["far_staff_email"] not in Inbox.text(digest)  # another school's person
    with app.app_context():
        logged = db.session.scalars(select(PolicyReminderLog.user_id)).all()
        assert sorted(logged) == sorted(world[k] for k in ("admin", "dsl", "other_dsl", "other_staff", "far_staff"))
    clock.advance(days=6)
    assert "Queued 0 reminders covering 0 courses and 0 DSL digests; 5 skipped" in _run(app).output
    clock.advance(days=2)
    assert "Queued 5 reminders" in _run(app).output


def test_the_plan_costs_the_same_queries_with_more_people(app: Flask, people: dict, clock: Clock) -> None:
    _world(app, people)

    def count(extra: int) -> int:
        with app.app_context():
            for _ in range(extra):
                make_user(db.session)
            db.session.commit()
            statements: list[str] = []
            listener = lambda *args: statements.append(args[2])  # noqa: E731 (kept to remove it again)
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                plan = plan_reminders(db.session, clock(), 30)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            assert any(person.policies for person in plan.learners)
            return len(statements)

    assert count(0) == count(25)
