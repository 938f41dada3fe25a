"""``flask demo-data``, bookings (issue 9): Grace has booked Aire Valley Home Care (the demo
provider account) every week from today; today's session is delivered and confirmed, so her
direct payment shows money spent and committed, and the ledger agrees with the balances."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.bookings import ledger
from marketplace.bookings.models import Booking
from marketplace.extensions import db
from tests.demo.test_demo_data import _run


def test_grace_has_a_weekly_booking_with_todays_session_confirmed(app, session):
    _run(app)
    grace = session.scalar(select(User).where(User.email == "holder@demo.example"))
    booking = session.scalar(select(Booking).where(Booking.holder_id == grace.id))
    assert booking.kind == "weekly" and booking.provider_name == "Aire Valley Home Care"
    first, *rest = booking.sessions
    assert first.status == "confirmed" and all(s.status == "scheduled" for s in rest)
    stream = booking.stream
    assert stream.spent_pence == first.price_pence
    assert stream.committed_pence == sum(s.price_pence for s in rest)
    assert ledger.check(db.session)[1] == []


def test_a_second_run_books_nothing_again(app, session):
    _run(app)
    _run(app)
    assert session.scalar(select(func.count()).select_from(Booking)) == 1
