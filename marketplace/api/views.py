"""The care-data API under /api/v1: budgets and plans as JSON, for callers with a personal token.

Views read the request (marketplace.api.body), call one service, and answer with
marketplace.api.serialise. Errors are ``{"error": {"code", "message"}}`` (marketplace.errors);
401 comes from marketplace.api.auth. The routes are in budget_routes, plan_routes,
package_routes, need_routes, quote_routes, thread_routes and booking_routes; the public search
endpoints under /api/v1 live with search.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from marketplace.api import (
    booking_routes,
    budget_routes,
    need_routes,
    package_routes,
    plan_routes,
    quote_routes,
    serialise,
    thread_routes,
)
from marketplace.api.auth import api_user, token_required
from marketplace.api.blueprint import bp
from marketplace.api.openapi import document

__all__ = [
    "booking_routes",
    "bp",
    "budget_routes",
    "need_routes",
    "package_routes",
    "plan_routes",
    "quote_routes",
    "thread_routes",
]


@bp.get("/openapi.json")
def openapi_document() -> Any:
    response = jsonify(document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/me")
@token_required
def me() -> Any:
    return jsonify(serialise.me(api_user()))
