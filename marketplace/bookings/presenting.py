"""What the booking pages show, worked out once."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.bookings.models import Booking
from marketplace.bookings.schedule import WEEKDAYS

DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"),
        strict=True,
    )
)
SESSION_LABELS = {
    "scheduled": "Scheduled",
    "delivered": "Delivered: to confirm",
    "confirmed": "Confirmed",
    "missed": "Missed",
    "cancelled": "Cancelled",
}


@dataclass(frozen=True)
class BookingMoney:
    """A booking's money: still committed (sessions to come or to confirm) and spent."""

    committed_pence: int
    spent_pence: int
    sessions_left: int


def booking_money(booking: Booking) -> BookingMoney:
    committed = sum(
        s.price_pence for s in booking.sessions if s.status in {"scheduled", "delivered"}
    )
    spent = sum(s.price_pence for s in booking.sessions if s.status == "confirmed") + sum(
        s.charge_pence for s in booking.sessions if s.status == "cancelled"
    )
    left = sum(1 for s in booking.sessions if s.status == "scheduled")
    return BookingMoney(committed, spent, left)


def pattern_text(booking: Booking) -> str:
    """'Mondays and Thursdays at 9:30am' or 'Once, at 9:30am'."""
    at = booking.start_time
    hour = at.hour % 12 or 12
    when = f"{hour}:{at:%M}{'am' if at.hour < 12 else 'pm'}"
    if booking.kind == "one_off":
        return f"Once, at {when}"
    names = [DAY_NAMES[d] for d in WEEKDAYS if d in booking.days]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} at {when}"
