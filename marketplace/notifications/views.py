"""The notifications page: what happened, newest first, each linking to where it happened.

Following a notification's link (``/notifications/<id>``) marks it read, then goes where it
happened: only ever to a path in this site. Someone else's notification answers 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.extensions import db
from marketplace.forms import check_button_post
from marketplace.notifications import services
from marketplace.pagination import page_number, pagination_params

bp = Blueprint("notifications", __name__)


def _user() -> Any:
    return current_user._get_current_object()


@bp.get("/notifications")
@login_required
def index() -> Any:
    page = services.notifications_page(db.session, _user(), page_number(request.args.get("page")))
    title = "Notifications"
    if page.pages > 1:
        title += f" (page {page.page} of {page.pages})"
    return render_template(
        "notifications/index.html",
        title=title,
        page=page,
        pagination=pagination_params(page, request.path, request.args),
    )


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int) -> Any:
    link = services.open_notification(db.session, _user(), notification_id)
    return redirect(link or url_for("notifications.index"))


@bp.post("/notifications/read")
@login_required
def mark_all_read() -> Any:
    check_button_post()
    done = services.mark_all_read(db.session, _user())
    if done:
        flash(
            f"{done} {'notification is' if done == 1 else 'notifications are'} marked as read.",
            "success",
        )
    else:
        flash("You had no unread notifications.", "success")
    return redirect(url_for("notifications.index"))
