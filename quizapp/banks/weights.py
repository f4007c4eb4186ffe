"""Partial-credit answer weights (GIFT %50%, Moodle XML fraction) turned into all-or-nothing questions, or refused."""
from __future__ import annotations

from collections.abc import Sequence

PARTIAL_DROPPED = ("partial credit was dropped: only the answer worth 100 % is right, "
                   "the answers with part marks count as wrong")
_TOLERANCE = 0.01  # Moodle writes a third as 33.33333, so three of them add up to 99.99999


class WeightProblem(ValueError):
    """Answer weights that no all-or-nothing question can keep."""


def classify(weights: Sequence[float], single: bool | None) -> tuple[str, list[bool], str | None]:
    """The question type, which answers are right and a note, from answer weights in per cent.

    `single` is True when the file says single choice (GIFT '=', Moodle <single>true), False when it says
    multiple response, None when it does not say. Raises WeightProblem for any other weighting.
    """
    full = [abs(weight - 100) < _TOLERANCE for weight in weights]
    positive = [weight > 0 for weight in weights]
    total = sum(weight for weight in weights if weight > 0)
    if single is not False and sum(full) == 1:
        partial = any(0 < weight < 100 - _TOLERANCE for weight in weights)
        return "single", full, PARTIAL_DROPPED if partial else None
    if single is not True and any(positive) and abs(total - 100) < _TOLERANCE:
        return "multiple", positive, None
    shown = ", ".join(f"{weight:g} %" for weight in weights)
    raise WeightProblem(f"the answer weights ({shown}) cannot be marked all-or-nothing: a single choice needs "
                        "exactly one answer worth 100 %, multiple response positive weights adding up to 100 %")
