"""Geometry for the server-rendered bar chart: one stacked bar per course, then one per required policy (its
places in the course buckets: Acknowledged as Compliant, Due as Not started, Overdue as Expired), drawn by the
template as SVG."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .status import LABELS, Status
from .summary import COUNTED, Tally

WIDTH = 640
ROW = 52  # label line plus bar plus gap
BAR_HEIGHT = 22
LABEL_GAP = 20


@dataclass(frozen=True)
class Segment:
    """A run of one status inside a bar."""

    status: Status
    label: str
    x: float
    width: float
    count: int


@dataclass(frozen=True)
class Bar:
    """One course: its caption, where it sits and its segments."""

    caption: str
    y: int
    bar_y: int
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    """A whole chart: its size and bars."""

    width: int
    height: int
    bars: list[Bar]


def caption(title: str, tally: Tally) -> str:
    """"Prevent duty: 87 % covered (52 of 60)", or a note that nobody is required to hold it."""
    if tally.pct is None:
        return f"{title}: no one in view is required to hold it"
    return f"{title}: {tally.pct} % covered ({tally.covered} of {tally.total})"


def policy_caption(title: str, tally: Tally) -> str:
    """"Child protection policy (policy): 80 % acknowledged (4 of 5)", or a note that there is nothing to read."""
    if tally.pct is None:
        return f"{title} (policy): no one in view has a version of it to read"
    return f"{title} (policy): {tally.pct} % acknowledged ({tally.covered} of {tally.total})"


def segments(tally: Tally, width: int = WIDTH) -> list[Segment]:
    """Stacked runs, covered statuses first, widths proportional to the counts."""
    runs, x = [], 0.0
    for status in COUNTED:
        count = tally.count(status)
        if count and tally.total:
            w = round(width * count / tally.total, 2)
            runs.append(Segment(status, LABELS[status], round(x, 2), w, count))
            x += w
    return runs


def bar_chart(lines: Sequence[tuple[str, Tally]], policies: Sequence[tuple[str, Tally]] = (),
              width: int = WIDTH) -> Chart:
    """Lay out one bar per course's (title, tally), then one per policy's."""
    captions = [caption(title, tally) for title, tally in lines] + [policy_caption(t, tally) for t, tally in policies]
    tallies = [tally for _, tally in [*lines, *policies]]
    bars = [Bar(text, i * ROW + 14, i * ROW + LABEL_GAP, segments(tally, width))
            for i, (text, tally) in enumerate(zip(captions, tallies, strict=True))]
    return Chart(width, max(ROW, len(bars) * ROW), bars)
