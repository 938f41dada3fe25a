"""Changing a booking's sessions to come from its page: the holder's side changes the hours or
the price from a day; a rise is committed (or refused whole, 409, saying by how much), a fall
released; the provider is told. Bad input is a 400 at the field, nothing written; the provider
and strangers do not find the page; a cancelled booking cannot change."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.bookings import ledger, sessions
from marketplace.bookings.models import Booking, BookingSession, LedgerEntry
from marketplace.bookings.services import create_booking
from marketplace.budgets.models import BudgetStream
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests.bookings.world import booking_input, make_booking_world
from tests.listings.helpers import date_parts
from tests.quotes.pages import client_for, input_value, invalid, page_text, text

SESSIONS = 18  # booking_input: 2 hours each Monday, Wednesday and Friday for six weeks


def _booked(w: Any) -> Booking:
    return create_booking(db.session, w.broker, booking_input(w))


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "quantity_hundredths": "3",
        "unit_price_pence": "21.50",
        "from_day": date_parts(date.today()),
    }
    data.update(overrides)
    return data


def _state() -> tuple[Any, ...]:
    db.session.expire_all()
    return (
        tuple(db.session.execute(select(BookingSession.price_pence).order_by(BookingSession.id))),
        db.session.scalar(select(func.count()).select_from(LedgerEntry)),
        tuple(db.session.execute(select(BudgetStream.committed_pence, BudgetStream.spent_pence))),
        tuple(
            db.session.execute(
                select(Booking.quantity_hundredths, Booking.unit_price_pence, Booking.updated_at)
            )
        ),
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "amend")
        ),
    )


def test_the_form_shows_the_booking_as_it_is(app, session):
    w = make_booking_world()
    booking = _booked(w)
    page = text(client_for(app, w.representative).get(f"/bookings/{booking.id}/change"))
    assert input_value(page, "quantity_hundredths") == "2"
    assert input_value(page, "unit_price_pence") == "21.50"
    assert int(input_value(page, "from_day-day") or 0) == date.today().day
    words = page_text(client_for(app, w.representative).get(f"/bookings/{booking.id}/change"))
    assert "Each session now 2 hours at £21.50 an hour = £43.00" in words
    shown = text(client_for(app, w.broker).get(f"/bookings/{booking.id}"))
    assert f'href="/bookings/{booking.id}/change"' in shown
    assert f'href="/bookings/{booking.id}/change"' not in text(
        client_for(app, w.aire_staff).get(f"/bookings/{booking.id}")
    )


def test_more_hours_commit_the_difference_and_tell_the_provider(app, session):
    w = make_booking_world()
    booking = _booked(w)
    client = client_for(app, w.broker)
    response = client.post(f"/bookings/{booking.id}/change", data=_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/bookings/{booking.id}")
    words = page_text(client.get(response.headers["Location"]))
    assert (
        "Changed: the sessions to come are 3 hours at £21.50 an hour; £387.00 more is committed "
        "from the direct payment." in words
    )
    assert "3 hours at £21.50 = £64.50" in words
    stream = db.session.get(BudgetStream, w.dp.id, populate_existing=True)
    assert stream.committed_pence == SESSIONS * 6450
    told = db.session.scalars(select(Notification).where(Notification.kind == "booking_amended"))
    assert {n.user_id for n in told} == {w.aire_staff.id}
    assert ledger.check(db.session)[1] == []


def test_a_lower_price_releases_the_difference(app, session):
    w = make_booking_world()
    booking = _booked(w)
    client = client_for(app, w.holder)
    response = client.post(
        f"/bookings/{booking.id}/change",
        data=_form(quantity_hundredths="2", unit_price_pence="20.00"),
    )
    words = page_text(client.get(response.headers["Location"]))
    assert "£54.00 is released back to the direct payment." in words  # 18 x £3.00
    assert db.session.get(BudgetStream, w.dp.id, populate_existing=True).committed_pence == (
        SESSIONS * 4000
    )


def test_a_rise_the_stream_cannot_afford_is_refused_whole(app, session):
    w = make_booking_world(dp_pence=SESSIONS * 4300 + 1000)
    booking = _booked(w)
    before = _state()
    response = client_for(app, w.broker).post(f"/bookings/{booking.id}/change", data=_form())
    assert response.status_code == 409
    words = page_text(response)
    assert (
        "This would exceed the direct payment by £377.00 (£10.00 is left for the plan year)"
        in words
    )
    assert _state() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quantity_hundredths": "lots"}, "quantity_hundredths", "Enter a number, like 6 or 1.5"),
        ({"quantity_hundredths": "0"}, "quantity_hundredths", "The number must be more than 0"),
        ({"quantity_hundredths": ""}, "quantity_hundredths", "Enter how much each session holds"),
        ({"quantity_hundredths": "25"}, "quantity_hundredths", "24 hours or fewer"),
        ({"unit_price_pence": "-5"}, "unit_price_pence", "The amount cannot be negative"),
        ({"unit_price_pence": ""}, "unit_price_pence", "Enter the price in pounds, like 21.50"),
        ({"unit_price_pence": "0"}, "unit_price_pence", "The price must be more than £0"),
        ({"unit_price_pence": "2150"}, "unit_price_pence", "check it is the price for each"),
        (
            {"from_day": date_parts(date.today() - timedelta(days=1))},
            "from_day",
            "The change must start today or later",
        ),
        (
            {"from_day": ["31", "2", "2027"]},
            "from_day",
            "The date of the change must be a real date",
        ),
        (
            {"from_day": ["", "", ""]},
            "from_day",
            "Enter the date of the first session it applies to",
        ),
    ],
)
def test_bad_input_is_shown_at_its_field_and_writes_nothing(app, session, changes, field, message):
    w = make_booking_world()
    booking = _booked(w)
    before = _state()
    response = client_for(app, w.broker).post(
        f"/bookings/{booking.id}/change", data=_form(**changes)
    )
    words = invalid(response)
    assert f'href="#{field}' in text(response)
    assert message in words
    assert _state() == before


def test_a_day_after_the_last_session_changes_nothing(app, session):
    w = make_booking_world()
    booking = _booked(w)
    before = _state()
    late = booking.sessions[-1].day + timedelta(days=1)
    words = invalid(
        client_for(app, w.broker).post(
            f"/bookings/{booking.id}/change", data=_form(from_day=date_parts(late))
        )
    )
    assert "No session is still to come from that day" in words
    assert _state() == before


def test_the_provider_and_strangers_do_not_find_it(app, session):
    w = make_booking_world()
    booking = _booked(w)
    before = _state()
    for who in (w.aire_staff, w.kirk_staff, w.stranger_broker):
        client = client_for(app, who)
        assert client.get(f"/bookings/{booking.id}/change").status_code == 404
        assert client.post(f"/bookings/{booking.id}/change", data=_form()).status_code == 404
    assert client_for(app).get(f"/bookings/{booking.id}/change").status_code == 302  # sign in
    assert _state() == before


def test_a_cancelled_booking_cannot_change(app, session):
    w = make_booking_world()
    booking = _booked(w)
    sessions.cancel_rest(db.session, w.broker, booking, sessions.Side.REQUESTER)
    before = _state()
    client = client_for(app, w.broker)
    for response in (
        client.get(f"/bookings/{booking.id}/change"),
        client.post(f"/bookings/{booking.id}/change", data=_form()),
    ):
        assert response.status_code == 302
        assert "cancelled" in page_text(client.get(response.headers["Location"]))
    assert _state() == before
