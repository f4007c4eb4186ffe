"""Approved training done elsewhere as cover for a course: the rows that sit beside certificates in every status.

A record counts for its course once approved (by the end of the day looked at) and completed by then, until its
`valid_until` (its expiry, or the course's renewal period from completion). Rejected and pending ones never count.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import Select, func, select

from ..models import ExternalTraining


def external_cover(cutoff: datetime, user_ids: Collection[int] | Select[int] | None = None,
                   course_id: int | None = None) -> Select[int, int | None, date | None]:
    """(user_id, course_id, valid_until) of approved records mapped to a course that counted just before `cutoff`."""
    conditions = [ExternalTraining.course_id.is_not(None), ExternalTraining.counted_at(cutoff)]
    if user_ids is not None:
        conditions.append(ExternalTraining.user_id.in_(user_ids))
    if course_id is not None:
        conditions.append(ExternalTraining.course_id == course_id)
    return select(ExternalTraining.user_id.label("user_id"), ExternalTraining.course_id.label("course_id"),
                  ExternalTraining.valid_until.label("valid_until")).where(*conditions)


def latest_external(cutoff: datetime, user_id: int) -> Select[int, date]:
    """(course_id, latest valid_until) of one person's external cover, for their own training page."""
    cover = external_cover(cutoff, [user_id]).subquery()
    return select(cover.c.course_id, func.max(cover.c.valid_until)).group_by(cover.c.course_id)
