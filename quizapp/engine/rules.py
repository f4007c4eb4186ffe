"""Access rules, one small class each (Moodle's quiz access rules): given `now`, a hook returns a reason to block.

The domain turns those reasons into the one refusal, `Refused`; the rules themselves never raise."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import timing

DAY = timedelta(hours=24)


@dataclass(frozen=True)
class PastAttempt:
    """What the rules need to know about an earlier attempt."""

    started_at: datetime
    finished_at: datetime | None
    passed: bool | None


@dataclass(frozen=True)
class StartContext:
    """Everything the rules consider before a new attempt starts."""

    course_active: bool
    person_active: bool
    max_attempts_per_day: int
    cooldown_minutes: int
    past_attempts: Sequence[PastAttempt] = field(default_factory=tuple)


def _when(moment: datetime) -> str:
    return moment.strftime("%H:%M UTC on %-d %B %Y")


class AccessRule:
    """An access rule: each hook returns a reason to block, and blocks nothing unless a rule overrides it."""

    def prevent_new_attempt(self, ctx: StartContext, now: datetime) -> str | None:
        """A reason a new attempt may not start now, or None."""
        return None

    def prevent_save(self, deadline_at: datetime, now: datetime) -> str | None:
        """A reason an answer may not be saved now, or None."""
        return None


class CourseActive(AccessRule):
    """Inactive courses cannot be started."""

    def prevent_new_attempt(self, ctx: StartContext, now: datetime) -> str | None:
        """Block when the course has been deactivated."""
        return None if ctx.course_active else "This course is not open at the moment."


class PersonActive(AccessRule):
    """Deactivated people cannot start quizzes."""

    def prevent_new_attempt(self, ctx: StartContext, now: datetime) -> str | None:
        """Block when the person's account is deactivated."""
        return None if ctx.person_active else "Your account is not active."


class AttemptsPerDay(AccessRule):
    """At most N attempts started in any rolling 24 hours."""

    def prevent_new_attempt(self, ctx: StartContext, now: datetime) -> str | None:
        """Block when the last 24 hours already hold the maximum, saying when the next one frees up."""
        recent = sorted(a.started_at for a in ctx.past_attempts if a.started_at > now - DAY)
        if len(recent) < ctx.max_attempts_per_day:
            return None
        frees_at = recent[len(recent) - ctx.max_attempts_per_day] + DAY
        return (f"You have used all {ctx.max_attempts_per_day} attempts allowed in 24 hours. "
                f"You can start again at {_when(frees_at)}.")


class Cooldown(AccessRule):
    """A pause after an unsuccessful attempt, so people reread the module rather than guess again."""

    def prevent_new_attempt(self, ctx: StartContext, now: datetime) -> str | None:
        """Block until the cool-down after the latest failed attempt has passed."""
        finished = [(a.finished_at, bool(a.passed)) for a in ctx.past_attempts if a.finished_at is not None]
        if not finished or ctx.cooldown_minutes == 0:
            return None
        latest_at, passed = max(finished)
        if passed:
            return None
        until = latest_at + timedelta(minutes=ctx.cooldown_minutes)
        if now >= until:
            return None
        return (f"After an unsuccessful attempt there is a {ctx.cooldown_minutes}-minute pause to reread the "
                f"module. You can try again at {_when(until)}.")


class TimeLimit(AccessRule):
    """The server's deadline: saves after it (and the grace period) are refused."""

    def prevent_save(self, deadline_at: datetime, now: datetime) -> str | None:
        """Block once the deadline and its grace period have passed."""
        if timing.accepts_saves(deadline_at, now):
            return None
        return (
            "Time is up: this answer arrived after the deadline and was not saved. Your saved answers were submitted."
        )


RULES: tuple[AccessRule, ...] = (CourseActive(), PersonActive(), AttemptsPerDay(), Cooldown(), TimeLimit())


def reasons_not_to_start(ctx: StartContext, now: datetime) -> list[str]:
    """Every reason a new attempt may not start now (empty when it may)."""
    return [reason for rule in RULES if (reason := rule.prevent_new_attempt(ctx, now))]


def reason_not_to_save(deadline_at: datetime, now: datetime) -> str | None:
    """The first reason an answer may not be saved now, or None."""
    return next((reason for rule in RULES if (reason := rule.prevent_save(deadline_at, now))), None)


def attempts_left_today(ctx: StartContext, now: datetime) -> int:
    """How many more attempts may start in the current rolling 24 hours."""
    recent = sum(1 for a in ctx.past_attempts if a.started_at > now - DAY)
    return max(0, ctx.max_attempts_per_day - recent)
