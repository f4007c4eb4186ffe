"""Certificates as cover, with the update quiz each current pass still owes after a material bank edition.

The SQL twin of `engine.updates.owed_update`: a pass (the latest counting certificate's attempt) owes an update for
each material edition of a bank its course draws on, imported after the pass and by the end of the day, until the
person passes that edition's update quiz. `update_by` is the earliest such deadline, or NULL. One statement, so the
compliance pages keep their fixed number of queries.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select

from ..models import Attempt, AttemptPurpose, BankEdition, Certificate, CourseBank
from .asat import AsAt, UserIds, held_certificates


def owed_updates_sql(when: AsAt, user_ids: UserIds | None = None,
                     course_id: int | None = None) -> Select[int, int, date]:
    """(user_id, course_id, earliest update_required_by) of the passes that owe an update quiz at the end of the day.

    It starts from the material editions (a handful of rows), so with none it costs nothing; a pass owes an edition
    when every counting certificate's quiz for that person and course finished before the edition was imported.
    """
    material = [BankEdition.material.is_(True), BankEdition.imported_at < when.cutoff]
    # Leading with the courses that have a material edition lets both databases reach the certificates through
    # their course index, so with no such edition nothing is read at all.
    courses = select(CourseBank.course_id).join(BankEdition, BankEdition.bank_id == CourseBank.bank_id).where(*material)
    conditions = [Certificate.course_id.in_(courses), Certificate.counted_at(when.cutoff)]
    if user_ids is not None:
        conditions.append(Certificate.user_id.in_(user_ids))
    if course_id is not None:
        conditions.append(Certificate.course_id == course_id)
    per_edition = (select(Certificate.user_id, Certificate.course_id, BankEdition.id.label("edition_id"),
                          BankEdition.update_required_by)
                   .select_from(BankEdition)
                   .join(CourseBank, CourseBank.bank_id == BankEdition.bank_id)
                   .join(Certificate, and_(Certificate.course_id == CourseBank.course_id, *conditions))
                   .join(Attempt, Attempt.id == Certificate.attempt_id)
                   .where(*material)
                   # The edition's other columns depend on its primary key, which both databases accept.
                   .group_by(Certificate.user_id, Certificate.course_id, BankEdition.id)
                   .having(func.max(Attempt.finished_at) < BankEdition.imported_at)).subquery("per_edition")
    updated = exists().where(Attempt.edition_id == per_edition.c.edition_id, Attempt.user_id == per_edition.c.user_id,
                             Attempt.purpose == AttemptPurpose.UPDATE.value, Attempt.passed.is_(True),
                             Attempt.finished_at < when.cutoff)
    return (select(per_edition.c.user_id, per_edition.c.course_id,
                   func.min(per_edition.c.update_required_by).label("update_by"))
            .where(~updated).group_by(per_edition.c.user_id, per_edition.c.course_id))


def held_cover(when: AsAt, user_ids: UserIds | None = None,
               course_id: int | None = None) -> Select[int, int, date, date | None]:
    """(user_id, course_id, latest valid_until, update_by) over certificates that counted at the end of the day."""
    held = held_certificates(when, user_ids, course_id).subquery("held_passes")
    owed = owed_updates_sql(when, user_ids, course_id).subquery("owed")
    return (select(held.c.user_id, held.c.course_id, held.c.valid_until, owed.c.update_by)
            .outerjoin(owed, and_(owed.c.user_id == held.c.user_id, owed.c.course_id == held.c.course_id)))


def update_by_sql(certificate: ColumnElement[Any], external: ColumnElement[Any],
                  update_by: ColumnElement[Any]) -> ColumnElement[Any]:
    """The update deadline when the certificate is the cover that decides (training elsewhere wins ties, as in
    `external.later`, and owes no update: it never drew on our banks)."""
    return case((or_(external.is_(None), certificate > external), update_by), else_=None)


def update_by_for(certificate: date | None, external: date | None, update_by: date | None) -> date | None:
    """Python twin of `update_by_sql`."""
    return update_by if external is None or (certificate is not None and certificate > external) else None
