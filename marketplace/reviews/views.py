"""The review page of a booking: each side writes its review there and reads the other side's
once it is shown. Someone else's booking answers 404 (the service's rule); a review that may not
be written yet (no session delivered and confirmed) or again (this side has written one) is 409
saying why; a missing rating or missing or overlong words are 400 with each problem at its
field. Reading the page is audited, as the booking's page is.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.audit.services import record_read
from marketplace.errors import Conflict, ValidationFailed
from marketplace.extensions import db
from marketplace.forms import add_errors
from marketplace.notifications.services import mark_read_about
from marketplace.reviews.forms import ReviewForm
from marketplace.reviews.services import booking_reviews, write_review

bp = Blueprint("reviews", __name__)


@bp.route("/bookings/<int:booking_id>/review", methods=["GET", "POST"])
@login_required
def review(booking_id: int) -> Any:
    user = current_user._get_current_object()
    form = ReviewForm()
    status, problem = 200, ""
    if request.method == "POST":
        try:
            write_review(db.session, user, booking_id, form.to_input())
        except ValidationFailed as error:
            add_errors(form, error)
            status = 400
        except Conflict as error:
            status, problem = 409, error.message
        else:
            flash("Thank you: your review is saved.", "success")
            return redirect(url_for("reviews.review", booking_id=booking_id))
    shown = booking_reviews(db.session, user, booking_id)
    html = render_template(
        "reviews/review.html",
        shown=shown,
        form=form,
        problem=problem,
        blind_days=int(current_app.config["REVIEW_BLIND_DAYS"]),
        title=f"Review: {shown.booking.description}",
    )
    # Seen: the notifications that led here are read (committed with the audit row).
    mark_read_about(db.session, user, url_for("reviews.review", booking_id=booking_id))
    record_read(db.session, user, "booking", booking_id, shown.booking.holder_id)
    return html, status
