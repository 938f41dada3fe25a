from __future__ import annotations

from flask import Blueprint

bp = Blueprint("listings", __name__)


@bp.get("/your-listings")
def index() -> str:
    return "listings: to be built"
