"""Placeholder: the holders helper replaces this file."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort

bp = Blueprint("holders", __name__)


@bp.route("/holders/<int:holder_id>")
def dashboard(holder_id: int) -> Any:
    abort(404)


@bp.route("/holders/<int:holder_id>/people")
def people(holder_id: int) -> Any:
    abort(404)


@bp.route("/holders/<int:holder_id>/requirements")
def requirements(holder_id: int) -> Any:
    abort(404)
