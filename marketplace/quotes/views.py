"""Quote pages: ask for quotes, compare the answers, negotiate and accept; the provider's list
of requests to answer. Someone else's quote or request answers 404 (the services' rule)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from marketplace.extensions import db
from marketplace.quotes.access import quote_for

bp = Blueprint("quotes", __name__)


def _user() -> Any:
    return current_user._get_current_object()


@bp.get("/quotes/<int:quote_id>")
@login_required
def quote(quote_id: int) -> Any:
    item, side = quote_for(db.session, _user(), quote_id)
    return render_template("quotes/quote.html", quote=item, side=side, title="Quote")


@bp.get("/quotes")
@login_required
def index() -> Any:
    return render_template("quotes/index.html", title="Quotes")


@bp.get("/quote-requests/new")
@login_required
def new_request() -> Any:
    return render_template("quotes/index.html", title="Ask for quotes")
