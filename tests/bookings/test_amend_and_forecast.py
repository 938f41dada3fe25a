"""Amending a booking re-checks the budget (a rise is committed or refused whole, a fall
released); the forecast says where each stream is heading: on track, underspending (money that
would go unused) or overspending (spending faster than the year allows, and when it runs out)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.bookings import ledger, sessions
from marketplace.bookings.forecast import budget_forecast, stream_forecast, warnings
from marketplace.bookings.models import BookingSession, LedgerEntry
from marketplace.bookings.services import Amendment, amend_booking, create_booking
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.errors import Forbidden, InsufficientBudget, NotFound, ValidationFailed
from marketplace.extensions import db
from tests.bookings.world import booking_input, make_booking_world

SESSION_PRICE = 4300


def _stream(w) -> BudgetStream:
    return db.session.get(BudgetStream, w.dp.id, populate_existing=True)


def _prices(booking_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(BookingSession.price_pence)
            .where(BookingSession.booking_id == booking_id)
            .order_by(BookingSession.day)
        )
    )


# --- amending ------------------------------------------------------------------------------------


def test_more_hours_from_a_day_commit_the_difference_for_the_sessions_from_then(session):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    from_day = booking.sessions[6].day  # the third week
    change = amend_booking(
        db.session, w.holder, booking.id, Amendment(quantity_hundredths=300, from_day=from_day)
    )
    assert change == 12 * (6450 - SESSION_PRICE)  # 3 hours at £21.50 from the 7th session
    assert _prices(booking.id) == [SESSION_PRICE] * 6 + [6450] * 12
    assert _stream(w).committed_pence == 6 * SESSION_PRICE + 12 * 6450
    assert ledger.check(db.session)[1] == []


def test_a_lower_rate_releases_the_difference(session):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    change = amend_booking(db.session, w.broker, booking.id, Amendment(unit_price_pence=2000))
    assert change == 18 * (4000 - SESSION_PRICE)
    assert _stream(w).committed_pence == 18 * 4000
    kinds = db.session.scalars(select(LedgerEntry.kind).order_by(LedgerEntry.id)).all()
    assert kinds == ["commit", "release"]


def test_a_rise_the_stream_cannot_afford_is_refused_and_nothing_changes(session):
    w = make_booking_world(dp_pence=18 * SESSION_PRICE + 100)
    booking = create_booking(db.session, w.broker, booking_input(w))
    entries = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    with pytest.raises(InsufficientBudget) as refused:
        amend_booking(db.session, w.holder, booking.id, Amendment(quantity_hundredths=250))
    assert refused.value.message.startswith("This would exceed the direct payment by £")
    db.session.rollback()
    assert _prices(booking.id) == [SESSION_PRICE] * 18
    assert _stream(w).committed_pence == 18 * SESSION_PRICE
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == entries


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (Amendment(quantity_hundredths=0), "quantity_hundredths"),
        (Amendment(quantity_hundredths=-100), "quantity_hundredths"),
        (Amendment(quantity_hundredths=2401), "quantity_hundredths"),
        (Amendment(unit_price_pence=0), "unit_price_pence"),
        (Amendment(unit_price_pence=-5), "unit_price_pence"),
        (Amendment(from_day=date.today() - timedelta(days=1)), "from_day"),
        (Amendment(from_day=date.today() + timedelta(days=300)), "from_day"),  # none to come
    ],
)
def test_a_bad_amendment_names_the_field_and_changes_nothing(session, change, field):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    with pytest.raises(ValidationFailed) as refused:
        amend_booking(db.session, w.holder, booking.id, change)
    assert field in refused.value.errors
    assert _prices(booking.id) == [SESSION_PRICE] * 18


def test_only_the_holders_side_amends(session):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    with pytest.raises(Forbidden):
        amend_booking(db.session, w.aire_staff, booking.id, Amendment(quantity_hundredths=300))
    with pytest.raises(NotFound):
        amend_booking(db.session, w.stranger_broker, booking.id, Amendment(quantity_hundredths=3))


def test_a_cancelled_session_is_not_repriced(session):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    sessions.cancel(db.session, w.holder, booking.sessions[0].id)
    amend_booking(db.session, w.holder, booking.id, Amendment(quantity_hundredths=100))
    assert _prices(booking.id) == [SESSION_PRICE] + [2150] * 17
    assert _stream(w).committed_pence == 17 * 2150


# --- forecast ------------------------------------------------------------------------------------


def _budget(w) -> Budget:
    return db.session.get(Budget, w.budget.id, populate_existing=True)


def test_a_stream_spent_and_booked_near_its_total_is_on_track(session):
    w = make_booking_world(dp_pence=18 * SESSION_PRICE)
    create_booking(db.session, w.broker, booking_input(w))
    found = stream_forecast(_stream(w))
    assert found.status == "on_track" and found.projected_pence == 18 * SESSION_PRICE
    assert found.message == "On track: £0.00 spent and £774.00 booked of £774.00."


def test_little_booked_a_month_into_the_year_is_underspending(session):
    w = make_booking_world()  # the year began 30 days ago; £9,360 direct payment
    create_booking(db.session, w.broker, booking_input(w))
    found = stream_forecast(_stream(w))
    assert found.status == "underspending" and found.label == "Underspending"
    assert found.unused_pence == 936_000 - 18 * SESSION_PRICE
    assert "£8,586.00 of the direct payment (91%) is neither spent nor booked" in found.message
    assert [f.stream_id for f in warnings(_budget(w))] == [s.id for s in _budget(w).streams]


def test_spending_faster_than_the_year_allows_is_overspending_and_says_when_it_runs_out(session):
    w = make_booking_world(dp_pence=100_000)
    stream = _stream(w)
    year_start = stream.budget.year_start
    stream.spent_pence = 20_000  # a fifth of the year's money in its first month (30 days)
    on = year_start + timedelta(days=29)
    found = stream_forecast(stream, on)
    assert found.status == "overspending"
    assert found.runs_out_on == year_start + timedelta(days=150)  # £200 a day → 150 days
    assert "runs out around" in found.message


def test_the_first_weeks_of_a_year_say_nothing_yet(session):
    w = make_booking_world(dp_pence=100_000)
    stream = _stream(w)
    stream.spent_pence = 20_000
    assert stream_forecast(stream, stream.budget.year_start + timedelta(days=6)).status == (
        "on_track"
    )
    db.session.rollback()
    assert len(budget_forecast(_budget(w))) == 2
