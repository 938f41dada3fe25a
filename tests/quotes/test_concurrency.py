"""Races over one quote, settled by the database: twenty people accepting the same quote at once
(exactly one wins, the others are told it is accepted already), acceptances of two different
quotes of one request at once (exactly one quote is accepted), and a counter-offer declined many
times at once (the price is kept once)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.plans.models import PlanLine
from marketplace.quotes import answers
from marketplace.quotes.models import Quote, QuoteEvent, QuoteRequest
from marketplace.quotes.requests import create_request
from tests.quotes.world import make_quote_world, request_input, terms
from tests.racing import race


def _accept(user_id: int, quote_id: int) -> Callable[[Session], Any]:
    def call(session: Session) -> Any:
        return answers.accept_quote(session, session.get(User, user_id), quote_id)

    return call


def _offered_request(app: Any) -> tuple[Any, list[int], list[int]]:
    with app.app_context():
        w = make_quote_world()
        request = create_request(db.session, w.broker, request_input(w))
        quote_ids = [q.id for q in request.quotes]
        answers.offer_quote(db.session, w.aire_staff, quote_ids[0], terms(unit_price_pence=2300))
        answers.offer_quote(db.session, w.kirk_staff, quote_ids[1], terms(unit_price_pence=2200))
        people = [w.holder.id, w.broker.id, w.representative.id]
        return w, quote_ids, people


def test_twenty_people_accepting_one_quote_at_once_accept_it_once(app):
    w, (quote_id, other_id), people = _offered_request(app)
    outcomes = race(app, [_accept(people[i % 3], quote_id) for i in range(20)])
    assert outcomes == ["conflict"] * 19 + ["ok"]
    with app.app_context():
        assert db.session.get(Quote, quote_id).status == "accepted"
        assert db.session.get(Quote, other_id).status == "not_chosen"
        accepted_moves = db.session.scalar(
            select(func.count())
            .select_from(QuoteEvent)
            .where(QuoteEvent.quote_id == quote_id, QuoteEvent.to_status == "accepted")
        )
        assert accepted_moves == 1
        assert db.session.get(PlanLine, w.line.id).unit_price_pence == 2300


def test_accepting_two_quotes_of_one_request_at_once_accepts_only_one(app):
    w, quote_ids, people = _offered_request(app)
    calls = [_accept(people[i % 3], quote_ids[i % 2]) for i in range(20)]
    outcomes = race(app, calls)
    assert outcomes == ["conflict"] * 19 + ["ok"]
    with app.app_context():
        statuses = sorted(db.session.get(Quote, i).status for i in quote_ids)
        assert statuses == ["accepted", "not_chosen"]
        request = db.session.scalar(select(QuoteRequest))
        winner = next(i for i in quote_ids if db.session.get(Quote, i).status == "accepted")
        assert request.accepted_quote_id == winner
        price = db.session.get(Quote, winner).unit_price_pence
        assert db.session.get(PlanLine, w.line.id).unit_price_pence == price


def _offer(user_id: int, quote_id: int, price: int) -> Callable[[Session], Any]:
    def call(session: Session) -> Any:
        return answers.offer_quote(
            session, session.get(User, user_id), quote_id, terms(unit_price_pence=price)
        )

    return call


def test_an_answer_racing_an_acceptance_never_leaves_another_quote_open(app):
    """Kirkstall revises its quote again and again while Aire's is accepted: whichever comes
    first, Kirkstall's quote ends "not chosen", never still on the table beside the accepted one."""
    w, (aire_id, kirk_id), people = _offered_request(app)
    calls = [_accept(people[0], aire_id)]
    calls += [_offer(w.kirk_staff.id, kirk_id, 2100 - i) for i in range(9)]
    outcomes = race(app, calls)
    assert set(outcomes) <= {"ok", "conflict"}, outcomes
    with app.app_context():
        assert db.session.get(Quote, aire_id).status == "accepted"
        assert db.session.get(Quote, kirk_id).status == "not_chosen"
        moves = db.session.scalars(
            select(QuoteEvent.to_status)
            .where(QuoteEvent.quote_id == kirk_id)
            .order_by(QuoteEvent.id)
        ).all()
        assert moves[-1] == "not_chosen" and moves.count("not_chosen") == 1


def _decline(user_id: int, quote_id: int) -> Callable[[Session], Any]:
    def call(session: Session) -> Any:
        return answers.decline_quote(
            session, session.get(User, user_id), quote_id, "Our rates are fixed."
        )

    return call


def test_declining_a_counter_offer_twenty_times_at_once_keeps_the_price_once(app):
    """Twenty clicks of "Decline the counter-offer" at once: one moves the quote back to offered
    and tells the holder's side; each other is refused (409 when it read the quote countered,
    403 when it read it offered again: declining an offer is the holder's side's)."""
    w, (aire_id, _kirk_id), _people = _offered_request(app)
    with app.app_context():
        answers.counter_quote(db.session, w.broker, aire_id, 2000, "Could you do £20?")
    outcomes = race(app, [_decline(w.aire_staff.id, aire_id) for _ in range(20)])
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) <= {
        "ok",
        "conflict",
        "Forbidden('Only the person asking for the quote can do that.')",
    }, outcomes
    with app.app_context():
        quote = db.session.get(Quote, aire_id)
        assert (quote.status, quote.unit_price_pence, quote.counter_price_pence) == (
            "offered",
            2300,
            None,
        )
        moves = db.session.execute(
            select(QuoteEvent.from_status, QuoteEvent.to_status)
            .where(QuoteEvent.quote_id == aire_id)
            .order_by(QuoteEvent.id)
        ).all()
        assert [tuple(m) for m in moves][-2:] == [
            ("offered", "countered"),
            ("countered", "offered"),
        ]
        told = db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.kind == "quote_counter_declined")
        )
        assert told == 3  # the holder, their representative and their broker, once each
