"""Schools and staff groups: list, add, rename, delete only when unused."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEvent, CourseRequirement, School, StaffGroup

from ..conftest import sign_in
from ..factories import get_or_create_group, get_or_create_school, make_course


def _id(app: Flask, model: type, name: str) -> int | None:
    with app.app_context():
        return db.session.scalar(select(model.id).where(model.name == name))


def test_schools_add_rename_and_delete_when_unused(app: Flask, client: FlaskClient, people: dict) -> None:
    sign_in(client, people["admin_email"])
    page = client.get("/admin/schools").get_data(as_text=True)
    assert (
        "<caption>Schools, with how many use each</caption>" in page and '<label for="name">School name</label>' in page
    )
    assert client.post("/admin/schools", data={"name": "  New   Primary "}).status_code == 302
    new_id = _id(app, School, "New Primary")
    assert new_id is not None
    duplicate = client.post("/admin/schools", data={"name": "new primary"}).get_data(as_text=True)
    assert "There is already a school called new primary." in duplicate
    assert "Enter a name." in client.post("/admin/schools", data={"name": ""}).get_data(as_text=True)
    assert client.post(f"/admin/schools/{new_id}/rename", data={"name": "Renamed Primary"}).status_code == 302
    assert _id(app, School, "Renamed Primary") == new_id
    clash = client.post(f"/admin/schools/{new_id}/rename", data={"name": "School A"}).get_data(as_text=True)
    assert "There is already a school called School A." in clash
    client.post(f"/admin/schools/{new_id}/delete")
    assert _id(app, School, "Renamed Primary") is None
    with app.app_context():
        actions = list(
            db.session.scalars(
                select(AuditEvent.action).where(AuditEvent.action.like("school.%")).order_by(AuditEvent.id)
            )
        )
    assert actions == ["school.create", "school.rename", "school.delete"]


def test_school_in_use_is_not_deleted(app: Flask, client: FlaskClient, people: dict) -> None:
    sign_in(client, people["admin_email"])
    school_a = _id(app, School, "School A")
    response = client.post(f"/admin/schools/{school_a}/delete", follow_redirects=True)
    assert "School A cannot be deleted: 4 people are in it." in response.get_data(as_text=True)
    assert _id(app, School, "School A") == school_a


def test_staff_group_used_by_people_or_courses_is_not_deleted(app: Flask, client: FlaskClient, people: dict) -> None:
    with app.app_context():
        group = get_or_create_group(db.session, "Governors")
        course = make_course(db.session)
        db.session.add(CourseRequirement(course_id=course.id, staff_group_id=group.id))
        get_or_create_school(db.session, "Unused school")
        db.session.commit()
        group_id = group.id
    sign_in(client, people["admin_email"])
    page = client.get("/admin/staff-groups").get_data(as_text=True)
    assert "Governors" in page and "Teaching staff" in page
    response = client.post(f"/admin/staff-groups/{group_id}/delete", follow_redirects=True)
    assert "Governors cannot be deleted: 1 course is required for it." in response.get_data(as_text=True)
    teaching = _id(app, StaffGroup, "Teaching staff")
    response = client.post(f"/admin/staff-groups/{teaching}/delete", follow_redirects=True)
    assert "6 people are in it" in response.get_data(as_text=True)
    assert client.post("/admin/staff-groups", data={"name": "Volunteers"}).status_code == 302
    volunteers = _id(app, StaffGroup, "Volunteers")
    assert client.post(f"/admin/staff-groups/{volunteers}/rename", data={"name": "Helpers"}).status_code == 302
    client.post(f"/admin/staff-groups/{volunteers}/delete")
    assert _id(app, StaffGroup, "Helpers") is None
    assert _id(app, StaffGroup, "Governors") == group_id


def test_unknown_unit_is_404(client: FlaskClient, people: dict) -> None:
    sign_in(client, people["admin_email"])
    assert client.get("/admin/schools/9999/rename").status_code == 404
    assert client.post("/admin/staff-groups/9999/delete").status_code == 404
