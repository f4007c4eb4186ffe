"""My account: the person's own details and where they are signed in."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

from ..conftest import sign_in


def test_my_account_shows_the_person_and_a_sessions_section(client: FlaskClient, people: dict) -> None:
    sign_in(client, people["staff_email"])
    page = client.get("/account/").get_data(as_text=True)
    assert len(re.findall(r"<h1[ >]", page)) == 1 and "My account</h1>" in page
    assert people["staff_email"] in page
    assert '<section aria-labelledby="sessions-heading">' in page and 'id="sessions-heading"' in page
    assert '<a href="/account/" aria-current="page">My account</a>' in page


def test_every_signed_in_page_links_to_my_account(client: FlaskClient, people: dict) -> None:
    sign_in(client, people["dsl_email"])
    assert '<a href="/account/">My account</a>' in client.get("/home", follow_redirects=True).get_data(as_text=True)


def test_my_account_needs_sign_in(client: FlaskClient) -> None:
    response = client.get("/account/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
