"""Approved training done elsewhere as cover for a course, beside certificates in every status.

A record counts for its course once approved (by the end of the day looked at) and completed by then, until its
`valid_until` (its expiry, or the course's renewal period from completion). Rejected and pending ones never count.
It is read as its own small relation and joined beside the certificates, not unioned with them: a union stops
SQLite using the certificate index and made a 5,000-staff dashboard three times slower (bench/README.md).
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select

from ..models import ExternalTraining


def external_cover(cutoff: datetime, user_ids: Collection[int] | Select[int] | None = None,
                   course_id: int | None = None) -> Select[int, int | None, date | None]:
    """(user_id, course_id, latest valid_until) of approved records mapped to a course that counted before `cutoff`."""
    conditions = [ExternalTraining.course_id.is_not(None), ExternalTraining.counted_at(cutoff)]
    if user_ids is not None:
        conditions.append(ExternalTraining.user_id.in_(user_ids))
    if course_id is not None:
        conditions.append(ExternalTraining.course_id == course_id)
    return (select(ExternalTraining.user_id.label("user_id"), ExternalTraining.course_id.label("course_id"),
                   func.max(ExternalTraining.valid_until).label("valid_until"))
            .where(*conditions).group_by(ExternalTraining.user_id, ExternalTraining.course_id))


def later_sql(certificate: ColumnElement[Any], external: ColumnElement[Any]) -> ColumnElement[Any]:
    """SQL: the later of two expiries, either of which may be NULL (GREATEST treats NULL differently by database)."""
    return case((external.is_(None), certificate), (certificate.is_(None), external),
                (external > certificate, external), else_=certificate)


def later(certificate: date | None, external: date | None) -> tuple[date | None, bool]:
    """The later of the two expiries, and whether the external one decides (it wins ties: it is shown)."""
    if external is None:
        return certificate, False
    if certificate is None or external >= certificate:
        return external, True
    return certificate, False
