"""Queueing a reminders plan: the weekly-throttle logs and one outbox message per person, in a fixed number of
statements whatever the head count."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from ..models import OutboxBatch, PolicyReminderLog, ReminderLog
from .messages import external_url
from .outbox import Draft, queue_many
from .reminders import SENT, Plan, Summary


def _links(base_url: str) -> tuple[str, str]:
    sign_in = external_url(base_url, "auth.sign_in")
    try:
        dashboard = external_url(base_url, "dsl.dashboard")
    except BuildError:  # the dashboard is optional; the reminders page always exists
        dashboard = external_url(base_url, "reminders.confirm")
    return sign_in, dashboard


def _logs(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert log rows in one statement; their ids in order."""
    if not rows:
        return []
    return list(session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))


def _throttle_logs(session: Session, plan: Plan, now: datetime) -> tuple[list[list[int]], list[list[int]], list[int]]:
    """Write the weekly-throttle logs of the plan (three INSERTs); the ids per learner and per digest."""
    sent = {"status": SENT, "sent_at": now}
    courses = _logs(session, ReminderLog, [{"user_id": p.user_id, "course_id": c.course_id, "kind": "learner", **sent}
                                           for p in plan.learners for c in p.courses])
    policies = _logs(session, PolicyReminderLog, [{"user_id": p.user_id, "policy_id": d.policy_id, **sent}
                                                  for p in plan.learners for d in p.policies])
    digests = _logs(session, ReminderLog, [{"user_id": d.dsl.id, "course_id": None, "kind": "dsl_digest", **sent}
                                           for d in plan.digests])
    by_course, by_policy, at_course, at_policy = [], [], 0, 0
    for person in plan.learners:
        by_course.append(courses[at_course:at_course + len(person.courses)])
        by_policy.append(policies[at_policy:at_policy + len(person.policies)])
        at_course, at_policy = at_course + len(person.courses), at_policy + len(person.policies)
    return by_course, by_policy, digests


def send_plan(session: Session, plan: Plan, *, now: datetime, base_url: str, org: str,
              batch: OutboxBatch | None = None) -> Summary:
    """Queue the plan in the outbox, one message per person, with the throttle logs, in the caller's
    transaction (flush only, a fixed number of statements); the worker sends them after the commit."""
    sign_in, dashboard = _links(base_url)
    by_course, by_policy, digest_ids = _throttle_logs(session, plan, now)
    drafts = [Draft("reminder", f"Safeguarding training to do: {org}", p, "reminder", p.user_id,
                    {"reminder_log": courses, "policy_reminder_log": policies},
                    {"org": org, "courses": p.courses, "policies": p.policies, "sign_in_url": sign_in})
              for p, courses, policies in zip(plan.learners, by_course, by_policy, strict=True)]
    drafts += [Draft("dsl_digest", f"Safeguarding training due at {d.school_name}", d.dsl, "dsl_digest", d.dsl.id,
                     {"reminder_log": [log_id]}, {"org": org, "school": d.school_name, "people": d.people,
                                                  "dashboard_url": dashboard})
               for d, log_id in zip(plan.digests, digest_ids, strict=True)]
    problems = queue_many(session, drafts, now=now, batch=batch)
    summary = Summary(throttled=plan.throttled)
    for person, problem in zip(plan.learners, problems, strict=False):
        if problem:
            summary.failures.append((person.email, problem))
        else:
            summary.learners += 1
            summary.courses += len(person.courses)
            summary.policies += len(person.policies)
    for digest, problem in zip(plan.digests, problems[len(plan.learners):], strict=True):
        if problem:
            summary.failures.append((digest.dsl.email, problem))
        else:
            summary.digests += 1
    return summary
