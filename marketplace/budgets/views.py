"""Placeholder: the budgets helper replaces this file."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort

bp = Blueprint("budgets", __name__)


@bp.route("/holders/<int:holder_id>/budget")
def holder_budget(holder_id: int) -> Any:
    abort(404)
