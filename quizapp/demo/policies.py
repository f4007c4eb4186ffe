"""Demo policy: a short summary of Keeping Children Safe in Education Part one, acknowledged by some of the staff."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Role, User
from ..policies.acknowledge import acknowledge
from ..policies.documents import check_markdown
from ..policies.publish import PolicyInput, VersionInput, create_policy

TITLE = "Keeping Children Safe in Education: Part one summary"
SUMMARY = """\
This is our school's short summary of Part one of the statutory guidance *Keeping Children Safe in
Education*. Everyone who works here must read it, and read the full guidance if they work directly with children.

## Everyone's responsibility

Safeguarding is everyone's job. Always think about what is best for the child, and never assume that someone
else will act on a worry.

## What safeguarding covers

- protecting children from maltreatment, inside or outside the home and online
- preventing harm to children's mental and physical health or development
- making sure children grow up with safe and effective care
- helping every child to have the best outcomes

## If you are worried about a child

1. Listen, stay calm and do not promise to keep a secret.
2. Write down what you saw or heard, in the child's words, with the date and time.
3. Tell the Designated Safeguarding Lead (or a deputy) **the same day**. If a child is in immediate danger,
   call 999 first.

## If you are worried about an adult

Tell the headteacher about any concern that a member of staff, a volunteer or a contractor may have harmed a
child. Concerns about the headteacher go to the chair of governors.

## Know the signs

Abuse can be physical, emotional or sexual, or neglect. Look out too for exploitation, child-on-child abuse,
radicalisation and harm online. A change in behaviour can be the first sign.
"""


def seed_policies(session: Session, now: datetime) -> None:
    """Publish the summary for all staff 40 days ago and record that two in three of the staff acknowledged it."""
    admin = session.scalar(select(User).where(User.role == Role.ADMIN.value).order_by(User.id))
    published = now - timedelta(days=40)
    policy = create_policy(session, PolicyInput(TITLE, "Dana Lead, Designated Safeguarding Lead", True, 14,
                                                (now + timedelta(days=300)).date()),
                           VersionInput("September 2026", published.date(), check_markdown(SUMMARY)), admin,
                           published)
    version = policy.versions[0]
    staff = session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all()
    for index, person in enumerate(staff):
        if index % 3 != 2:
            acknowledge(session, person, version, version.sha256, published + timedelta(days=1 + index % 12))
