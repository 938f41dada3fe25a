"""Placeholder: the plans helper replaces this file."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort

bp = Blueprint("plans", __name__)


@bp.route("/holders/<int:holder_id>/plans")
def holder_plans(holder_id: int) -> Any:
    abort(404)
