"""Reading records of training done elsewhere: a person's own, and what waits for a DSL's decision."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import false, select
from sqlalchemy.orm import Session, joinedload

from ..models import Course, ExternalState, ExternalTraining, Role, User


def records_of(session: Session, user_id: int) -> Sequence[ExternalTraining]:
    """A person's records, newest completion first, with course and evidence names (never the bytes)."""
    return session.scalars(select(ExternalTraining)
                           .options(joinedload(ExternalTraining.course), joinedload(ExternalTraining.evidence))
                           .where(ExternalTraining.user_id == user_id)
                           .order_by(ExternalTraining.completed_on.desc(), ExternalTraining.id.desc())).all()


def awaiting(session: Session, viewer: User) -> Sequence[ExternalTraining]:
    """Pending records the viewer may decide: a DSL's own school's staff (not their own), or everyone for an admin."""
    query = (select(ExternalTraining).join(User, User.id == ExternalTraining.user_id)
             .options(joinedload(ExternalTraining.user), joinedload(ExternalTraining.course),
                      joinedload(ExternalTraining.evidence))
             .where(ExternalTraining.state == ExternalState.PENDING.value, ExternalTraining.user_id != viewer.id))
    if viewer.role != Role.ADMIN.value:
        query = query.where(User.school_id == viewer.school_id if viewer.school_id is not None else false())
    return session.scalars(query.order_by(ExternalTraining.recorded_at, ExternalTraining.id)).all()


def course_choices(session: Session) -> list[tuple[int, str]]:
    """Active courses (id, title), by title: what a record can stand for."""
    return [(c.id, c.title) for c in session.execute(
        select(Course.id, Course.title).where(Course.active.is_(True)).order_by(Course.title))]


def staff_of(session: Session, viewer: User) -> Sequence[User]:
    """Active people a DSL may record for (their school), or everyone active for an admin, by name."""
    query = select(User).where(User.active.is_(True))
    if viewer.role != Role.ADMIN.value:
        query = query.where(User.school_id == viewer.school_id if viewer.school_id is not None else false())
    return session.scalars(query.order_by(User.last_name, User.first_name, User.id)).all()
