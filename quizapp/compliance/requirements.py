"""Which staff groups must hold which courses (and, when loaded, read which policies): read once per request, as
currently set (there is no history)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Course, CourseRequirement
from ..policies.standing import PolicyBook, load_book


@dataclass(frozen=True)
class Requirements:
    """Which staff groups must hold which active courses (as currently set; there is no history)."""

    courses: tuple[Course, ...]
    pairs: frozenset[tuple[int, int]]  # (staff_group_id, course_id)
    # The policies to read, when the caller counts them beside the courses (the matrix, summary and exports do).
    book: PolicyBook | None = None

    def required(self, group_id: int | None, course_id: int) -> bool:
        """Whether the course is required of the group."""
        return (group_id, course_id) in self.pairs

    def columns(self, course_id: int | None = None) -> list[Course]:
        """The matrix columns: every required course, or just the chosen one."""
        return [c for c in self.courses if course_id is None or c.id == course_id]

    def groups_for(self, course_id: int) -> list[int]:
        """The staff groups that must hold the course."""
        return sorted(g for g, c in self.pairs if c == course_id)


def load_requirements(session: Session) -> Requirements:
    """Active courses required of at least one group, by title, in one query."""
    rows = session.execute(select(Course, CourseRequirement.staff_group_id)
                           .join(CourseRequirement, CourseRequirement.course_id == Course.id)
                           .where(Course.active.is_(True)).order_by(Course.title, Course.id)).all()
    courses = tuple({course.id: course for course, _ in rows}.values())
    return Requirements(courses, frozenset((group_id, course.id) for course, group_id in rows))


def load_all_requirements(session: Session) -> Requirements:
    """The courses (one query) and the policy book (three): everything the matrix counts."""
    return replace(load_requirements(session), book=load_book(session))
