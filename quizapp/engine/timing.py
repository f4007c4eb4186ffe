"""The server-owned clock of an attempt: deadline, grace for the last save, and what the person sees."""
from __future__ import annotations

from datetime import datetime, timedelta

# Covers the final autosave that leaves the browser at zero; short enough that nobody gains real time.
GRACE = timedelta(seconds=20)


def allowed_seconds(time_limit_minutes: int, extra_time_pct: int) -> int:
    """Time allowed: the limit plus the person's extra time, in whole seconds."""
    return (time_limit_minutes * 60 * (100 + extra_time_pct)) // 100


def deadline(started: datetime, time_limit_minutes: int, extra_time_pct: int) -> datetime:
    """started + limit x (1 + extra time)."""
    return started + timedelta(seconds=allowed_seconds(time_limit_minutes, extra_time_pct))


def seconds_left(deadline_at: datetime, now: datetime) -> int:
    """Whole seconds until the deadline, never negative."""
    return max(0, int((deadline_at - now).total_seconds()))


def accepts_saves(deadline_at: datetime, now: datetime) -> bool:
    """Saves are accepted until the deadline plus the grace period."""
    return now <= deadline_at + GRACE


def is_overdue(deadline_at: datetime, now: datetime) -> bool:
    """Past the deadline and the grace period: the attempt must be finalised with what was saved."""
    return not accepts_saves(deadline_at, now)


def describe_duration(seconds: int) -> str:
    """Plain words for a duration, e.g. "18 minutes 45 seconds"."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "hour"), (minutes, "minute"), (secs, "second")]
    words = [f"{value} {unit}{'' if value == 1 else 's'}" for value, unit in parts if value]
    return " ".join(words) or "0 seconds"


def describe_allowance(time_limit_minutes: int, extra_time_pct: int) -> str:
    """The time allowed, naming the extra time when there is some."""
    text = describe_duration(allowed_seconds(time_limit_minutes, extra_time_pct))
    return f"{text}, including your {extra_time_pct} % extra time" if extra_time_pct else text
