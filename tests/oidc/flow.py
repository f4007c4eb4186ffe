"""Driving the real provider's login page with an HTTP client, from the app's redirect back to its callback."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import requests
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from .conftest import RunningProvider

APP_BASE = "http://127.0.0.1:5999"  # the app's BASE_URL in these tests; the provider redirects the browser there


def provider_redirect(provider: RunningProvider, start: TestResponse, username: str) -> str:
    """Sign in at the provider as `username`, following its redirects; return where it sends the browser back."""
    browser = requests.Session()
    url = start.headers["Location"]
    assert url.startswith(provider.issuer), url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and "<form" in response.text:
            action = re.search(r'action="([^"]+)"', response.text)
            assert action is not None, response.text
            response = browser.post(urljoin(url, action.group(1)), allow_redirects=False, timeout=10,
                                    data={"username": username, "password": provider.password})
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        url = urljoin(url, response.headers["Location"])
        if url.startswith(APP_BASE):
            return url
    raise AssertionError("the provider never sent the browser back")


def app_path(url: str) -> str:
    """The path and query of an address at the app, for the Flask test client."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def sign_in_via_provider(client: FlaskClient, provider: RunningProvider, username: str,
                         key: str = "env") -> TestResponse:
    """Click the provider's button, sign in there and return the app's answer to the callback."""
    start = client.get(f"/sign-in/oidc/start/{key}")
    assert start.status_code == 302, start.get_data(as_text=True)
    return client.get(app_path(provider_redirect(provider, start, username)))
