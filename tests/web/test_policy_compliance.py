"""Policies in the DSL matrix, its filters, exports and person page, in a fixed number of statements."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Flask
from openpyxl import load_workbook

from quizapp.extensions import db
from quizapp.models import Policy, User
from quizapp.policies.acknowledge import acknowledge

from ..conftest import sign_in
from ..factories import get_or_create_group, make_user
from .dsl_helpers import T0, backdate_people, counted_statements, table_rows
from .policy_helpers import new_version, publish_markdown

DAY = timedelta(days=1)


def _policies(app: Flask, world: dict) -> dict:
    """One policy for all staff (Sam acknowledged it) and one for support staff only."""
    with app.app_context():
        s = db.session
        admin = s.get(User, world["admin"])
        everyone = publish_markdown(s, admin, "Child protection policy", at=T0 - 20 * DAY,
                                    effective=T0.date() - 20 * DAY)
        support = get_or_create_group(s, "Support staff")
        publish_markdown(s, admin, "Lone working policy", groups=[support.id], at=T0 - 20 * DAY)
        acknowledge(s, s.get(User, world["staff"]), everyone.versions[0], everyone.versions[0].sha256, T0 - 2 * DAY)
        backdate_people(s)
        s.commit()
        return {**world, "policy": everyone.id}


def _csv_rows(client, query: str = "") -> list[list[str]]:
    return list(csv.reader(io.StringIO(client.get(f"/dsl/export.csv{query}").data.decode("utf-8-sig"))))


def test_each_required_policy_is_a_column_with_its_status(app: Flask, client, world: dict):
    world = _policies(app, world)
    sign_in(client, world["admin_email"])
    html = client.get("/dsl/").get_data(as_text=True)
    rows = table_rows(html, "matrix")
    assert '<th scope="col" class="policy-column">Child protection policy <span class="hint">(policy)</span>' in html
    assert html.index("Child protection policy <span") < html.index("Lone working policy <span")
    by_name = {row[0].split(",")[1].strip(): row for row in rows}
    assert by_name["Sam"][-2] == f"Acknowledged on {T0.day - 2} November 2026"
    assert by_name["Tia"][-2] == "Overdue by 17 November 2026"  # 20 days ago + 14 days to acknowledge
    assert by_name["Tia"][-1] == "Not required"


def test_the_school_filter_and_the_as_at_date_apply_to_policies(app: Flask, client, world: dict):
    world = _policies(app, world)
    sign_in(client, world["dsl_email"])  # school A only
    rows = table_rows(client.get("/dsl/?q=sam").get_data(as_text=True), "matrix")
    assert len(rows) == 1 and rows[0][-2].startswith("Acknowledged")
    earlier = (T0 - 7 * DAY).date().isoformat()
    rows = table_rows(client.get(f"/dsl/?q=sam&as_at={earlier}").get_data(as_text=True), "matrix")
    assert rows[0][-2] == "Due by 17 November 2026"  # acknowledged two days ago, not a week
    names = [row[0] for row in table_rows(client.get("/dsl/").get_data(as_text=True), "matrix")]
    assert not any("Fay" in name for name in names)  # school B's staff are not shown


def test_the_exports_carry_the_policy_columns(app: Flask, client, world: dict):
    world = _policies(app, world)
    sign_in(client, world["admin_email"])
    header, *rows = _csv_rows(client)
    assert header[-4:] == ["Child protection policy: status", "Child protection policy: acknowledged on or due by",
                           "Lone working policy: status", "Lone working policy: acknowledged on or due by"]
    sam = next(row for row in rows if row[1] == "Sam")
    assert sam[-4:-2] == ["Acknowledged", (T0 - 2 * DAY).date().isoformat()]
    book = load_workbook(io.BytesIO(client.get("/dsl/export.xlsx").data), read_only=True)
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert "Child protection policy: status" in sheet_rows[2]


def test_a_material_version_makes_everyone_due_again_in_the_matrix(app: Flask, client, world: dict):
    world = _policies(app, world)
    with app.app_context():
        new_version(db.session, db.session.get(Policy, world["policy"]), "2.0", material=True, note="New duties.",
                    at=T0 - DAY, effective=T0.date())
        db.session.commit()
    sign_in(client, world["admin_email"])
    sam = next(row for row in _csv_rows(client)[1:] if row[1] == "Sam")
    assert sam[-4:-2] == ["Due", (T0 + 14 * DAY).date().isoformat()]


def test_the_person_page_lists_policies_and_acknowledgements(app: Flask, client, world: dict):
    world = _policies(app, world)
    sign_in(client, world["dsl_email"])
    html = client.get(f"/dsl/people/{world['staff']}").get_data(as_text=True)
    assert "Policies to read" in html and "Child protection policy" in html
    assert "Child protection policy, version 1.0: acknowledged" in html
    assert "Lone working policy" not in html  # not required of Sam's group


def _grow(app: Flask, world: dict, people: int) -> None:
    with app.app_context():
        s = db.session
        policy = s.get(Policy, world["policy"])
        for i in range(people):
            person = make_user(s, "staff", first_name=f"Grown{i:03d}", school="School A" if i % 3 else "School B")
            if i % 2:
                acknowledge(s, person, policy.versions[0], policy.versions[0].sha256, T0 - DAY)
        backdate_people(s)
        s.commit()


PAGES = ["/dsl/", "/dsl/?q=e&sort=group", "/dsl/export.csv", "/dsl/export.xlsx?status=not_covered",
         "/dsl/people/{staff}", "/training"]


def _counts(app: Flask, world: dict) -> dict[str, int]:
    counts = {}
    client = app.test_client()
    sign_in(client, world["admin_email"])
    for template in PAGES:
        url = template.format(**world)
        assert client.get(url).status_code == 200
        with counted_statements(app) as statements:
            assert client.get(url).status_code == 200
        counts[url] = len(statements)
    return counts


def test_policy_columns_cost_the_same_statements_at_two_sizes(app: Flask, world: dict):
    world = _policies(app, world)
    small = _counts(app, world)
    _grow(app, world, people=120)
    assert _counts(app, world) == small
    # The person page also records the view (who saw what): one look for a recent view and one insert.
    assert max(small.values()) <= 19, small


def test_the_summary_counts_each_policy_for_everyone_the_filters_match(app: Flask, client, world: dict):
    world = _policies(app, world)
    sign_in(client, world["admin_email"])
    rows = table_rows(client.get("/dsl/").get_data(as_text=True), "policy-summary")
    assert rows[0] == ["Child protection policy", "6", "1 (16 %)", "0", "5", "0"]
    assert rows[1] == ["Lone working policy", "0", "0 (–)", "0", "0", "0"]  # nobody in support staff
    dsl = app.test_client()
    sign_in(dsl, world["dsl_email"])
    rows = table_rows(dsl.get("/dsl/").get_data(as_text=True), "policy-summary")
    assert rows[0] == ["Child protection policy", "4", "1 (25 %)", "0", "3", "0"]  # school A only
