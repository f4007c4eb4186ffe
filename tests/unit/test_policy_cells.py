"""Required policies as cells in the course buckets, both ways: the page's `grid` and the SQL twin, at each boundary."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.compliance.asat import as_at, present
from quizapp.compliance.cells import required_cells
from quizapp.compliance.policy_cells import BUCKETS, policy_terms
from quizapp.models import User
from quizapp.policies.acknowledge import acknowledge
from quizapp.policies.standing import grid, load_book

from ..factories import get_or_create_group, make_user
from ..web.dsl_helpers import D0, T0, backdate_people
from ..web.policy_helpers import new_version, publish_markdown

DAY = timedelta(days=1)


def _joined(session: Session, user: User, day) -> None:
    user.created_at = datetime.combine(day, time(10), tzinfo=UTC)
    session.flush()


def _build(session: Session) -> dict[str, int]:
    admin = make_user(session, "admin", group=None)
    long_ago = {name: make_user(session, "staff", first_name=name) for name in (
        "never_read", "read_v1", "read_after_the_day", "read_round_two", "read_minor")}
    volunteer = make_user(session, "staff", first_name="volunteer", group="Volunteers")
    no_group = make_user(session, "staff", first_name="no_group", group=None)
    backdate_people(session)
    joined_on_edge = make_user(session, "staff", first_name="joined_on_edge")
    joined_day_before = make_user(session, "staff", first_name="joined_day_before")
    _joined(session, joined_on_edge, D0 - 14 * DAY)  # deadline is today: still Due
    _joined(session, joined_day_before, D0 - 15 * DAY)  # deadline was yesterday: Overdue
    old = publish_markdown(session, admin, "Old policy", at=T0 - 40 * DAY, effective=D0 - 30 * DAY)
    publish_markdown(session, admin, "Edge policy", at=T0 - 40 * DAY, effective=D0 - 14 * DAY)
    rounds = publish_markdown(session, admin, "Rounds policy", at=T0 - 40 * DAY, effective=D0 - 30 * DAY)
    new_version(session, rounds, "2.0", material=True, at=T0 - 20 * DAY, effective=D0 - 20 * DAY)
    new_version(session, rounds, "2.1", material=False, note="Typo.", at=T0 - 5 * DAY, effective=D0 - 5 * DAY)
    publish_markdown(session, admin, "Coming policy", at=T0 - DAY, effective=D0 + 10 * DAY)
    publish_markdown(session, admin, "Volunteers policy", at=T0 - 40 * DAY, effective=D0 - 30 * DAY,
                     groups=[get_or_create_group(session, "Volunteers").id])
    ack = {"read_v1": (old, 0, T0 - 3 * DAY), "read_after_the_day": (old, 0, T0 + DAY),
           "read_round_two": (rounds, 1, T0 - 10 * DAY), "read_minor": (rounds, 2, T0 - DAY)}
    for name, (policy, index, at) in ack.items():
        version = policy.versions[index]
        acknowledge(session, long_ago[name], version, version.sha256, at)
    acknowledge(session, long_ago["read_v1"], rounds.versions[0], rounds.versions[0].sha256, T0 - 25 * DAY)
    session.flush()
    everyone = [*long_ago.values(), volunteer, no_group, joined_on_edge, joined_day_before]
    return {u.first_name: u.id for u in everyone}


def _sql(session: Session, when, narrow: bool) -> dict[tuple[int, int], str]:
    terms = policy_terms(load_book(session), when)
    cells = required_cells(when, [present(when), User.role == "staff"], narrow=narrow, policies=terms).subquery()
    rows = session.execute(select(cells.c.user_id, cells.c.policy_id, cells.c.status)
                           .where(cells.c.policy_id.is_not(None)))
    return {(u, p): s for u, p, s in rows}


def _page(session: Session, ids: list[int], when) -> dict[tuple[int, int], str]:
    book = load_book(session)
    people = [(u.id, u.staff_group_id) for u in session.scalars(select(User).where(User.id.in_(ids), present(when)))]
    cells = grid(session, book, people, when.day, when.cutoff)
    return {(u, c.policy_id): BUCKETS[c.status].value for u, row in cells.items() for c in row
            if c.status in BUCKETS}


@pytest.mark.parametrize("narrow", [False, True])
def test_the_sql_twin_agrees_with_the_page_at_every_boundary(session: Session, narrow: bool):
    ids = _build(session)
    book = load_book(session)
    title = {p.id: p.title for p in book.policies}
    for day in (D0, D0 - 6 * DAY, D0 - 16 * DAY):
        when = as_at(day, T0, 30)
        assert _sql(session, when, narrow) == _page(session, list(ids.values()), when), day
    named = {(name, title[p]): s for (u, p), s in _sql(session, as_at(D0, T0, 30), narrow).items()
             for name, i in ids.items() if i == u}
    assert named[("never_read", "Old policy")] == "expired"  # Overdue counts as Expired
    assert named[("read_v1", "Old policy")] == "compliant"  # Acknowledged counts as Compliant
    assert named[("read_after_the_day", "Old policy")] == "expired"  # acknowledged after the day looked at
    assert named[("joined_on_edge", "Old policy")] == "not_started"  # Due (deadline today) counts as Not started
    assert named[("joined_day_before", "Old policy")] == "expired"
    assert named[("never_read", "Edge policy")] == "not_started"  # took effect 14 days ago: due today
    assert named[("read_v1", "Rounds policy")] == "expired"  # read 1.0; 2.0 was material 20 days ago
    assert named[("read_round_two", "Rounds policy")] == "compliant"
    assert named[("read_minor", "Rounds policy")] == "compliant"  # 2.1 is a minor change of 2.0
    assert named[("no_group", "Old policy")] == "expired"  # all-staff policies bind people without a group
    assert ("volunteer", "Volunteers policy") in named and ("never_read", "Volunteers policy") not in named
    assert not any(policy == "Coming policy" for _, policy in named)  # "Not yet": no place to count


def test_no_policy_terms_when_nothing_is_in_effect(session: Session):
    admin = make_user(session, "admin", group=None)
    publish_markdown(session, admin, "Coming policy", at=T0 - DAY, effective=D0 + 10 * DAY)
    assert policy_terms(load_book(session), as_at(D0, T0, 30)) == []
    assert policy_terms(None, as_at(D0, T0, 30)) == []
