from __future__ import annotations

from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.get("/sign-in")
def sign_in() -> str:
    return "to be built"


@bp.get("/sign-up")
def sign_up() -> str:
    return "to be built"


@bp.get("/account")
def account() -> str:
    return "to be built"
