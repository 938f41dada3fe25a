"""``flask demo-data``, bookings (issue 9): Grace has booked her plan's Aire Valley Home Care
line (the demo provider account) every week from today to the end of the plan year; today's
session is delivered and confirmed, so her budget shows money spent and committed, the ledger
agrees with the balances, and her plan still fits its budget (the line's booking is counted
once)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.bookings import ledger
from marketplace.bookings.models import Booking
from marketplace.extensions import db
from marketplace.plans.costing import line_annual_pence, plan_costs
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
    # For the plan's line, on its stream, to the last day of the plan year.
    line = booking.line
    assert line is not None and line.offer_id == booking.offer_id
    assert booking.stream_id == line.stream_id
    assert rest[-1].day > stream.budget.year_end - timedelta(days=7)
    assert sum(s.price_pence for s in booking.sessions) <= line_annual_pence(line)
    costs = plan_costs(line.plan)
    assert not costs.over_any_stream
    [on_line] = [item for item in costs.streams if item.stream.id == stream.id]
    assert on_line.booked_for_lines_pence == stream.spent_pence + stream.committed_pence


def test_a_second_run_books_nothing_again(app, session):
    _run(app)
    _run(app)
    assert session.scalar(select(func.count()).select_from(Booking)) == 1
