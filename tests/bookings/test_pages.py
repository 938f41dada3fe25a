"""The booking page: both sides read it (what, when, paid from, money, sessions); anyone else
gets 404; the holder's side reading it is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.bookings.services import create_booking
from marketplace.extensions import db
from tests.bookings.world import booking_input, make_booking_world
from tests.quotes.pages import client_for, page_text


@pytest.mark.parametrize("who", ["holder", "representative", "broker", "aire_staff"])
def test_both_sides_read_the_booking(app, session, who):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    response = client_for(app, getattr(w, who)).get(f"/bookings/{booking.id}")
    assert response.status_code == 200
    words = page_text(response)
    assert "Mondays, Wednesdays and Fridays at 9:00am" in words
    assert "2 hours at £21.50 = £43.00" in words
    assert "Paid from Direct payment" in words
    assert "Committed £774.00" in words and "Sessions (18)" in words


@pytest.mark.parametrize("who", ["stranger_broker", "other_holder", "kirk_staff", "pa_user"])
def test_anyone_else_gets_not_found(app, session, who):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    assert client_for(app, getattr(w, who)).get(f"/bookings/{booking.id}").status_code == 404
    assert client_for(app, w.broker).get("/bookings/999999").status_code == 404


def test_reading_a_booking_is_audited(app, session):
    w = make_booking_world()
    booking = create_booking(db.session, w.broker, booking_input(w))
    client_for(app, w.representative).get(f"/bookings/{booking.id}")
    found = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "booking", AuditEvent.action == "read")
    ).all()
    assert [(e.actor_id, e.subject_id) for e in found] == [(w.representative.id, booking.id)]


def test_the_booking_links_to_its_reviews_once_a_session_is_confirmed(app, session):
    from datetime import date, time

    from marketplace.bookings import sessions

    w = make_booking_world()
    booking = create_booking(
        db.session,
        w.broker,
        booking_input(w, kind="one_off", start_on=date.today(), start_time=time(0, 0)),
    )
    page = client_for(app, w.holder).get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert 'id="review-link"' not in page
    sessions.deliver(db.session, w.aire_staff, booking.sessions[0].id)
    sessions.confirm(db.session, w.holder, booking.sessions[0].id)
    for who in (w.holder, w.aire_staff):
        page = client_for(app, who).get(f"/bookings/{booking.id}").get_data(as_text=True)
        assert f'href="/bookings/{booking.id}/review" id="review-link"' in page
