"""Who may see and act on a booking: the holder's side (the holder, a representative, an active
broker — as for quotes) and the provider's side (the PA booked, or approved staff of the
organisation booked). Everyone else gets NotFound (404): ids leak nothing."""

from __future__ import annotations

from typing import Any

from marketplace.bookings.models import Booking, BookingSession
from marketplace.errors import NotFound
from marketplace.extensions import DbSession
from marketplace.quotes.access import may_request_for, provides
from marketplace.quotes.states import Side

BOOKING_NOT_FOUND = "We could not find that booking."
SESSION_NOT_FOUND = "We could not find that session."


def side_of(session: DbSession, user: Any, booking: Booking) -> Side:
    if provides(user, booking):
        return Side.PROVIDER
    if may_request_for(session, user, booking.holder_id):
        return Side.REQUESTER
    raise NotFound(BOOKING_NOT_FOUND)


def booking_for(session: DbSession, user: Any, booking_id: int) -> tuple[Booking, Side]:
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(BOOKING_NOT_FOUND)
    return booking, side_of(session, user, booking)


def session_for(session: DbSession, user: Any, session_id: int) -> tuple[BookingSession, Side]:
    found = session.get(BookingSession, session_id)
    if found is None:
        raise NotFound(SESSION_NOT_FOUND)
    try:
        return found, side_of(session, user, found.booking)
    except NotFound:
        raise NotFound(SESSION_NOT_FOUND) from None
