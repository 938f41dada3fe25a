"""Quotes expire when the other side does not answer in time: by `flask expire-quotes` (a
scheduler runs it), and whenever an expired quote is read. The clock is moved by setting
``expires_at`` in the past."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from marketplace.clock import utcnow
from marketplace.errors import InvalidTransition
from marketplace.extensions import db
from marketplace.plans.models import PlanLine
from marketplace.quotes import answers
from marketplace.quotes.access import quote_for, request_for
from marketplace.quotes.models import Quote, QuoteRequest
from marketplace.quotes.requests import create_request, quotes_to_answer, requests_of
from tests.quotes.world import make_quote_world, request_input, terms
from tests.quotes.written import events_of, everything, mailed, told
from tests.racing import race


def _due(session: Any, *quote_ids: int, ago: timedelta = timedelta(minutes=1)) -> None:
    session.execute(update(Quote).where(Quote.id.in_(quote_ids)).values(expires_at=utcnow() - ago))
    session.commit()


def _expire_command(app: Any) -> str:
    result = app.test_cli_runner().invoke(args=["expire-quotes"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _world_with_quotes_in_every_open_state(session: Any) -> tuple[Any, dict[str, int]]:
    """Aire's quote offered, Kirkstall's countered and the PA's still requested (all three due);
    and a second request whose open quote is not due, and whose closed one is past its time."""
    w = make_quote_world()
    first = create_request(session, w.broker, request_input(w, pa_profile_ids=[w.pa.id]))
    aire_q, kirk_q, pa_q = (q.id for q in first.quotes)
    answers.offer_quote(session, w.aire_staff, aire_q, terms())
    answers.offer_quote(session, w.kirk_staff, kirk_q, terms())
    answers.counter_quote(session, w.broker, kirk_q, 2000, "Could you do £20?")
    second = create_request(session, w.holder, request_input(w, line_id=None))
    later_q, declined_q = (q.id for q in second.quotes)
    answers.offer_quote(session, w.aire_staff, later_q, terms())
    answers.decline_quote(session, w.kirk_staff, declined_q, "Fully booked")
    _due(session, aire_q, kirk_q, pa_q, declined_q)
    ids = {
        "offered": aire_q,
        "countered": kirk_q,
        "requested": pa_q,
        "not due": later_q,
        "declined": declined_q,
    }
    return w, ids


def test_the_command_expires_due_open_quotes_only_and_records_no_actor(app, session):
    _w, ids = _world_with_quotes_in_every_open_state(session)
    assert _expire_command(app) == "Expired 3 quotes"
    session.expire_all()
    for state in ("offered", "countered", "requested"):
        quote = session.get(Quote, ids[state])
        assert quote.status == "expired", state
        last = events_of(session, quote.id)[-1]
        assert (last.from_status, last.to_status, last.actor_id) == (state, "expired", None)
        assert utcnow() - last.at < timedelta(minutes=1)
    assert session.get(Quote, ids["not due"]).status == "offered"
    assert session.get(Quote, ids["declined"]).status == "declined"
    assert len(events_of(session, ids["declined"])) == 2  # requested, declined


def test_both_sides_are_told_once_of_each_expired_quote(app, session):
    w, ids = _world_with_quotes_in_every_open_state(session)
    before = {m.id for m in mailed(session)}
    _expire_command(app)
    expired = told(session, "quote_expired")
    holder_side = (w.holder.id, w.representative.id, w.broker.id)
    assert expired == {
        w.aire_staff.id: ["quote_expired"],
        w.kirk_staff.id: ["quote_expired"],
        w.pa_user.id: ["quote_expired"],
        **{person: ["quote_expired"] * 3 for person in holder_side},
    }
    new_mail = [m for m in mailed(session) if m.id not in before]
    assert len(new_mail) == 3 + 3 * 3  # each provider once; each of the holder side thrice
    for person, quote_id in [
        (w.aire_staff, ids["offered"]),
        (w.kirk_staff, ids["countered"]),
        (w.pa_user, ids["requested"]),
    ]:
        [message] = [m for m in new_mail if m.to_address == person.email]
        assert f"http://localhost/quotes/{quote_id}" in message.body
        assert "expired without an answer" in message.body
    holder_mail = [m.body for m in new_mail if m.to_address == w.holder.email]
    for state in ("offered", "countered", "requested"):
        assert sum(f"/quotes/{ids[state]}\n" in body for body in holder_mail) == 1


def test_running_the_command_twice_changes_nothing_the_second_time(app, session):
    _world_with_quotes_in_every_open_state(session)
    assert _expire_command(app) == "Expired 3 quotes"
    after_first = everything(session)
    assert _expire_command(app) == "Expired 0 quotes"
    assert everything(session) == after_first


def test_the_command_says_quote_for_one(app, session):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    _due(session, request.quotes[0].id)
    assert _expire_command(app) == "Expired 1 quote"


def test_schedulers_running_at_once_expire_each_quote_once(app):
    with app.app_context():
        w, ids = _world_with_quotes_in_every_open_state(db.session)
    counts: list[int] = []

    def expire(session: Session) -> None:
        counts.append(answers.expire_quotes(session))

    assert race(app, [expire] * 6) == ["ok"] * 6
    assert sum(counts) == 3
    with app.app_context():
        for state in ("offered", "countered", "requested"):
            moves = [e.to_status for e in events_of(db.session, ids[state])]
            assert moves.count("expired") == 1
        assert len(told(db.session, "quote_expired")[w.holder.id]) == 3


# --- checked on read -------------------------------------------------------------------------------


def test_reading_a_quote_past_its_time_expires_it(session):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    aire_q, kirk_q = (q.id for q in request.quotes)
    _due(session, aire_q)
    quote, _side = quote_for(session, w.aire_staff, aire_q)
    assert quote.status == "expired"
    session.rollback()  # the expiry was committed by the read itself
    assert session.get(Quote, aire_q).status == "expired"
    assert events_of(session, aire_q)[-1].actor_id is None
    assert session.get(Quote, kirk_q).status == "requested"  # only the one read
    assert w.broker.id in told(session, "quote_expired")


@pytest.mark.parametrize("reader", ["request_for", "requests_of", "quotes_to_answer"])
def test_every_list_and_page_expires_what_is_past_its_time(session, reader):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    aire_q, kirk_q = (q.id for q in request.quotes)
    answers.offer_quote(session, w.kirk_staff, kirk_q, terms())
    _due(session, aire_q)
    if reader == "request_for":
        shown = request_for(session, w.holder, request.id).quotes
    elif reader == "requests_of":
        [found] = requests_of(session, w.representative)
        shown = found.quotes
    else:
        shown = quotes_to_answer(session, w.aire_staff)
    assert {q.id: q.status for q in shown}[aire_q] == "expired"
    session.rollback()
    session.expire_all()
    assert session.get(Quote, aire_q).status == "expired"
    assert session.get(Quote, kirk_q).status == "offered"
    assert [e.to_status for e in events_of(session, aire_q)] == ["requested", "expired"]


def test_the_open_quotes_to_answer_leave_out_those_that_just_expired(session):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    aire_q = request.quotes[0].id
    assert [q.id for q in quotes_to_answer(session, w.aire_staff, open_only=True)] == [aire_q]
    _due(session, aire_q)
    assert quotes_to_answer(session, w.aire_staff, open_only=True) == []
    assert [q.status for q in quotes_to_answer(session, w.aire_staff)] == ["expired"]


def test_a_quote_not_yet_due_is_left_alone_by_reads(session):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    quote_id = request.quotes[0].id
    before = everything(session)
    quote_for(session, w.aire_staff, quote_id)
    request_for(session, w.broker, request.id)
    requests_of(session, w.broker)
    quotes_to_answer(session, w.aire_staff)
    assert everything(session) == before


def test_accepting_a_quote_past_its_time_is_refused_and_it_is_expired(session):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    aire_q, kirk_q = (q.id for q in request.quotes)
    answers.offer_quote(session, w.aire_staff, aire_q, terms())
    answers.offer_quote(session, w.kirk_staff, kirk_q, terms())
    _due(session, aire_q)
    with pytest.raises(InvalidTransition) as refused:
        answers.accept_quote(session, w.broker, aire_q)
    assert refused.value.status_code == 409
    assert refused.value.message == "This quote is expired, so it cannot be accepted."
    session.rollback()
    session.expire_all()
    assert session.get(Quote, aire_q).status == "expired"
    assert session.get(Quote, kirk_q).status == "offered"  # still open: nothing was accepted
    assert session.get(QuoteRequest, request.id).accepted_quote_id is None
    line = session.get(PlanLine, w.line.id)
    assert (line.unit_price_pence, line.price_agreed) == (2000, False)
    # The one that is still on the table can be accepted.
    answers.accept_quote(session, w.broker, kirk_q)


@pytest.mark.parametrize("action", ["offer", "decline", "withdraw"])
def test_answering_a_quote_past_its_time_is_refused(session, action):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    quote_id = request.quotes[0].id
    _due(session, quote_id)
    calls = {
        "offer": lambda: answers.offer_quote(session, w.aire_staff, quote_id, terms()),
        "decline": lambda: answers.decline_quote(session, w.aire_staff, quote_id, "Busy"),
        "withdraw": lambda: answers.withdraw_quote(session, w.broker, quote_id, ""),
    }
    with pytest.raises(InvalidTransition) as refused:
        calls[action]()
    assert refused.value.message.startswith("This quote is expired, so it cannot be")
