"""The API blueprint, on its own so that each routes module can add to it."""

from __future__ import annotations

from flask import Blueprint, Response

from marketplace.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Safe because nothing on this blueprint reads the session cookie: only a Bearer token signs a
# caller in (marketplace.api.auth), and a page on another site cannot make a browser send one.
csrf.exempt(bp)


@bp.after_request
def _no_store(response: Response) -> Response:
    # Care data must not sit in shared caches; a route that may be cached says so itself.
    if response.headers.get("Cache-Control") is None:
        response.headers["Cache-Control"] = "no-store"
    return response
