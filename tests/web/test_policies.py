"""Policies: publishing (Markdown and PDF), reading, acknowledging, new versions, and who may see them."""
from __future__ import annotations

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import AuditEvent, Policy, PolicyAcknowledgement, PolicyVersion, User

from ..conftest import sign_in
from ..factories import get_or_create_group
from .dsl_helpers import backdate_people
from .policy_helpers import acknowledge_page, new_version, policy_form, publish_markdown


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_an_admin_publishes_a_markdown_policy_and_it_is_audited(app, client, people, clock):
    sign_in(client, people["admin_email"])
    response = client.post("/admin/policies/new", data=policy_form())
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/policies")
    listing = client.get("/admin/policies").get_data(as_text=True)
    assert "Child protection policy" in listing and "All staff" in listing
    with app.app_context():
        policy = db.session.scalar(select(Policy))
        [version] = policy.versions
        assert (version.label, version.kind, version.material, version.number, version.basis_number) == (
            "1.0", "markdown", True, 1, 1)
        assert len(version.sha256) == 64
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "policy.publish"))
        assert event.target == f"policy:{policy.id}" and event.details["version"] == "1.0"


def test_bad_policy_input_names_each_field_and_stores_nothing(app, client, people, clock):
    sign_in(client, people["admin_email"])
    html = client.post("/admin/policies/new", data=policy_form(title="", text="  ")).get_data(as_text=True)
    assert "Enter a title." in html and "Enter the policy text." in html
    no_group = client.post("/admin/policies/new", data=policy_form(audience="groups")).get_data(as_text=True)
    assert "Choose at least one staff group, or choose all staff." in no_group
    with app.app_context():
        assert _count(Policy) == 0 and _count(PolicyVersion) == 0


def test_staff_read_and_acknowledge_a_policy_from_my_training(app, client, people, clock):
    with app.app_context():
        policy = publish_markdown(db.session, db.session.get(User, people["admin"]))
        db.session.commit()
        policy_id = policy.id
    sign_in(client, people["staff_email"])
    training = client.get("/training").get_data(as_text=True)
    assert "To read" in training and "Child protection policy" in training and ">Due<" in training
    page = client.get(f"/policies/{policy_id}").get_data(as_text=True)
    assert "<strong>must</strong>" in page  # rendered Markdown
    assert "I have read and understood Child protection policy, version 1.0" in page
    refused = acknowledge_page(client, policy_id, declared=False)
    assert refused.status_code == 302
    with app.app_context():
        assert _count(PolicyAcknowledgement) == 0
    assert acknowledge_page(client, policy_id).status_code == 302
    with app.app_context():
        version = db.session.scalar(select(PolicyVersion))
    again = client.post(f"/policies/{policy_id}/acknowledge", data={"declared": "y", "sha256": version.sha256})
    assert again.status_code == 302  # a second confirm (a double click) stores nothing new
    with app.app_context():
        [ack] = db.session.scalars(select(PolicyAcknowledgement)).all()
        assert ack.user_id == people["staff"] and ack.version_id == version.id and ack.sha256 == version.sha256
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "policy.acknowledge")) == 1
    assert ">Acknowledged<" in client.get("/training").get_data(as_text=True)


def test_a_material_version_asks_again_and_a_minor_one_carries_over(app, client, people, clock):
    with app.app_context():
        policy = publish_markdown(db.session, db.session.get(User, people["admin"]))
        db.session.commit()
        policy_id = policy.id
    sign_in(client, people["staff_email"])
    acknowledge_page(client, policy_id)
    with app.app_context():
        new_version(db.session, db.session.get(Policy, policy_id), "1.1", material=False, note="Typing errors.")
        db.session.commit()
    assert ">Acknowledged<" in client.get("/training").get_data(as_text=True)
    with app.app_context():
        new_version(db.session, db.session.get(Policy, policy_id), "2.0", material=True, note="New duties.")
        db.session.commit()
    training = client.get("/training").get_data(as_text=True)
    assert ">Due<" in training and "Version 2.0" in training
    acknowledge_page(client, policy_id)
    with app.app_context():
        labels = sorted(a.version.label for a in db.session.scalars(select(PolicyAcknowledgement)))
        assert labels == ["1.0", "2.0"]  # the older acknowledgement stays in the history
    admin = app.test_client()
    sign_in(admin, people["admin_email"])
    listing = admin.get("/admin/policies").get_data(as_text=True)
    assert "All 3 versions" in listing and "1.1: minor change" in listing and "Typing errors." in listing


def test_a_minor_version_needs_a_note_saying_why(app, client, people, clock):
    with app.app_context():
        policy_id = publish_markdown(db.session, db.session.get(User, people["admin"])).id
        db.session.commit()
    sign_in(client, people["admin_email"])
    data = {"label": "1.1", "effective_on": "2026-11-23", "kind": "markdown", "markdown": "Fixed.", "material": "no"}
    html = client.post(f"/admin/policies/{policy_id}/versions/new", data=data).get_data(as_text=True)
    assert "Say why staff need not read it again" in html
    same_label = client.post(f"/admin/policies/{policy_id}/versions/new", data={**data, "label": "1.0", "note": "x"})
    assert "already has a version 1.0" in same_label.get_data(as_text=True)
    with app.app_context():
        assert _count(PolicyVersion) == 1
    assert client.post(f"/admin/policies/{policy_id}/versions/new", data={**data, "note": "Typo."}).status_code == 302
    with app.app_context():
        latest = db.session.get(Policy, policy_id).latest
        assert (latest.label, latest.material, latest.basis_number, latest.note) == ("1.1", False, 1, "Typo.")


def test_an_unacknowledged_policy_becomes_overdue_after_the_days(app, client, people, clock):
    with app.app_context():
        publish_markdown(db.session, db.session.get(User, people["admin"]), days=7)
        backdate_people(db.session)
        db.session.commit()
    clock.advance(days=7)
    sign_in(client, people["staff_email"])
    assert ">Due<" in client.get("/training").get_data(as_text=True)
    clock.advance(days=1)
    sign_in(client, people["staff_email"])  # a day on, the earlier sign-in has run out
    assert ">Overdue<" in client.get("/training").get_data(as_text=True)


def test_a_policy_for_chosen_groups_is_hidden_from_everyone_else(app, client, people, clock):
    with app.app_context():
        support = get_or_create_group(db.session, "Support staff")
        policy_id = publish_markdown(db.session, db.session.get(User, people["admin"]), groups=[support.id]).id
        db.session.commit()
    sign_in(client, people["staff_email"])  # teaching staff: not a reader
    assert "Child protection policy" not in client.get("/training").get_data(as_text=True)
    assert client.get(f"/policies/{policy_id}").status_code == 404
    assert client.post(f"/policies/{policy_id}/acknowledge", data={"declared": "y"}).status_code == 404
    dsl = client.application.test_client()
    sign_in(dsl, people["dsl_email"])
    assert dsl.get(f"/policies/{policy_id}").status_code == 200  # DSLs may read every policy
    with app.app_context():
        assert _count(PolicyAcknowledgement) == 0


def test_markdown_cannot_inject_markup(app, client, people, clock):
    sign_in(client, people["admin_email"])
    text = "Hello <script>alert(1)</script> [x](javascript:alert(1))"
    client.post("/admin/policies/new", data=policy_form(text=text))
    with app.app_context():
        policy_id = db.session.scalar(select(Policy.id))
    page = client.get(f"/policies/{policy_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert 'href="javascript:' not in page


def test_a_stale_page_cannot_acknowledge_a_newer_document(app, client, people, clock):
    with app.app_context():
        policy_id = publish_markdown(db.session, db.session.get(User, people["admin"])).id
        db.session.commit()
    sign_in(client, people["staff_email"])
    response = client.post(f"/policies/{policy_id}/acknowledge", data={"declared": "y", "sha256": "0" * 64})
    assert response.status_code == 302
    assert "The document changed while you were reading it" in client.get(f"/policies/{policy_id}").get_data(
        as_text=True)
    with app.app_context():
        assert _count(PolicyAcknowledgement) == 0
