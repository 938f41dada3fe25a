"""The account pages for personal API tokens: list, create (shown once), revoke.

These are ordinary pages with CSRF-protected forms; they live on their own blueprint so that
the API blueprint (CSRF-exempt, token-only) holds nothing a session cookie can reach.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from marketplace.api import tokens
from marketplace.api.forms import NewTokenForm
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import ActionForm, add_errors, render_invalid

bp = Blueprint("api_tokens", __name__)

TITLE = "Your API tokens"


def _context() -> dict[str, Any]:
    return {
        "title": TITLE,
        "api_tokens": tokens.tokens_of(db.session, current_user),
        "action_form": ActionForm(),
    }


@bp.get("/account/api-tokens")
@login_required
def index() -> Any:
    return render_template("api/tokens.html", form=NewTokenForm(), **_context())


@bp.post("/account/api-tokens")
@login_required
def create() -> Any:
    form = NewTokenForm()
    if not form.validate():
        return render_invalid("api/tokens.html", form, **_context())
    try:
        row, token = tokens.create_token(db.session, current_user, form.name.data or "")
    except DomainError as error:
        add_errors(form, error)
        return render_invalid("api/tokens.html", form, **_context())
    # Shown in this response only (never stored, never put in the session); not cached, as
    # every /account page and POST is no-store (create_app's security headers).
    return render_template(
        "api/token_created.html", title="Your new API token", api_token=row, secret=token
    )


@bp.post("/account/api-tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Any:
    if not ActionForm().validate():
        abort(400)
    row = tokens.revoke_token(db.session, current_user, token_id)
    flash(f"The token “{row.name}” is revoked. Programs using it can no longer sign in.", "success")
    return redirect(url_for("api_tokens.index"))
