"""The notifications page: what happened, newest first, each linking to where it happened."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from marketplace.extensions import db
from marketplace.notifications.services import notifications_of

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index() -> Any:
    user = current_user._get_current_object()
    items = notifications_of(db.session, user)
    return render_template("notifications/index.html", items=items, title="Notifications")
