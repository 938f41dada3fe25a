"""A stream's statement: money in, spent and committed per plan line, every movement with the
balance after it, as a page and as CSV; read by the holder's side and the council, and for an
ISF by the provider holding it; anyone else gets 404; reading it is audited."""

from __future__ import annotations

import csv
import io
from datetime import time

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.bookings import sessions
from marketplace.bookings.services import create_booking
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.bookings.world import booking_input, make_booking_world
from tests.factories import make_budget, make_holder, make_organisation, make_user
from tests.quotes.pages import client_for, page_text


@pytest.fixture
def booked(session):
    """18 sessions booked (£774.00); one of them today, delivered and confirmed (£43.00 spent);
    one cancelled with notice (£43.00 released)."""
    w = make_booking_world()
    weekly = create_booking(db.session, w.broker, booking_input(w))
    sessions.cancel(db.session, w.holder, weekly.sessions[0].id)
    return w, weekly


def test_the_statement_shows_money_in_spent_per_line_and_every_movement(app, booked):
    w, _weekly = booked
    words = page_text(client_for(app, w.holder).get(f"/budget-streams/{w.dp.id}/statement"))
    assert "Statement: Direct payment" in words
    assert "Money in for the year £9,360.00 Spent £0.00 Balance £9,360.00" in words
    assert "Committed to bookings £731.00 Available to book £8,629.00" in words
    assert "Help getting up each morning Aire Valley Home Care £0.00 £731.00" in words
    assert "Booked: Booked" not in words and "Booked Help getting up each morning" in words
    assert "Released: Cancelled" in words


def test_the_csv_has_each_movement_the_summary_and_the_lines(app, booked):
    w, _weekly = booked
    response = client_for(app, w.broker).get(f"/budget-streams/{w.dp.id}/statement.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "Date" and len(rows[0]) == 7
    assert [r[3] for r in rows[1:3]] == ["774.00", "-43.00"]
    assert rows[1][6] == "8586.00" and rows[2][6] == "8629.00"
    summary = rows[
        rows.index(["Summary", "Money in", "Spent", "Committed", "Balance", "Available"]) + 1
    ]
    assert summary == ["Direct payment", "9360.00", "0.00", "731.00", "9360.00", "8629.00"]


def test_spending_shows_once_a_session_is_confirmed(app, session):
    w = make_booking_world()
    from datetime import date

    one = create_booking(
        db.session,
        w.broker,
        booking_input(w, kind="one_off", start_on=date.today(), start_time=time(0, 0)),
    )
    sessions.deliver(db.session, w.aire_staff, one.sessions[0].id)
    sessions.confirm(db.session, w.holder, one.sessions[0].id)
    words = page_text(client_for(app, w.holder).get(f"/budget-streams/{w.dp.id}/statement"))
    assert "Spent £43.00 Balance £9,317.00" in words
    assert "Spent: Delivered and confirmed" in words


@pytest.mark.parametrize("who", ["stranger_broker", "other_holder", "aire_staff", "pa_user"])
def test_anyone_else_gets_not_found(app, booked, who):
    w, _weekly = booked
    for path in ("statement", "statement.csv"):
        response = client_for(app, getattr(w, who)).get(f"/budget-streams/{w.dp.id}/{path}")
        assert response.status_code == 404


def test_the_council_reads_it_and_the_read_is_audited(app, booked):
    w, _weekly = booked
    officer = make_user(Role.OFFICER, council=w.council)
    assert client_for(app, officer).get(f"/budget-streams/{w.dp.id}/statement").status_code == 200
    found = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "statement")
    ).all()
    assert [(e.actor_id, e.holder_id) for e in found] == [(officer.id, w.holder.id)]


def test_the_provider_holding_an_isf_reads_its_statement(app, session):
    w = make_booking_world()
    agency = make_organisation(name="Night Owls Care")
    holder = make_holder(w.council, name="Ida Isf")
    budget = make_budget(holder, w.council, streams=(("isf", 500_000),), isf_organisation=agency)
    staff = make_user(Role.PROVIDER_ADMIN, organisation=agency, name="Nia Owl")
    stream_id = budget.streams[0].id
    words = page_text(client_for(app, staff).get(f"/budget-streams/{stream_id}/statement"))
    assert "Statement: Individual Service Fund held by Night Owls Care" in words
    assert "What Night Owls Care holds for Ida Isf as an Individual Service Fund" in words
    assert (
        client_for(app, w.aire_staff).get(f"/budget-streams/{stream_id}/statement").status_code
        == 404
    )
