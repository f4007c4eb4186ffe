"""What a question lacks before it may be drawn: one home for the rule the importer, the store and the admin share."""
from __future__ import annotations

IMPORTED_SOURCE = "imported"  # the placeholder source of an imported question that cites none
NEEDS_EXPLANATION, NEEDS_SOURCE = "Needs an explanation", "Needs a source"


def draft_reasons(explanation: str, source: str) -> list[str]:
    """Why a question must wait as a draft: no explanation, no source of its own ([] when it is ready)."""
    return ([NEEDS_EXPLANATION] if not explanation.strip() else []) + ([NEEDS_SOURCE] if source == IMPORTED_SOURCE
                                                                       else [])
