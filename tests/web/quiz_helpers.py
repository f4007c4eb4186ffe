"""Shared by the quiz tests: starting an attempt (the course itself is the `course_id` fixture)."""
import re

from flask.testing import FlaskClient


def start_attempt(client: FlaskClient, course_id: int) -> int:
    """Start (or resume) the course's quiz as the signed-in client; the attempt's id."""
    response = client.post(f"/courses/{course_id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
