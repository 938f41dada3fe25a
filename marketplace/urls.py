"""Absolute links for emails: the configured SITE_URL, never the Host header of a request."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    if has_request_context():
        path = url_for(endpoint, **values)
    else:  # a CLI command or a scheduled job: build the path without a request
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["SITE_URL"].rstrip("/") + path
