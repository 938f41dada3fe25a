"""Booking pages: one booking with its sessions and the money they hold, for either side."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from marketplace.audit.services import record_read
from marketplace.bookings.access import booking_for
from marketplace.bookings.presenting import SESSION_LABELS, booking_money, pattern_text
from marketplace.extensions import db
from marketplace.quotes.states import Side

bp = Blueprint("bookings", __name__)


@bp.get("/bookings/<int:booking_id>")
@login_required
def booking(booking_id: int) -> Any:
    user = current_user._get_current_object()
    item, side = booking_for(db.session, user, booking_id)
    html = render_template(
        "bookings/booking.html",
        booking=item,
        side=side.value,
        requester=side is Side.REQUESTER,
        money=booking_money(item),
        present_pattern=pattern_text(item),
        session_labels=SESSION_LABELS,
        title=item.description,
    )
    record_read(db.session, user, "booking", item.id, item.holder_id)
    return html
