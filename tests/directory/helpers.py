"""Small helpers the directory tests share."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import sign_in


def page_text(response: Any) -> str:
    return response.get_data(as_text=True)


def result_titles(response: Any) -> list[str]:
    """The titles of the browse page's results, in order."""
    return re.findall(
        r'<h3 class="govuk-heading-s[^"]*">\s*<a class="govuk-link" href="[^"]+">([^<]+)</a>',
        page_text(response),
    )


def client_for(app: Flask, user: Any) -> FlaskClient:
    """A separate test client signed in as ``user`` (so one test can compare several viewers)."""
    client = app.test_client()
    response = sign_in(client, user.email)
    assert response.status_code == 302, response.data[:500]
    return client
