"""The compliance dashboard over HTTP: scoping, roll-up, chart, filters, sorting, paging and "as at"."""
from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import User

from ..conftest import sign_in
from ..factories import make_user
from .dsl_helpers import D0, T0, backdate_people, table_rows

DAY = timedelta(days=1)


def _html(client: FlaskClient, query: str = "") -> str:
    response = client.get(f"/dsl/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _school_of(app: Flask, user_id: int) -> int:
    with app.app_context():
        return db.session.get(User, user_id).school_id


def _names(html: str) -> list[str]:
    return [row[0] for row in table_rows(html, "matrix")]


def test_only_dsls_and_admins_get_in(client: FlaskClient, world: dict) -> None:
    assert client.get("/dsl/").status_code == 302
    sign_in(client, world["staff_email"])
    assert client.get("/dsl/").status_code == 403
    assert client.get("/dsl/export.csv").status_code == 403
    assert client.get(f"/dsl/people/{world['staff']}").status_code == 403


def test_dsl_sees_only_their_own_school(client: FlaskClient, world: dict, app: Flask) -> None:
    sign_in(client, world["dsl_email"])
    html = _html(client)
    assert sorted(_names(html)) == ["Tester, Ada", "Tester, Dee", "Tester, Sam", "Tester, Tia"]
    assert "Trust roll-up" not in html and 'name="school"' not in html
    # Asking for the other school by address changes nothing.
    assert _names(_html(client, f"?school={_school_of(app, world['far_staff'])}")) == _names(html)
    assert "School A" in html


def test_dsl_gets_404_for_another_schools_person(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["dsl_email"])
    assert client.get(f"/dsl/people/{world['far_staff']}").status_code == 404
    assert client.get("/dsl/people/999999").status_code == 404
    assert client.get(f"/dsl/people/{world['other_staff']}").status_code == 200


def test_cells_show_status_and_date(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["dsl_email"])
    rows = {row[0]: row[2:] for row in table_rows(_html(client), "matrix")}
    assert rows["Tester, Sam"] == ["Compliant until 11 June 2027", "Due soon until 3 December 2026"]
    assert rows["Tester, Tia"] == ["Expired on 19 November 2026", "In progress"]
    assert rows["Tester, Dee"] == ["Not started", "Not started"]


def test_admin_sees_every_school_and_the_roll_up(client: FlaskClient, world: dict, app: Flask) -> None:
    sign_in(client, world["admin_email"])
    html = _html(client)
    assert len(_names(html)) == 6
    rollup = {row[0]: row[1:5] for row in table_rows(html, "") if row and row[0] in ("School A", "School B")}
    # School A: Ada and Sam fully covered of 4; places 4 of 8. School B: Fay of 2; places 3 of 4.
    assert rollup["School A"] == ["4", "2", "50 %", "50 %"]
    assert rollup["School B"] == ["2", "1", "50 %", "75 %"]
    assert re.search(r'<span class="figure">58 %</span> of required training covered', html)
    assert re.search(r'<span class="figure">3 of 6</span> staff covered for every required course', html)
    school_b = _html(client, f"?school={_school_of(app, world['far_staff'])}")
    assert sorted(_names(school_b)) == ["Tester, Fay", "Tester, Ola"]


def test_chart_is_svg_with_a_data_table(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["admin_email"])
    html = _html(client)
    assert re.search(r'<svg role="img" aria-labelledby="chart-title"', html)
    assert '<title id="chart-title">Bar chart: share of required training covered, by course' in html
    assert "<script" not in html.split("<main", 1)[1]
    data = {row[0]: row[1:] for row in table_rows(html, "chart-data")}
    # Compliant, Due soon, Update required, In progress, Update overdue, Expired, Not started, Covered
    assert data["Annual safeguarding"] == ["3", "0", "0", "0", "0", "1", "2", "50 %"]
    assert data["Prevent duty"] == ["3", "1", "0", "1", "0", "0", "1", "66 %"]
    assert data["All required courses"] == ["6", "1", "0", "1", "0", "1", "3", "58 %"]
    assert "Annual safeguarding: 50 % covered (3 of 6)" in html


def test_filters(client: FlaskClient, world: dict, app: Flask) -> None:
    with app.app_context():
        volunteers = make_user(db.session, "staff", first_name="Vic", group="Volunteers").staff_group_id
        backdate_people(db.session)
        db.session.commit()
    sign_in(client, world["admin_email"])
    assert "Tester, Vic" in _names(_html(client))
    assert "Tester, Vic" not in _names(_html(client, f"?course={world['annual']}"))
    assert _names(_html(client, f"?group={volunteers}")) == ["Tester, Vic"]
    assert sorted(_names(_html(client, "?status=not_covered"))) == ["Tester, Dee", "Tester, Ola", "Tester, Tia"]
    assert sorted(_names(_html(client, "?status=covered"))) == ["Tester, Ada", "Tester, Fay", "Tester, Sam"]
    assert _names(_html(client, f"?status=expired&course={world['annual']}")) == ["Tester, Tia"]
    assert _names(_html(client, f"?status=in_progress&course={world['annual']}")) == []
    assert _names(_html(client, "?status=due_soon")) == ["Tester, Sam"]
    assert _names(_html(client, "?q=TIA")) == ["Tester, Tia"]
    assert _names(_html(client, "?q=100%25")) == []  # LIKE wildcards are literal
    only_prevent = _html(client, f"?course={world['prevent']}")
    assert '<th scope="col">Prevent duty</th>' in only_prevent
    assert '<th scope="col">Annual safeguarding</th>' not in only_prevent


def test_bad_filters_are_named(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["admin_email"])
    for query, message in [("?status=bogus", "Choose a status from the list."),
                           ("?as_at=2026-11-24", "Enter today&#39;s date or an earlier one."),
                           ("?as_at=23/11/2026", "Enter a date such as 2026-11-23."),
                           ("?sort=course-999", "Choose a sort by from the list.")]:
        html = _html(client, query)
        assert "There is a problem" in html and message in html
        assert 'class="matrix"' not in html


def test_sort_by_status_of_a_course_puts_the_urgent_first(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["admin_email"])
    names = _names(_html(client, f"?sort=course-{world['annual']}"))
    assert names == ["Tester, Tia", "Tester, Dee", "Tester, Ola", "Tester, Ada", "Tester, Fay", "Tester, Sam"]
    names = _names(_html(client, f"?sort=course-{world['prevent']}"))
    assert names == ["Tester, Dee", "Tester, Tia", "Tester, Sam", "Tester, Ada", "Tester, Fay", "Tester, Ola"]
    by_school = table_rows(_html(client, "?sort=school"), "matrix")
    assert [row[1] for row in by_school] == ["School A"] * 4 + ["School B"] * 2


def test_pages_of_fifty_cover_everyone_once(client: FlaskClient, world: dict, app: Flask) -> None:
    with app.app_context():
        for i in range(60):
            make_user(db.session, "staff", first_name=f"Extra{i:02d}", school="School A")
        backdate_people(db.session)
        db.session.commit()
    sign_in(client, world["dsl_email"])
    first, second = _html(client), _html(client, "?page=2")
    assert len(_names(first)) == 50 and len(_names(second)) == 14
    assert not set(_names(first)) & set(_names(second))
    assert "Page 1 of 2" in first and "Next page" in first
    assert _names(_html(client, "?page=99")) == _names(second)
    assert "64 people match" in first


def test_as_at_an_earlier_day_shows_leavers_and_old_certificates(client: FlaskClient, world: dict,
                                                                  app: Flask) -> None:
    with app.app_context():
        leaver = db.session.get(User, world["other_staff"])
        leaver.active, leaver.deactivated_at = False, T0 - 10 * DAY
        db.session.commit()
    sign_in(client, world["dsl_email"])
    assert "Tester, Tia" not in _names(_html(client))
    earlier = _html(client, f"?as_at={(D0 - 20 * DAY).isoformat()}")
    assert "as at the end of <strong>3 November 2026</strong>" in earlier
    assert "Requirements as currently set" in earlier
    rows = {row[0]: row[2:] for row in table_rows(earlier, "matrix")}
    assert rows["Tester, Tia"] == ["Due soon until 18 November 2026", "Not started"]


def test_the_dashboard_offers_to_send_reminders(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["dsl_email"])
    assert 'href="/dsl/reminders/">Send reminders now</a>' in _html(client)


def test_dsl_without_a_school_sees_no_one(client: FlaskClient, world: dict, app: Flask) -> None:
    with app.app_context():
        loose = make_user(db.session, "dsl", school=None)
        db.session.commit()
        email = loose.email
    sign_in(client, email)
    html = _html(client)
    assert _names(html) == [] and "0 people match" in html and "Showing <strong>No school</strong>" in html
    assert client.get(f"/dsl/people/{world['staff']}").status_code == 404
    assert client.get("/dsl/export.csv").data.decode("utf-8-sig").count("\n") == 1  # the header alone
