"""The one way the quiz domain says no: an exception carrying every reason, in plain words for the person."""
from __future__ import annotations

from collections.abc import Sequence


class Refused(Exception):
    """An action the rules do not allow now (start, save, draw); `reasons` says why, one sentence each."""

    def __init__(self, reasons: str | Sequence[str]) -> None:
        self.reasons: list[str] = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__(" ".join(self.reasons))
