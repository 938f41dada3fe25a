"""The review tests' world: the booking tests' holder, people and providers, and bookings whose
one session (today at midnight, so it has happened) is delivered and confirmed, ready to be
reviewed. ``aged`` moves a review back in time, as if written that many days ago."""

from __future__ import annotations

from datetime import date, time, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select, update

from marketplace.bookings import sessions
from marketplace.bookings.models import Booking
from marketplace.bookings.services import create_booking
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.notifications.models import Notification
from marketplace.reviews.models import Review
from marketplace.reviews.services import ReviewInput, write_review
from tests.bookings.world import booking_input, make_booking_world
from tests.factories import make_offer

__all__ = [
    "aged",
    "booked_today",
    "delivered",
    "delivered_by_offer",
    "make_booking_world",
    "pa_offer",
    "review",
    "written",
]


def booked_today(w: SimpleNamespace, **changes: Any) -> Booking:
    """A one-off booking of Aire's accepted quote (or what ``changes`` say) today at midnight."""
    values: dict[str, Any] = {"kind": "one_off", "start_on": date.today(), "start_time": time(0)}
    values.update(changes)
    return create_booking(db.session, w.broker, booking_input(w, **values))


def delivered(w: SimpleNamespace, provider: Any = None, **changes: Any) -> Booking:
    """A booking made today whose session ``provider`` (Aire's staff unless said) delivered and
    the holder confirmed."""
    booking = booked_today(w, **changes)
    item = booking.sessions[0]
    sessions.deliver(db.session, provider or w.aire_staff, item.id)
    sessions.confirm(db.session, w.holder, item.id)
    return booking


def delivered_by_offer(w: SimpleNamespace, offer: Any, provider: Any) -> Booking:
    """Another booking, of a fixed-price ``offer``, delivered by ``provider`` and confirmed."""
    return delivered(
        w,
        provider,
        quote_id=None,
        offer_id=offer.id,
        holder_id=w.holder.id,
        stream_id=w.dp.id,
        quantity_hundredths=100,
    )


def pa_offer(w: SimpleNamespace) -> Any:
    return make_offer(None, pa_profile=w.pa, title="Evening sitting", price_pence=1500)


def review(user: Any, booking: Booking, rating: int = 4, body: str = "Kind and on time.") -> Review:
    return write_review(db.session, user, booking.id, ReviewInput(rating=rating, body=body))


def aged(item: Review, days: float) -> None:
    """The review as if written ``days`` ago."""
    db.session.execute(
        update(Review)
        .where(Review.id == item.id)
        .values(created_at=item.created_at - timedelta(days=days))
    )
    db.session.commit()
    db.session.expire_all()


def written() -> tuple[int, int, int]:
    """Reviews, notifications and emails written so far."""
    db.session.expire_all()
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Review, Notification, OutboxMessage)
    )
