"""Write the demo's bookings, through the bookings services (issue 9).

Grace has booked Aire Valley Home Care (provider@demo.example) for two hours' home help on two
days a week for a trial fortnight from today, paid from her direct payment (or whichever stream
the service takes). Today's session has happened: Aire Valley marked it
delivered and Grace confirmed it, so her budget shows money spent as well as committed, and her
statement has movements. Looked up by holder and service, so a second run adds nothing.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.bookings import sessions
from marketplace.bookings.models import Booking
from marketplace.bookings.schedule import WEEKDAYS
from marketplace.bookings.services import BookingInput, create_booking
from marketplace.budgets.services import current_budget
from marketplace.clock import today
from marketplace.demo.plan import DEMO_PROVIDER
from marketplace.directory.models import Offer, Organisation

if TYPE_CHECKING:
    from marketplace.demo.load import Loader


def bookings(loader: Loader) -> None:
    with loader.progress("Bookings and sessions", 1) as bar:
        _graces_home_help(loader)
        bar.update(1)


def _user(loader: Loader, email: str) -> User | None:
    return loader.session.scalar(select(User).where(User.email == email))


def _graces_home_help(loader: Loader) -> None:
    session = loader.session
    grace = _user(loader, "holder@demo.example")
    staff = _user(loader, "provider@demo.example")
    offer = session.scalar(
        select(Offer)
        .join(Organisation, Offer.organisation_id == Organisation.id)
        .where(
            Organisation.name == DEMO_PROVIDER,
            Offer.status == "published",
            Offer.price_unit == "hour",
        )
        .order_by(Offer.id)
        .limit(1)
    )
    budget = current_budget(session, grace.id) if grace is not None else None
    if grace is None or staff is None or offer is None or budget is None:
        return
    if session.scalar(
        select(Booking.id).where(Booking.holder_id == grace.id, Booking.offer_id == offer.id)
    ):
        loader.report.found["bookings"] += 1
        return
    streams = sorted(budget.streams, key=lambda s: ("dp", "managed", "isf", "other").index(s.kind))
    stream = next((s for s in streams if s.kind in offer.deployments), None)
    if stream is None:
        return
    # Today's weekday (so today's session has happened) and one more.
    first_day = WEEKDAYS[today().weekday()]
    booking = create_booking(
        session,
        grace,
        BookingInput(
            offer_id=offer.id,
            holder_id=grace.id,
            stream_id=stream.id,
            kind="weekly",
            days=[first_day, "thu" if first_day != "thu" else "mon"],
            start_time=time(0, 5),
            start_on=today(),
            # A trial fortnight: her direct payment is near its limit by design, and the plan's
            # checks still count booked money on top of the plan's own lines.
            end_on=today() + timedelta(days=13),
            quantity_hundredths=200,
        ),
    )
    loader.report.added["bookings"] += 1
    first = booking.sessions[0]
    sessions.deliver(session, staff, first.id)
    sessions.confirm(session, grace, first.id)
