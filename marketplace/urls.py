"""Absolute links for emails: the configured SITE_URL, never the Host header of a request."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    return current_app.config["SITE_URL"].rstrip("/") + url_for(endpoint, **values)
