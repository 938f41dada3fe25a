"""Answering quotes: every refused term of an offer, a counter-offer and a decline names its field
and writes nothing; what a valid answer writes; the clock each answer restarts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.clock import utcnow
from marketplace.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from marketplace.extensions import db
from marketplace.messages.models import MessageThread
from marketplace.notifications.models import Notification
from marketplace.plans.models import PlanLine
from marketplace.quotes import answers
from marketplace.quotes.models import MAX_NOTICE_HOURS, MAX_QUOTE_PRICE_PENCE, Quote
from marketplace.quotes.requests import create_request
from tests.quotes.world import make_quote_world, request_input, terms
from tests.quotes.written import events_of, everything


def _asked(session, w, **changes):
    """A fresh request to Aire and Kirkstall; Aire's quote."""
    return create_request(session, w.broker, request_input(w, **changes)).quotes[0]


def _offered(session, w, price=2150, **changes):
    quote = _asked(session, w, **changes)
    answers.offer_quote(session, w.aire_staff, quote.id, terms(unit_price_pence=price))
    return quote


# --- offers ---------------------------------------------------------------------------------------

BAD_TERMS = [
    ({"unit_price_pence": None}, "unit_price_pence"),
    ({"unit_price_pence": 0}, "unit_price_pence"),
    ({"unit_price_pence": -1}, "unit_price_pence"),
    ({"unit_price_pence": -2150}, "unit_price_pence"),
    ({"unit_price_pence": 10_001}, "unit_price_pence"),  # £100.01 an hour: above the setting
    ({"unit_price_pence": 215_000}, "unit_price_pence"),  # the week's total, not the hour's
    ({"direct_bp": 7000}, "breakdown"),  # 70 + 13.5 + 9.5 = 93%
    ({"direct_bp": 9000}, "breakdown"),  # 113%
    ({"direct_bp": None}, "breakdown"),
    ({"direct_bp": -100, "coordination_bp": 10100, "overheads_bp": 0}, "breakdown"),
    ({"direct_bp": 10100, "coordination_bp": -100, "overheads_bp": 0}, "breakdown"),
    ({"start_on": None}, "start_on"),
    ({"start_on": date.today() - timedelta(days=1)}, "start_on"),
    ({"notice_hours": None}, "notice_hours"),
    ({"notice_hours": -1}, "notice_hours"),
    ({"notice_hours": MAX_NOTICE_HOURS + 1}, "notice_hours"),
    ({"late_cancel_bp": None}, "late_cancel_bp"),
    ({"late_cancel_bp": -1}, "late_cancel_bp"),
    ({"late_cancel_bp": 10_001}, "late_cancel_bp"),
    ({"note": "x" * 1001}, "note"),
    # What a careless caller of the API might send: never a 500.
    ({"unit_price_pence": 21.5}, "unit_price_pence"),
    ({"unit_price_pence": "2150"}, "unit_price_pence"),
    ({"unit_price_pence": True}, "unit_price_pence"),
    ({"direct_bp": "7700"}, "breakdown"),
    ({"start_on": "2030-01-01"}, "start_on"),
    ({"notice_hours": "48"}, "notice_hours"),
    ({"late_cancel_bp": 50.5}, "late_cancel_bp"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_TERMS)
def test_each_bad_term_of_an_offer_is_named_and_nothing_is_written(session, changes, field):
    w = make_quote_world()
    quote = _asked(session, w)
    before = everything(session)
    with pytest.raises(ValidationFailed) as refused:
        answers.offer_quote(session, w.aire_staff, quote.id, terms(**changes))
    assert field in refused.value.errors, refused.value.errors
    assert refused.value.errors[field]
    assert everything(session) == before


def test_a_breakdown_that_does_not_add_up_says_what_it_adds_up_to(session):
    w = make_quote_world()
    quote = _asked(session, w)
    with pytest.raises(ValidationFailed) as refused:
        answers.offer_quote(session, w.aire_staff, quote.id, terms(direct_bp=7000))
    assert refused.value.errors["breakdown"] == (
        "The shares must add up to 100% (they add up to 93%)"
    )


def test_an_hourly_price_is_held_to_the_settings_maximum(app, session, monkeypatch):
    w = make_quote_world()
    quote = _asked(session, w)
    monkeypatch.setitem(app.config, "MAXIMUM_HOURLY_RATE_PENCE", 3000)
    with pytest.raises(ValidationFailed) as refused:
        answers.offer_quote(session, w.aire_staff, quote.id, terms(unit_price_pence=3001))
    assert refused.value.errors["unit_price_pence"].startswith(
        "The price must be £30.00 an hour or less"
    )
    answers.offer_quote(session, w.aire_staff, quote.id, terms(unit_price_pence=3000))
    assert session.get(Quote, quote.id).unit_price_pence == 3000


def test_other_units_may_be_quoted_up_to_ten_thousand_pounds(session):
    w = make_quote_world()
    quote = _asked(session, w, unit="items", frequency="once", quantity_hundredths=100)
    with pytest.raises(ValidationFailed) as refused:
        answers.offer_quote(
            session, w.aire_staff, quote.id, terms(unit_price_pence=MAX_QUOTE_PRICE_PENCE + 1)
        )
    assert "£10,000.00 each or less" in refused.value.errors["unit_price_pence"]
    # Above the hourly maximum is fine for an item: it is not an hour's pay.
    answers.offer_quote(
        session, w.aire_staff, quote.id, terms(unit_price_pence=MAX_QUOTE_PRICE_PENCE)
    )
    assert session.get(Quote, quote.id).unit_price_pence == MAX_QUOTE_PRICE_PENCE


def test_an_offer_writes_every_term_and_one_event_with_the_price(session):
    w = make_quote_world()
    quote = _asked(session, w)
    start = date.today() + timedelta(days=30)
    answers.offer_quote(
        session,
        w.aire_staff,
        quote.id,
        terms(start_on=start, notice_hours=24, late_cancel_bp=5000, note="  We can meet you.  "),
    )
    session.expire_all()
    saved = session.get(Quote, quote.id)
    assert (
        saved.status,
        saved.unit_price_pence,
        (saved.direct_bp, saved.coordination_bp, saved.overheads_bp),
        saved.offered_start_on,
        saved.notice_hours,
        saved.late_cancel_bp,
        saved.provider_note,
    ) == ("offered", 2150, (7700, 1350, 950), start, 24, 5000, "We can meet you.")
    event = events_of(session, quote.id)[-1]
    assert (event.to_status, event.actor_id, event.price_pence, event.note) == (
        "offered",
        w.aire_staff.id,
        2150,
        "We can meet you.",
    )


def test_a_revised_offer_replaces_the_terms_and_answering_a_counter_clears_it(session):
    w = make_quote_world()
    quote = _offered(session, w, price=2300)
    answers.offer_quote(session, w.aire_staff, quote.id, terms(unit_price_pence=2250))
    assert session.get(Quote, quote.id).unit_price_pence == 2250
    answers.counter_quote(session, w.broker, quote.id, 2000, "Could you do £20?")
    saved = session.get(Quote, quote.id)
    assert (saved.status, saved.counter_price_pence, saved.counter_note) == (
        "countered",
        2000,
        "Could you do £20?",
    )
    assert saved.unit_price_pence == 2250  # the provider's price stands until they answer
    answers.offer_quote(session, w.aire_staff, quote.id, terms(unit_price_pence=2100))
    saved = session.get(Quote, quote.id)
    assert (saved.status, saved.unit_price_pence, saved.counter_price_pence) == (
        "offered",
        2100,
        None,
    )


# --- counter-offers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "note", "field"),
    [
        (2200, "", "counter_price_pence"),  # higher than the quote
        (2150, "", "counter_price_pence"),  # the same as the quote: not a counter-offer
        (0, "", "counter_price_pence"),
        (-100, "", "counter_price_pence"),
        (None, "", "counter_price_pence"),
        (2000, "x" * 1001, "note"),
        (20.5, "", "counter_price_pence"),
        ("2000", "", "counter_price_pence"),
    ],
)
def test_a_bad_counter_offer_is_named_and_nothing_is_written(session, price, note, field):
    w = make_quote_world()
    quote = _offered(session, w)
    before = everything(session)
    with pytest.raises(ValidationFailed) as refused:
        answers.counter_quote(session, w.broker, quote.id, price, note)
    assert field in refused.value.errors
    assert everything(session) == before


def test_a_counter_offer_says_the_price_it_must_be_under(session):
    w = make_quote_world()
    quote = _offered(session, w)
    with pytest.raises(ValidationFailed) as refused:
        answers.counter_quote(session, w.broker, quote.id, 2200)
    assert refused.value.errors["counter_price_pence"] == (
        "A counter-offer must be lower than the price quoted, £21.50 an hour"
    )


def test_a_counter_offer_on_a_declined_quote_is_a_conflict_naming_both_states(session):
    w = make_quote_world()
    quote = _offered(session, w)
    answers.decline_quote(session, w.broker, quote.id)
    before = everything(session)
    with pytest.raises(InvalidTransition) as refused:
        answers.counter_quote(session, w.broker, quote.id, 2000)
    assert refused.value.message == "This quote is declined, so it cannot be countered."
    assert everything(session) == before


# --- declining and withdrawing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ("decline", ""),  # the provider must say why they decline
        ("decline", "   "),
        ("decline", "x" * 1001),
        ("withdraw", "x" * 1001),
    ],
)
def test_a_missing_or_over_long_reason_of_the_provider_is_refused(session, action, reason):
    w = make_quote_world()
    quote = _asked(session, w)
    before = everything(session)
    call = answers.decline_quote if action == "decline" else answers.withdraw_quote
    with pytest.raises(ValidationFailed) as refused:
        call(session, w.aire_staff, quote.id, reason)
    assert set(refused.value.errors) == {"reason"}
    assert everything(session) == before


def test_the_holders_side_may_decline_an_offer_without_a_reason(session):
    w = make_quote_world()
    quote = _offered(session, w)
    answers.decline_quote(session, w.broker, quote.id, "")
    saved = session.get(Quote, quote.id)
    assert (saved.status, saved.closing_reason) == ("declined", "")


def test_the_reason_is_kept_on_the_quote_and_its_event(session):
    w = make_quote_world()
    quote = _asked(session, w)
    answers.withdraw_quote(session, w.aire_staff, quote.id, " We no longer cover LS6 ")
    saved = session.get(Quote, quote.id)
    assert (saved.status, saved.closing_reason) == ("withdrawn", "We no longer cover LS6")
    assert events_of(session, quote.id)[-1].note == "We no longer cover LS6"


# --- declining a counter-offer ------------------------------------------------------------------------


def _countered(session, w):
    """Aire quotes £21.50 an hour on its full terms; the broker counters with £20."""
    quote = _asked(session, w)
    answers.offer_quote(session, w.aire_staff, quote.id, terms())
    answers.counter_quote(session, w.broker, quote.id, 2000, "Could you do £20?")
    return quote


def test_declining_a_counter_offer_keeps_the_providers_price_on_offer(session):
    w = make_quote_world()
    quote = _countered(session, w)
    events_before = len(events_of(session, quote.id))
    started = utcnow()
    answers.decline_quote(session, w.aire_staff, quote.id, " Our rates are the same for all. ")
    session.expire_all()
    saved = session.get(Quote, quote.id)
    assert (saved.status, saved.counter_price_pence, saved.counter_note) == ("offered", None, "")
    assert saved.closing_reason == ""  # nothing was closed
    # The provider's terms are as they quoted them.
    assert (
        saved.unit_price_pence,
        (saved.direct_bp, saved.coordination_bp, saved.overheads_bp),
        saved.offered_start_on,
        saved.notice_hours,
        saved.late_cancel_bp,
        saved.provider_note,
    ) == (
        2150,
        (7700, 1350, 950),
        date.today() + timedelta(days=21),
        48,
        10000,
        "We can start with a visit to meet you.",
    )
    events = events_of(session, quote.id)
    assert len(events) == events_before + 1
    countered, kept = events[-2:]
    assert (countered.to_status, countered.price_pence, countered.note) == (
        "countered",
        2000,
        "Could you do £20?",
    )  # the counter-offer stays in the history
    assert (kept.from_status, kept.to_status, kept.actor_id, kept.price_pence) == (
        "countered",
        "offered",
        w.aire_staff.id,
        2150,
    )
    assert kept.note == "Counter-offer of £20.00 an hour declined: Our rates are the same for all."
    assert started - timedelta(seconds=1) <= kept.at <= utcnow()


def test_after_a_declined_counter_offer_the_holders_side_accepts_the_original_price(session):
    w = make_quote_world()
    quote = _countered(session, w)
    answers.decline_quote(session, w.aire_staff, quote.id, "Our rates are fixed.")
    answers.accept_quote(session, w.representative, quote.id)
    session.expire_all()
    assert session.get(Quote, quote.id).status == "accepted"
    assert events_of(session, quote.id)[-1].price_pence == 2150
    line = session.get(PlanLine, w.line.id)
    assert (line.unit_price_pence, line.price_agreed) == (2150, True)


@pytest.mark.parametrize("then", ["counter", "decline"])
def test_after_a_declined_counter_offer_the_holders_side_may_counter_again_or_decline(
    session, then
):
    w = make_quote_world()
    quote = _countered(session, w)
    answers.decline_quote(session, w.aire_staff, quote.id, "Our rates are fixed.")
    if then == "counter":
        answers.counter_quote(session, w.broker, quote.id, 2100, "Meet us halfway?")
        expected = ("countered", 2100)
    else:
        answers.decline_quote(session, w.broker, quote.id, "")
        expected = ("declined", None)
    session.expire_all()
    saved = session.get(Quote, quote.id)
    assert (saved.status, saved.counter_price_pence) == expected


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_declining_a_counter_offer_needs_a_reason_and_a_refusal_writes_nothing(session, reason):
    w = make_quote_world()
    quote = _countered(session, w)
    before = everything(session)
    with pytest.raises(ValidationFailed) as refused:
        answers.decline_quote(session, w.aire_staff, quote.id, reason)
    if not reason.strip():
        assert refused.value.errors == {
            "reason": "Say why you are keeping your price, so they can decide what to do"
        }
    assert everything(session) == before


def test_only_the_provider_declines_a_counter_offer(session):
    w = make_quote_world()
    quote = _countered(session, w)
    before = everything(session)
    with pytest.raises(Forbidden) as refused:
        answers.decline_quote(session, w.broker, quote.id, "Changed our mind")
    assert refused.value.message == "Only the provider can do that."
    assert everything(session) == before


def test_a_counter_offer_declined_twice_is_refused_the_second_time(session):
    """The first decline put the quote back on offer: the provider may not decline it again
    (declining an offered quote is the holder's side's), and nothing more is written."""
    w = make_quote_world()
    quote = _countered(session, w)
    answers.decline_quote(session, w.aire_staff, quote.id, "Our rates are fixed.")
    before = everything(session)
    with pytest.raises(Forbidden):
        answers.decline_quote(session, w.aire_staff, quote.id, "Our rates are fixed.")
    assert everything(session) == before


def test_a_counter_offer_past_its_time_cannot_be_declined(session):
    w = make_quote_world()
    quote = _countered(session, w)
    session.execute(
        Quote.__table__.update()
        .where(Quote.id == quote.id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    session.commit()
    with pytest.raises(InvalidTransition) as refused:
        answers.decline_quote(session, w.aire_staff, quote.id, "Our rates are fixed.")
    assert refused.value.message == "This quote is expired, so it cannot be declined."
    session.expire_all()
    assert session.get(Quote, quote.id).status == "expired"


# --- accepting ------------------------------------------------------------------------------------


def test_accepting_a_withdrawn_quote_is_a_conflict_and_nothing_is_written(session):
    w = make_quote_world()
    quote = _offered(session, w)
    answers.withdraw_quote(session, w.aire_staff, quote.id, "Staff left")
    before = everything(session)
    with pytest.raises(InvalidTransition) as refused:
        answers.accept_quote(session, w.broker, quote.id)
    assert refused.value.message == "This quote is withdrawn, so it cannot be accepted."
    assert everything(session) == before


def test_accepting_twice_says_it_is_accepted_already(session):
    w = make_quote_world()
    quote = _offered(session, w)
    accepted = answers.accept_quote(session, w.broker, quote.id)
    assert accepted.request.accepted_quote_id == quote.id
    before = everything(session)
    with pytest.raises(InvalidTransition) as refused:
        answers.accept_quote(session, w.holder, quote.id)
    assert refused.value.message == "This quote is accepted already."
    assert everything(session) == before


def test_accepting_closes_the_other_open_quotes_but_not_the_closed_ones(session):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w, pa_profile_ids=[w.pa.id]))
    aire_q, kirk_q, pa_q = request.quotes
    answers.offer_quote(session, w.aire_staff, aire_q.id, terms())
    answers.decline_quote(session, w.kirk_staff, kirk_q.id, "Fully booked")
    answers.accept_quote(session, w.broker, aire_q.id)
    session.expire_all()
    assert [session.get(Quote, q.id).status for q in (aire_q, kirk_q, pa_q)] == [
        "accepted",
        "declined",
        "not_chosen",
    ]
    [*_, closed] = events_of(session, pa_q.id)
    assert (closed.from_status, closed.to_status, closed.actor_id) == (
        "requested",
        "not_chosen",
        w.broker.id,
    )
    assert len(events_of(session, kirk_q.id)) == 2  # requested, declined: nothing more


def test_a_quote_answered_elsewhere_since_it_was_loaded_still_ends_not_chosen(session):
    """The acceptance reads the other quotes' states afresh: Kirkstall answered in another
    session after this one loaded the request, and its quote must not stay on the table."""
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    aire_q, kirk_q = request.quotes  # loaded here, both "requested"
    answers.offer_quote(session, w.aire_staff, aire_q.id, terms())
    with Session(db.engine) as elsewhere:
        staff = elsewhere.get(type(w.kirk_staff), w.kirk_staff.id)
        answers.offer_quote(elsewhere, staff, kirk_q.id, terms(unit_price_pence=2200))
    answers.accept_quote(session, w.broker, aire_q.id)
    session.expire_all()
    assert session.get(Quote, kirk_q.id).status == "not_chosen"
    assert [e.to_status for e in events_of(session, kirk_q.id)] == [
        "requested",
        "offered",
        "not_chosen",
    ]


def test_a_quote_answered_after_another_was_accepted_is_refused(session):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    aire_q, kirk_q = request.quotes
    answers.offer_quote(session, w.aire_staff, aire_q.id, terms())
    answers.accept_quote(session, w.broker, aire_q.id)
    with pytest.raises(InvalidTransition) as refused:
        answers.offer_quote(session, w.kirk_staff, kirk_q.id, terms())
    assert refused.value.message == "This quote is not chosen, so it cannot be offered."


def test_a_request_already_decided_refuses_a_second_acceptance(session):
    """The request's own guard: even a quote still on the table (written straight to the
    database here, as a race could leave it) cannot be accepted once another was."""
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    aire_q, kirk_q = request.quotes
    answers.offer_quote(session, w.aire_staff, aire_q.id, terms())
    answers.offer_quote(session, w.kirk_staff, kirk_q.id, terms())
    answers.accept_quote(session, w.broker, aire_q.id)
    quote = session.get(Quote, kirk_q.id)
    quote.status = "offered"
    session.commit()
    before = everything(session)
    with pytest.raises(Conflict) as refused:
        answers.accept_quote(session, w.broker, kirk_q.id)
    assert "Another quote for this request has been accepted already" in refused.value.message
    assert everything(session) == before


# --- the clock ------------------------------------------------------------------------------------


def _days_left(quote: Quote) -> float:
    return (quote.expires_at - utcnow()).total_seconds() / 86400


def test_each_answer_gives_the_other_side_the_full_time_again(app, session, monkeypatch):
    w = make_quote_world()
    quote = _asked(session, w)
    assert 13.99 < _days_left(session.get(Quote, quote.id)) <= 14
    monkeypatch.setitem(app.config, "QUOTE_EXPIRY_DAYS", 3)
    for move in (
        lambda: answers.offer_quote(session, w.aire_staff, quote.id, terms()),
        lambda: answers.counter_quote(session, w.broker, quote.id, 2000),
        lambda: answers.offer_quote(session, w.aire_staff, quote.id, terms(unit_price_pence=2050)),
        lambda: answers.counter_quote(session, w.broker, quote.id, 2000),
        # Declining the counter-offer puts the price back on the table, as a new price would.
        lambda: answers.decline_quote(session, w.aire_staff, quote.id, "Our rates are fixed."),
    ):
        session.execute(
            Quote.__table__.update()
            .where(Quote.id == quote.id)
            .values(expires_at=utcnow() + timedelta(minutes=5))
        )
        session.commit()
        move()
        session.expire_all()
        assert 2.99 < _days_left(session.get(Quote, quote.id)) <= 3


def test_a_new_request_expires_after_the_days_in_the_settings(app, session, monkeypatch):
    w = make_quote_world()
    monkeypatch.setitem(app.config, "QUOTE_EXPIRY_DAYS", 5)
    quote = _asked(session, w)
    assert 4.99 < _days_left(session.get(Quote, quote.id)) <= 5


def test_closing_a_quote_does_not_move_its_clock(session):
    w = make_quote_world()
    quote = _offered(session, w)
    expires = session.get(Quote, quote.id).expires_at
    answers.accept_quote(session, w.broker, quote.id)
    session.expire_all()
    assert session.get(Quote, quote.id).expires_at == expires


# --- messages about a quote -----------------------------------------------------------------------


def test_both_sides_write_in_one_thread_about_the_quote(session):
    w = make_quote_world()
    quote = _asked(session, w)
    thread = answers.write_about_quote(session, w.broker, quote.id, "Is Tuesday possible?")
    again = answers.write_about_quote(session, w.aire_staff, quote.id, "Yes, Tuesdays suit us.")
    assert thread.id == again.id
    assert session.get(Quote, quote.id).thread_id == thread.id
    assert session.scalars(select(MessageThread.topic_key)).all() == [f"quote:{quote.id}"]


def test_a_message_about_a_quote_tells_the_holders_whole_side_and_the_provider(session):
    """The holder, their representative and their broker are all in the thread about the
    holder's care, whoever wrote; the writer is not told of their own message."""
    w = make_quote_world()
    quote = _asked(session, w)
    thread = answers.write_about_quote(session, w.aire_staff, quote.id, "Is Tuesday possible?")
    joined = {p.user_id for p in thread.participants}
    assert joined == {w.aire_staff.id, w.holder.id, w.representative.id, w.broker.id}
    told = set(session.scalars(select(Notification.user_id).where(Notification.kind == "message")))
    assert told == {w.holder.id, w.representative.id, w.broker.id}
