from __future__ import annotations

from flask import Blueprint

bp = Blueprint("moderation", __name__)


@bp.get("/moderation")
def queue() -> str:
    return "moderation: to be built"
