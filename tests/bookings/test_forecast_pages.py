"""The early warning on the dashboards: the holder's dashboard shows each stream's spending
against the year (a chart beside a table) and warns of a stream under- or overspending; the
broker's caseload shows how each person's spending is going."""

from __future__ import annotations

from marketplace.bookings.services import create_booking
from marketplace.budgets.models import BudgetStream
from marketplace.extensions import db
from tests.bookings.world import booking_input, make_booking_world
from tests.quotes.pages import client_for, page_text, text


def test_the_holders_dashboard_shows_spending_against_the_year_and_warns(app, session):
    w = make_booking_world()  # a month into the year, £774 booked of a £9,360 direct payment
    create_booking(db.session, w.broker, booking_input(w))
    response = client_for(app, w.holder).get(f"/holders/{w.holder.id}")
    page, words = text(response), page_text(response)
    assert 'id="forecast-table"' in page and "<svg" in page
    assert "Direct payment of £9,360.00 · Statement for Direct payment £0.00 £774.00" in words
    assert "Direct payment: underspending. £8,586.00 of the direct payment (91%)" in words
    assert 'id="forecast-chart-desc"' in page


def test_a_stream_on_track_gives_no_warning(app, session):
    w = make_booking_world(dp_pence=18 * 4300)
    create_booking(db.session, w.broker, booking_input(w))
    managed = db.session.scalars(
        db.select(BudgetStream).where(
            BudgetStream.budget_id == w.budget.id, BudgetStream.kind == "managed"
        )
    ).one()
    managed.committed_pence = managed.total_pence  # all booked elsewhere
    db.session.commit()
    page = text(client_for(app, w.broker).get(f"/holders/{w.holder.id}"))
    assert "govuk-warning-text" not in page
    assert page.count('govuk-tag--green">On track') == 2


def test_the_brokers_caseload_shows_how_each_persons_spending_is_going(app, session):
    w = make_booking_world()
    words = page_text(client_for(app, w.broker).get("/caseload"))
    assert "Spending" in words
    assert "Underspending Direct payment Underspending Council-managed" in words
