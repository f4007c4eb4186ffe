"""A settable clock for the app (injected through app.config["CLOCK"])."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Returns a fixed time until moved."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        """Move the clock forward."""
        self.now += timedelta(**kwargs)
        return self.now
