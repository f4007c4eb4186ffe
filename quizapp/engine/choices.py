"""Which options a person chose, as one integer that means the same in every attempt at a question.

Options are shuffled and given fresh ids per attempt, so neither position nor id can be compared across
attempts. An option's rank among the question's option texts, sorted, can: a question version's texts never
change (a changed question is a new version). Bit `rank` of the mask is set when that option was chosen, so
the database can count each option's choices with `mask & (1 << rank)` in one pass, whatever the count.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def option_ranks(texts: Sequence[str]) -> dict[str, int]:
    """Each option text with its rank among the question's texts in sorted order (the bit it owns)."""
    return {text: rank for rank, text in enumerate(sorted(texts))}


def choice_mask(options: Sequence[dict[str, Any]], chosen_ids: Sequence[str]) -> int | None:
    """The bitmask of the chosen options of a snapshot ([{"id", "text"}]); None when nothing is chosen."""
    if not chosen_ids:
        return None
    ranks = option_ranks([option["text"] for option in options])
    chosen = set(chosen_ids)
    return sum(1 << ranks[option["text"]] for option in options if option["id"] in chosen)
