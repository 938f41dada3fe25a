from __future__ import annotations

from flask import Blueprint

bp = Blueprint("directory", __name__)


@bp.get("/browse")
def browse() -> str:
    return "browse: to be built"


@bp.get("/shortlist")
def shortlist() -> str:
    return "shortlist: to be built"
