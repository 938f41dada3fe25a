"""Links: absolute ones for emails (the configured SITE_URL, never the Host header of a
request), and the test that a link given to us (a ``next`` parameter, a notification's link) is a
path in this site before we redirect to it (no open redirects)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    if has_request_context():
        path = url_for(endpoint, **values)
    else:  # a CLI command or a scheduled job: build the path without a request
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["SITE_URL"].rstrip("/") + path


def is_site_path(link: str) -> bool:
    """True for a path in this site ("/quotes/3"), never another site ("//evil.example",
    "/\\evil.example" which browsers read as "//", "https://…")."""
    if not link.startswith("/") or link.startswith("//") or "\\" in link:
        return False
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc
