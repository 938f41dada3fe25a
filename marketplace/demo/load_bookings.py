"""Write the demo's bookings, through the bookings services (issue 9).

Grace has booked her plan's Aire Valley Home Care line (provider@demo.example, her ISF's home
care visits) from today to the end of the plan year, on the line's days and stream, so the
booking costs what the line does and her plan still fits (plans.costing counts a line's own
bookings once). Today's session has happened: Aire Valley marked it delivered and Grace
confirmed it, so her budget shows money spent as well as committed, and her statement has
movements. Looked up by holder and service, so a second run adds nothing.
"""

from __future__ import annotations

from datetime import time
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
from marketplace.plans.models import PlanLine
from marketplace.plans.services import current_plan

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
    budget = current_budget(session, grace.id) if grace is not None else None
    if grace is None or staff is None or budget is None:
        return
    line = _aire_line(loader, grace.id)
    if line is None or line.offer is None:
        return
    offer = line.offer
    if session.scalar(
        select(Booking.id).where(Booking.holder_id == grace.id, Booking.offer_id == offer.id)
    ):
        loader.report.found["bookings"] += 1
        return
    # The line's weekly quantity shared between visits of at least an hour (in quarter hours)
    # on the line's days, with today's among them (so today's session can be delivered): the
    # booking costs no more than the line does.
    weekly = line.quantity_hundredths
    visits = max(1, min(len(line.days) or 2, weekly // 100))
    days = [WEEKDAYS[today().weekday()]]
    days += [day for day in line.days or WEEKDAYS if day not in days][: visits - 1]
    days = sorted(days, key=WEEKDAYS.index)
    each = weekly // len(days) // 25 * 25 or max(1, weekly // len(days))
    booking = create_booking(
        session,
        grace,
        BookingInput(
            offer_id=offer.id,
            holder_id=grace.id,
            stream_id=line.stream_id,
            line_id=line.id,
            kind="weekly",
            days=days,
            start_time=time(8, 0),
            start_on=today(),
            end_on=None,  # to the end of the plan year
            quantity_hundredths=each,
        ),
    )
    loader.report.added["bookings"] += 1
    first = booking.sessions[0]
    sessions.deliver(session, staff, first.id)
    sessions.confirm(session, grace, first.id)


def _aire_line(loader: Loader, holder_id: int) -> PlanLine | None:
    """Grace's plan line for an Aire Valley service (her ISF's home care visits)."""
    plan = current_plan(loader.session, holder_id)
    if plan is None:
        return None
    return next(
        (
            line
            for line in plan.lines
            if line.offer is not None
            and line.offer.organisation is not None
            and line.offer.organisation.name == DEMO_PROVIDER
            and line.stream_id is not None
        ),
        None,
    )
