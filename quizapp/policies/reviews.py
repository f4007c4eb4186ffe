"""Review-by dates: which policies are due for review, and which alert each admin is owed."""
from __future__ import annotations

from datetime import date, timedelta

# Alert kinds, latest first, with how long before the review date each is sent.
NOTICES = (("due", timedelta(0)), ("one_week", timedelta(weeks=1)), ("one_month", timedelta(days=30)),
           ("two_months", timedelta(days=61)))
SHOWN_FROM = timedelta(days=61)  # the Policies screen lists a review as due from two months before


def review_state(review_by: date, today: date) -> str | None:
    """"overdue" once the review date has come, "due" within two months of it, else None."""
    if today >= review_by:
        return "overdue"
    return "due" if today >= review_by - SHOWN_FROM else None


def alert_kind(review_by: date, today: date) -> str | None:
    """The latest alert whose time has come: a day the job did not run is caught up the next, once."""
    for kind, before in NOTICES:
        if today >= review_by - before:
            return kind
    return None
