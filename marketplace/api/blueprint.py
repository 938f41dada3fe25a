"""The API blueprint, on its own so that each routes module can add to it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from marketplace.errors import NotFound
from marketplace.extensions import csrf

# Ids are 32-bit integers in the database; a longer number in a path is no record (and must
# not reach PostgreSQL, which refuses to compare it).
MAX_ID = 2**31 - 1

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Safe because nothing on this blueprint reads the session cookie: only a Bearer token signs a
# caller in (marketplace.api.auth), and a page on another site cannot make a browser send one.
csrf.exempt(bp)


@bp.url_value_preprocessor
def _ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    for name, value in (values or {}).items():
        if name.endswith("_id") and isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise NotFound("There is no record with that id, or you cannot see it.")


@bp.after_request
def _no_store(response: Response) -> Response:
    # Care data must not sit in shared caches; a route that may be cached says so itself.
    if response.headers.get("Cache-Control") is None:
        response.headers["Cache-Control"] = "no-store"
    return response
