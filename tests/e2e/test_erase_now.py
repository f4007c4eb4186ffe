"""An admin erases a person from their page: the confirmation names what will go, asks why, then anonymises."""
from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from quizapp.models import AuditEvent, Certificate, CertificateFile, User, UserSession

from ..privacy_people import build_everything
from .conftest import LiveServer, check_accessibility, sign_in

pytestmark = pytest.mark.e2e


def test_an_admin_erases_a_person_after_confirming(page: Any, live_server: LiveServer) -> None:
    admin = live_server.add_person("admin")
    surname = f"Erasable{uuid.uuid4().hex[:6]}"
    with live_server.session() as session:
        everything = build_everything(session, live_server.now(), first_name="Priya", last_name=surname)
    sign_in(page, admin)
    page.goto(f"/admin/users/{everything.person_id}")
    page.get_by_role("link", name="Erase now").click()
    page.wait_for_url(f"**/admin/users/{everything.person_id}/erase")
    main = page.get_by_role("main")
    assert page.get_by_role("heading", level=1).inner_text() == f"Erase Priya {surname}’s records"
    listed = main.get_by_role("list").first.inner_text()
    assert "1 certificate PDFs deleted" in listed and "2 evidence files deleted" in listed
    assert "1 policy acknowledgements deleted" in listed and "signed out everywhere" in listed
    check_accessibility(page, "erase confirmation")

    page.get_by_role("button", name="Erase now").click()  # no reason yet: refused, nothing erased
    assert "Enter the reason for erasing this person’s records." in main.inner_text()
    with live_server.session() as session:
        assert session.get(User, everything.person_id).anonymised_at is None
    check_accessibility(page, "erase confirmation with an error")

    page.get_by_label("Reason for erasing").fill("Added by mistake")
    page.get_by_role("button", name="Erase now").click()
    page.wait_for_url(f"**/admin/users/{everything.person_id}")
    assert "The person’s records were erased" in main.inner_text()
    assert surname not in main.inner_text()
    with live_server.session() as session:
        person = session.get(User, everything.person_id)
        assert person.anonymised_at is not None and person.first_name == "Former member"
        assert surname not in person.last_name and surname not in person.email
        assert session.scalar(select(UserSession.id).where(UserSession.user_id == person.id)) is None
        assert session.scalar(select(CertificateFile.certificate_id).join(Certificate).where(
            Certificate.user_id == person.id)) is None
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.erase",
                                                        AuditEvent.target == f"user:{person.id}"))
        assert event is not None and event.actor_id == admin.id and event.details["reason"] == "Added by mistake"
    page.goto(f"/admin/users/{everything.person_id}/erase")
    assert "already been erased" in main.inner_text()
