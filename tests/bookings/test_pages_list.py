"""The list of bookings: the holder's side sees the bookings of everyone they plan for, the
provider's side those made with them, each with the sessions waiting on someone (to mark
delivered, to confirm); nobody sees anyone else's. It is in the navigation of those who book
or are booked, and the holder's side reading it is audited."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.bookings.models import Booking
from marketplace.bookings.services import create_booking
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.bookings.world import booking_input, make_booking_world
from tests.factories import make_user
from tests.quotes.pages import client_for, page_text, text, words_of


def _today(w: Any) -> Booking:
    """Aire's quote booked as a one-off today at midnight: a session to mark delivered."""
    return create_booking(
        db.session,
        w.broker,
        booking_input(w, kind="one_off", start_on=date.today(), start_time=time(0, 0)),
    )


def _row(page: str, booking: Booking) -> str:
    """The words of the booking's row in the list."""
    start = page.index(f'id="booking-{booking.id}"')
    return words_of(page[start : page.index("</tr>", start)])


@pytest.mark.parametrize("who", ["holder", "representative", "broker"])
def test_the_holders_side_lists_the_bookings_with_what_waits(app, session, who):
    w = make_booking_world()
    booking = _today(w)
    response = client_for(app, getattr(w, who)).get("/bookings")
    assert response.status_code == 200
    row = _row(text(response), booking)
    assert "Help getting up each morning" in row and "Aire Valley Home Care" in row
    assert "1 session to mark delivered" in row
    assert f'href="/bookings/{booking.id}"' in text(response)


def test_the_provider_lists_its_bookings_and_the_counts_follow_the_sessions(app, session):
    w = make_booking_world()
    booking = _today(w)
    staff = client_for(app, w.aire_staff)
    row = _row(text(staff.get("/bookings")), booking)
    assert "Ada Holder" in row and "1 session to mark delivered" in row
    staff.post(f"/sessions/{booking.sessions[0].id}/deliver")
    row = _row(text(client_for(app, w.broker).get("/bookings")), booking)
    assert "1 session to confirm" in row and "to mark delivered" not in row
    client_for(app, w.broker).post(f"/sessions/{booking.sessions[0].id}/confirm")
    row = _row(text(staff.get("/bookings")), booking)
    assert row.endswith("Nothing") and "None to come" in row


def test_a_weekly_booking_shows_its_next_session(app, session):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    first = booking.sessions[0].day
    row = _row(text(client_for(app, w.broker).get("/bookings")), booking)
    assert f"{first.day} {first:%B %Y}" in row


@pytest.mark.parametrize("who", ["stranger_broker", "other_holder", "kirk_staff", "pa_user"])
def test_nobody_else_sees_the_booking(app, session, who):
    w = make_booking_world()
    booking = _today(w)
    response = client_for(app, getattr(w, who)).get("/bookings")
    assert response.status_code == 200
    assert f'id="booking-{booking.id}"' not in text(response)
    assert "Help getting up each morning" not in page_text(response)


def test_people_who_neither_book_nor_are_booked_have_no_list(app, session):
    w = make_booking_world()
    officer = make_user(Role.OFFICER, council=w.council)
    assert client_for(app, officer).get("/bookings").status_code == 404
    response = client_for(app).get("/bookings")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    nav = text(client_for(app, officer).get("/"))
    assert 'href="/bookings"' not in nav


@pytest.mark.parametrize("who", ["holder", "broker", "aire_staff", "pa_user"])
def test_the_navigation_leads_to_the_list(app, session, who):
    w = make_booking_world()
    page = text(client_for(app, getattr(w, who)).get("/"))
    assert 'href="/bookings"' in page


def test_the_holders_side_reading_the_list_is_audited_per_holder(app, session):
    w = make_booking_world()
    _today(w)
    client_for(app, w.broker).get("/bookings")
    client_for(app, w.aire_staff).get("/bookings")
    reads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "bookings", AuditEvent.action == "read")
    ).all()
    assert [(e.actor_id, e.holder_id) for e in reads] == [(w.broker.id, w.holder.id)]


def test_a_long_list_is_shown_a_page_at_a_time(app, session):
    w = make_booking_world(dp_pence=5_000_000)
    for _ in range(51):
        create_booking(
            db.session,
            w.broker,
            booking_input(
                w,
                quote_id=None,
                offer_id=w.aire_offer.id,
                holder_id=w.holder.id,
                stream_id=w.dp.id,
                kind="one_off",
            ),
        )
    client = client_for(app, w.holder)
    first = text(client.get("/bookings"))
    assert first.count('id="booking-') == 50 and "?page=2" in first
    second = text(client.get("/bookings?page=2"))
    assert second.count('id="booking-') == 1
    assert client.get("/bookings?page=3").status_code == 404
