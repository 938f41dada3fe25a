"""The whole negotiation through the services, on the real database."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.plans.models import PlanLine
from marketplace.quotes import answers
from marketplace.quotes.models import Quote, QuoteEvent
from marketplace.quotes.requests import create_request
from tests.quotes.world import make_quote_world, request_input, terms


def test_broker_asks_two_providers_negotiates_and_accepts_one(app):
    with app.app_context():
        w = make_quote_world()
        request = create_request(db.session, w.broker, request_input(w))
        aire_q, kirk_q = request.quotes
        assert [q.status for q in request.quotes] == ["requested", "requested"]
        answers.offer_quote(db.session, w.aire_staff, aire_q.id, terms(unit_price_pence=2300))
        answers.offer_quote(db.session, w.kirk_staff, kirk_q.id, terms(unit_price_pence=2400))
        answers.counter_quote(db.session, w.broker, aire_q.id, 2100, "Could you do £21?")
        answers.offer_quote(db.session, w.aire_staff, aire_q.id, terms(unit_price_pence=2150))
        answers.accept_quote(db.session, w.broker, aire_q.id)
        db.session.expire_all()
        assert db.session.get(Quote, aire_q.id).status == "accepted"
        assert db.session.get(Quote, kirk_q.id).status == "not_chosen"
        line = db.session.get(PlanLine, w.line.id)
        assert (line.unit_price_pence, line.price_agreed, line.offer_id) == (
            2150,
            True,
            w.aire_offer.id,
        )
        moves = [
            (e.from_status, e.to_status)
            for e in db.session.query(QuoteEvent)
            .filter_by(quote_id=aire_q.id)
            .order_by(QuoteEvent.id)
        ]
        assert moves == [
            (None, "requested"),
            ("requested", "offered"),
            ("offered", "countered"),
            ("countered", "offered"),
            ("offered", "accepted"),
        ]
        kinds = {n.kind for n in db.session.query(Notification).filter_by(user_id=w.kirk_staff.id)}
        assert kinds == {"quote_requested", "quote_not_chosen"}


def test_comparison_costs_each_answer_on_the_schedule_against_the_stream(app):
    from marketplace.quotes.comparison import compare

    with app.app_context():
        w = make_quote_world()
        request = create_request(db.session, w.broker, request_input(w))
        aire_q, kirk_q = request.quotes
        answers.offer_quote(db.session, w.aire_staff, aire_q.id, terms(unit_price_pence=2300))
        answers.offer_quote(db.session, w.kirk_staff, kirk_q.id, terms(unit_price_pence=1500))
        aire, kirk = compare(request).columns
        # 10 hours a week at £23: £230 a week, £11,960 over 52 weeks; the direct payment has
        # £9,360 and the plan's only line on it is the one being priced.
        assert (aire.price_pence, aire.weekly_pence, aire.annual_pence) == (2300, 23000, 1_196_000)
        assert aire.rating == "Good (CQC)"
        assert aire.affordability.left_pence == 936_000
        assert not aire.affordability.affordable and aire.affordability.over_pence == 260_000
        assert kirk.annual_pence == 780_000 and kirk.affordability.affordable
        assert kirk.cheapest and not aire.cheapest
        assert kirk.rating == "Not regulated" and kirk.distance_km > 0
