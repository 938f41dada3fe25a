"""``flask demo-data``, quotes (issue 8): Grace's broker has two answers to compare for a line of
her draft plan; Grace waits for Aire Valley Home Care (the demo provider account) to quote."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.notifications.models import Notification
from marketplace.quotes.comparison import compare
from marketplace.quotes.models import Quote, QuoteRequest
from marketplace.quotes.requests import quotes_to_answer
from tests.demo.test_demo_data import _run


def _user(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def test_graces_council_managed_line_has_two_quotes_to_compare(app, session):
    _run(app)
    grace = _user(session, "holder@demo.example")
    broker = _user(session, "broker@demo.example")
    request = session.scalar(
        select(QuoteRequest).where(
            QuoteRequest.holder_id == grace.id, QuoteRequest.created_by_id == broker.id
        )
    )
    assert request.line.stream.kind == "managed"
    assert request.line is not None and request.line.description == request.description
    columns = compare(request).columns
    assert [c.quote.status for c in columns] == ["offered", "offered"]
    own = columns[0]
    # The line's own provider quoted below the price the plan line lists.
    assert own.quote.offer_id == request.line.offer_id
    assert own.price_pence < request.line.unit_price_pence
    assert sum(1 for c in columns if c.cheapest) == 1
    assert all(c.affordability is not None for c in columns)
    # The other provider was asked about the same service, not another one of theirs.
    other = columns[1].quote.offer
    assert (other.title, other.category) == (own.quote.offer.title, own.quote.offer.category)


def test_aire_valley_has_graces_cleaning_request_to_answer_and_was_told(app, session):
    _run(app)
    provider = _user(session, "provider@demo.example")
    waiting = quotes_to_answer(session, provider, open_only=True)
    cleaning = [q for q in waiting if q.request.description.startswith("Help with cleaning")]
    assert [(q.status, q.request.created_by.email) for q in cleaning] == [
        ("requested", "holder@demo.example")
    ]
    told = session.scalars(
        select(Notification.link).where(
            Notification.user_id == provider.id, Notification.kind == "quote_requested"
        )
    ).all()
    assert f"/quotes/{cleaning[0].id}" in told


def test_a_second_run_asks_nothing_again(app, session):
    _run(app)
    before = session.scalar(select(func.count()).select_from(Quote))
    _run(app)
    assert session.scalar(select(func.count()).select_from(Quote)) == before == 3
