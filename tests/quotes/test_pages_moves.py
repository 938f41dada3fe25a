"""Negotiating through the pages: the provider's quote (prefilled from the listing, or from a
counter-offer), the counter-offer, declining and withdrawing on either side, and accepting
after a page that says exactly what will happen. Every refusal is the form again (400, the field
named, nothing written); a move the other side makes is 403; a move the quote's state no longer
allows goes back to the quote, saying why."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.holders.models import HolderRecord
from marketplace.notifications.models import Notification
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.quotes import answers
from marketplace.quotes.models import Quote
from marketplace.quotes.requests import create_request
from tests.quotes.pages import (
    client_for,
    date_parts,
    input_value,
    invalid,
    offer_form,
    offered,
    page_text,
    sent_request,
    terms,
    text,
    written,
)
from tests.quotes.world import request_input


@pytest.fixture
def sent(session):
    return sent_request(with_pa=True)


def _status(quote_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Quote, quote_id).status


def _flash(client, response) -> str:
    """The page a move redirected to, in words (its flash among them)."""
    assert response.status_code == 302, text(response)[:500]
    return page_text(client.get(response.headers["Location"]))


# --- the provider's quote ------------------------------------------------------------------------


def test_the_quote_form_starts_from_the_listings_breakdown_and_price(app, sent):
    w, request = sent
    aire = request.quotes[0]
    page = text(client_for(app, w.aire_staff).get(f"/quotes/{aire.id}/offer"))
    assert '<h1 class="govuk-heading-l">Send a quote</h1>' in page
    assert input_value(page, "unit_price_pence") == "22.50"  # the offer's hourly price
    assert (input_value(page, "direct_bp"), input_value(page, "coordination_bp")) == ("77", "13.5")
    assert (input_value(page, "overheads_bp"), input_value(page, "notice_hours")) == ("9.5", "48")
    assert input_value(page, "late_cancel_bp") == "100"
    start = request.start_on  # when they asked for it to start
    assert int(input_value(page, "start_on-day") or 0) == start.day
    assert int(input_value(page, "start_on-month") or 0) == start.month


def test_a_pa_asked_without_a_listing_starts_from_their_hourly_rate(app, sent):
    w, request = sent
    pa_quote = request.quotes[2]
    page = text(client_for(app, w.pa_user).get(f"/quotes/{pa_quote.id}/offer"))
    assert input_value(page, "unit_price_pence") == "16.50"
    assert (input_value(page, "direct_bp"), input_value(page, "overheads_bp")) == ("100", "0")


def test_the_provider_sends_a_quote(app, sent):
    w, request = sent
    aire = request.quotes[0]
    client = client_for(app, w.aire_staff)
    response = client.post(f"/quotes/{aire.id}/offer", data=offer_form())
    words = _flash(client, response)
    assert "Your quote of £21.50 an hour is sent. We have told Ada Holder's side." in words
    db.session.expire_all()
    quote = db.session.get(Quote, aire.id)
    assert (quote.status, quote.unit_price_pence, quote.coordination_bp) == ("offered", 2150, 1350)
    assert (quote.notice_hours, quote.late_cancel_bp) == (48, 10000)
    assert quote.offered_start_on == date.today() + timedelta(days=21)
    assert quote.provider_note == "We can start with a visit to meet you."


def test_after_a_counter_offer_the_form_starts_at_the_price_offered(app, sent):
    w, request = sent
    aire, _kirk = offered(w, request)
    answers.counter_quote(db.session, w.broker, aire.id, 2000, "Could you do £20?")
    response = client_for(app, w.aire_staff).get(f"/quotes/{aire.id}/offer")
    page = text(response)
    assert "Answer the counter-offer" in page
    assert input_value(page, "unit_price_pence") == "20.00"
    assert "They offer £20.00 an hour in place of your £21.50 an hour." in page_text(response)
    assert "Their note: “Could you do £20?”" in page_text(response)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"unit_price_pence": ""},
            "unit_price_pence",
            "Enter the price in pounds, like 18.50 an hour",
        ),
        ({"unit_price_pence": "lots"}, "unit_price_pence", "Enter an amount"),
        ({"unit_price_pence": "0"}, "unit_price_pence", "The price must be more than £0"),
        ({"unit_price_pence": "150"}, "unit_price_pence", "or less: check it is the price"),
        ({"direct_bp": "70"}, "direct_bp", "The shares must add up to 100% (they add up to 93%)"),
        ({"coordination_bp": "half"}, "coordination_bp", "Enter a percentage, like 77 or 13.5"),
        ({"start_on": date_parts(date.today() - timedelta(days=1))}, "start_on", "today or"),
        ({"start_on": date_parts(None)}, "start_on", "Enter the date you could start"),
        (
            {"start_on": date_parts(date.today() + timedelta(days=400))},
            "start_on",
            "The start date must be within a year, by ",
        ),
        ({"start_on": ["31", "2", "2027"]}, "start_on", "must be a real date, like "),
        ({"direct_bp": "-5"}, "direct_bp", "A percentage cannot be negative"),
        ({"notice_hours": "two days"}, "notice_hours", "Enter the notice in whole hours"),
        ({"notice_hours": "9999"}, "notice_hours", "in hours from 0 to 2160"),
        ({"late_cancel_bp": "150"}, "late_cancel_bp", "A percentage cannot be more than 100"),
        ({"late_cancel_bp": "-1"}, "late_cancel_bp", "A percentage cannot be negative"),
        ({"note": "x" * 1001}, "note", "The note must be 1,000 characters or fewer"),
    ],
)
def test_a_refused_quote_names_the_field_and_writes_nothing(app, sent, changes, field, message):
    w, request = sent
    aire = request.quotes[0]
    before = written()
    response = client_for(app, w.aire_staff).post(
        f"/quotes/{aire.id}/offer", data=offer_form(**changes)
    )
    words = invalid(response)
    assert message in words, words[:1200]
    assert f'href="#{field}' in text(response)
    assert written() == before


# --- the holder's side answers ----------------------------------------------------------------------


def test_a_counter_offer_is_sent_from_its_page(app, sent):
    w, request = sent
    aire, _kirk = offered(w, request)
    client = client_for(app, w.representative)
    page = page_text(client.get(f"/quotes/{aire.id}/counter"))
    assert "Aire Valley Home Care quoted £21.50 an hour." in page
    response = client.post(
        f"/quotes/{aire.id}/counter", data={"counter_price_pence": "20", "note": "Our budget."}
    )
    assert "Your counter-offer of £20.00 an hour is sent to Aire Valley Home Care." in _flash(
        client, response
    )
    db.session.expire_all()
    quote = db.session.get(Quote, aire.id)
    assert (quote.status, quote.counter_price_pence, quote.counter_note) == (
        "countered",
        2000,
        "Our budget.",
    )


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("", "Enter the price you offer in pounds, like 18.50 an hour"),
        ("22", "A counter-offer must be lower than the price quoted, £21.50 an hour"),
        ("0", "The price you offer must be more than £0"),
        ("£1,2", "Enter an amount"),
    ],
)
def test_a_refused_counter_offer_names_the_price_and_writes_nothing(app, sent, price, message):
    w, request = sent
    aire, _kirk = offered(w, request)
    before = written()
    response = client_for(app, w.broker).post(
        f"/quotes/{aire.id}/counter", data={"counter_price_pence": price, "note": ""}
    )
    assert message in invalid(response)
    assert 'href="#counter_price_pence"' in text(response)
    assert written() == before


def test_the_provider_must_say_why_they_decline(app, sent):
    w, request = sent
    aire = request.quotes[0]
    client = client_for(app, w.aire_staff)
    page = page_text(client.get(f"/quotes/{aire.id}/decline"))
    assert "Decline to quote" in page and "Why are you declining?" in page
    before = written()
    refused = client.post(f"/quotes/{aire.id}/decline", data={"reason": "  "})
    assert "Say why you are declining" in invalid(refused)
    assert 'href="#reason"' in text(refused)
    assert written() == before
    done = client.post(f"/quotes/{aire.id}/decline", data={"reason": "No one free on mornings."})
    assert "You declined to quote. We have told Ada Holder's side." in _flash(client, done)
    db.session.expire_all()
    quote = db.session.get(Quote, aire.id)
    assert (quote.status, quote.closing_reason) == ("declined", "No one free on mornings.")


def test_the_holders_side_may_decline_a_quote_without_a_reason(app, sent):
    w, request = sent
    aire, _kirk = offered(w, request)
    client = client_for(app, w.holder)
    assert "Why? (optional)" in page_text(client.get(f"/quotes/{aire.id}/decline"))
    done = client.post(f"/quotes/{aire.id}/decline", data={"reason": ""})
    assert "You declined the quote from Aire Valley Home Care. We have told them." in _flash(
        client, done
    )
    assert _status(aire.id) == "declined"


@pytest.mark.parametrize("who", ["broker", "aire_staff"])
def test_either_side_withdraws(app, sent, who):
    w, request = sent
    aire = request.quotes[0]
    client = client_for(app, getattr(w, who))
    page = page_text(client.get(f"/quotes/{aire.id}/withdraw"))
    assert "This cannot be undone." in page
    done = client.post(f"/quotes/{aire.id}/withdraw", data={"reason": ""})
    expected = (
        "You withdrew the request to Aire Valley Home Care."
        if who == "broker"
        else "You withdrew from this request. We have told Ada Holder's side."
    )
    assert expected in _flash(client, done)
    assert _status(aire.id) == "withdrawn"


def test_the_provider_withdraws_a_quote_already_sent(app, sent):
    w, request = sent
    aire, _kirk = offered(w, request)
    client = client_for(app, w.aire_staff)
    assert "Withdraw your quote" in page_text(client.get(f"/quotes/{aire.id}/withdraw"))
    done = client.post(f"/quotes/{aire.id}/withdraw", data={"reason": "Fully booked."})
    assert "You withdrew your quote. We have told Ada Holder's side." in _flash(client, done)
    db.session.expire_all()
    assert db.session.get(Quote, aire.id).closing_reason == "Fully booked."


def test_the_provider_declines_a_counter_offer_and_the_broker_accepts_the_price_kept(app, sent):
    w, request = sent
    aire, _kirk = offered(w, request)
    answers.counter_quote(db.session, w.broker, aire.id, 2000, "Could you do £20?")
    client = client_for(app, w.aire_staff)
    response = client.get(f"/quotes/{aire.id}/decline")
    page, words = text(response), page_text(response)
    assert '<h1 class="govuk-heading-l">Decline the counter-offer</h1>' in page
    assert "Keep your price of £21.50 an hour. They can still accept it." in words
    assert "They offered £20.00 an hour in place of your £21.50 an hour." in words
    assert (
        "What happens next Your quote stays at £21.50 an hour, on the same terms, and the "
        "counter-offer is closed. Ada Holder\u2019s side is told, with your reason. They can accept "
        "your price, make another counter-offer or decline it. To stop quoting for this "
        "altogether, withdraw your quote instead." in words
    )
    assert f'href="/quotes/{aire.id}/withdraw"' in page
    assert "cannot be undone" not in words
    assert "Why are you declining the counter-offer?" in words
    assert f'<a class="govuk-link" href="/quotes/{aire.id}">Cancel</a>' in page
    before = written()
    refused = client.post(f"/quotes/{aire.id}/decline", data={"reason": " "})
    assert "Say why you are keeping your price" in invalid(refused)
    assert 'href="#reason"' in text(refused)
    assert written() == before
    done = client.post(f"/quotes/{aire.id}/decline", data={"reason": "Our rates are fixed."})
    assert (
        "You declined the counter-offer and kept your price of £21.50 an hour. We have told Ada "
        "Holder's side: they can accept it, make another counter-offer or decline."
    ) in _flash(client, done)
    db.session.expire_all()
    quote = db.session.get(Quote, aire.id)
    assert (quote.status, quote.unit_price_pence, quote.counter_price_pence) == (
        "offered",
        2150,
        None,
    )
    # The broker reads the price kept, with the counter-offer in the history, and accepts it.
    broker = client_for(app, w.broker)
    quote_page = broker.get(f"/quotes/{aire.id}")
    words = page_text(quote_page)
    assert "Quote received" in words
    assert "Counter-offer Price offered" not in words  # no counter-offer on the table
    history = words.split("History")[1]
    assert "Bea Broker Offered → countered, £20.00 an hour “Could you do £20?”" in history
    assert (
        "Alan Aire Countered → offered, £21.50 an hour “Counter-offer of £20.00 an hour "
        "declined: Our rates are fixed.”" in history
    )
    for action in ("accept", "counter", "decline", "withdraw"):
        assert f'href="/quotes/{aire.id}/{action}"' in text(quote_page), action
    said = _flash(broker, broker.post(f"/quotes/{aire.id}/accept"))
    assert "You accepted the quote from Aire Valley Home Care: £21.50 an hour." in said
    assert _status(aire.id) == "accepted"
    assert db.session.get(PlanLine, w.line.id).unit_price_pence == 2150


def test_the_counter_offer_page_says_what_happens_next(app, sent):
    w, request = sent
    aire, _kirk = offered(w, request)
    words = page_text(client_for(app, w.broker).get(f"/quotes/{aire.id}/counter"))
    assert (
        "What happens next Aire Valley Home Care is told, and answers with a new quote: at your "
        "price, or another. Or they decline your counter-offer and keep their price of £21.50 "
        "an hour: you can then still accept it, make another counter-offer or decline. Until "
        "they answer, you cannot accept their quote." in words
    )


def test_the_holders_side_reads_what_declining_and_withdrawing_mean(app, sent):
    w, request = sent
    aire, _kirk = offered(w, request)
    client = client_for(app, w.broker)
    quote_page = page_text(client.get(f"/quotes/{aire.id}"))
    assert (
        "Decline: turn down Aire Valley Home Care's price of £21.50 an hour. You cannot accept "
        "it later. Withdraw: you no longer want a quote from Aire Valley Home Care, whatever "
        "their price." in quote_page
    )
    for action, said in (
        ("decline", "Turn down Aire Valley Home Care's price of £21.50 an hour."),
        ("withdraw", "You no longer want a quote from Aire Valley Home Care, whatever their"),
    ):
        response = client.get(f"/quotes/{aire.id}/{action}")
        words = page_text(response)
        assert said in words, action
        assert "The other providers you asked are not affected." in words
        assert "This cannot be undone." in words
        page = text(response)
        assert f'<a class="govuk-link" href="/quotes/{aire.id}">Cancel</a>' in page, action
        # Only declining points to the counter-offer instead.
        assert (f'href="/quotes/{aire.id}/counter"' in page) is (action == "decline")


def test_the_provider_reads_what_declining_and_withdrawing_mean(app, sent):
    w, request = sent
    aire = request.quotes[0]
    client = client_for(app, w.aire_staff)
    words = page_text(client.get(f"/quotes/{aire.id}"))
    assert (
        "Decline to quote: you cannot do this. Say why, so they can look elsewhere. "
        "Withdraw: step out of this request without quoting." in words
    )
    answers.offer_quote(db.session, w.aire_staff, aire.id, terms())
    answers.counter_quote(db.session, w.broker, aire.id, 2000)
    words = page_text(client.get(f"/quotes/{aire.id}"))
    assert (
        "Decline the counter-offer: keep your price of £21.50 an hour. They can still accept "
        "it. Withdraw: take back your quote of £21.50 an hour. They can no longer accept it."
        in words
    )
    withdraw = client.get(f"/quotes/{aire.id}/withdraw")
    assert "Take back your quote of £21.50 an hour" in page_text(withdraw)
    assert f'<a class="govuk-link" href="/quotes/{aire.id}">Cancel</a>' in text(withdraw)


@pytest.mark.parametrize(
    ("closer", "action", "holders_reads", "providers_reads"),
    [
        ("aire_staff", "decline", "They declined to quote", "You declined to quote"),
        ("broker", "decline", "You declined", "They declined"),
        ("holder", "withdraw", "You withdrew", "They withdrew"),
        ("aire_staff", "withdraw", "They withdrew", "You withdrew"),
    ],
)
def test_a_closed_quotes_tag_says_which_side_closed_it(
    app, sent, closer, action, holders_reads, providers_reads
):
    w, request = sent
    aire = request.quotes[0]
    if closer != "aire_staff" or action == "withdraw":
        answers.offer_quote(db.session, w.aire_staff, aire.id, terms())
    call = answers.decline_quote if action == "decline" else answers.withdraw_quote
    call(db.session, getattr(w, closer), aire.id, "Not now.")

    def tag(page: str) -> str:
        found = re.search(
            r'<strong class="govuk-tag govuk-tag--(?:red|grey)">([^<]*)</strong>', page
        )
        assert found, page[:500]
        return found.group(1)

    representative = text(client_for(app, w.representative).get(f"/quotes/{aire.id}"))
    assert tag(representative.split('id="status"')[1]) == holders_reads
    staff = client_for(app, w.aire_staff)
    assert tag(text(staff.get(f"/quotes/{aire.id}")).split('id="status"')[1]) == providers_reads
    listed = text(staff.get("/quotes")).split(f'id="quote-{aire.id}"')[1]
    assert tag(listed) == providers_reads


def test_an_over_long_reason_is_refused(app, sent):
    w, request = sent
    aire = request.quotes[0]
    before = written()
    refused = client_for(app, w.broker).post(
        f"/quotes/{aire.id}/withdraw", data={"reason": "x" * 1001}
    )
    assert "The reason must be 1,000 characters or fewer" in invalid(refused)
    assert written() == before


# --- accepting ------------------------------------------------------------------------------------------


def test_the_accept_page_says_the_line_will_take_the_price_and_the_others_are_not_chosen(app, sent):
    w, request = sent
    aire, _kirk = offered(w, request)
    client = client_for(app, w.broker)
    response = client.get(f"/quotes/{aire.id}/accept")
    words = page_text(response)
    assert "Accept the quote from Aire Valley Home Care?" in words
    assert (
        "The line “Help getting up each morning” in the draft plan will cost £21.50 an hour "
        "(£215.00 a week), from Aire Valley Home Care." in words
    )
    assert "The other quotes become “not chosen”: Kirkstall Care and Joanne W. are told." in words
    assert written()["lines"] == [(w.line.id, 2000, False)]  # the page changes nothing
    done = client.post(f"/quotes/{aire.id}/accept")
    said = _flash(client, done)
    assert (
        "You accepted the quote from Aire Valley Home Care: £21.50 an hour. The line “Help "
        "getting up each morning” in the draft plan now costs £215.00 a week. We have told "
        "Kirkstall Care and Joanne W. that their quote was not chosen." in said
    )
    assert [_status(q.id) for q in request.quotes] == ["accepted", "not_chosen", "not_chosen"]
    line = db.session.get(PlanLine, w.line.id)
    assert (line.unit_price_pence, line.price_agreed, line.offer_id) == (
        2150,
        True,
        w.aire_offer.id,
    )


def test_a_request_without_a_line_adds_one_to_the_draft_plan(app, session):
    w, request = sent_request(line_id=None)
    aire, _kirk = offered(w, request)
    client = client_for(app, w.broker)
    words = page_text(client.get(f"/quotes/{aire.id}/accept"))
    assert (
        "A new line “Help getting up each morning” is added to the draft plan at £21.50 an hour "
        "(£215.00 a week), from Aire Valley Home Care." in words
    )
    said = _flash(client, client.post(f"/quotes/{aire.id}/accept"))
    assert "now costs £215.00 a week" in said
    db.session.expire_all()
    assert len(db.session.get(SupportPlan, w.plan.id).lines) == 2


def test_with_no_plan_the_price_is_kept_on_the_quote(app, session):
    w, _request = sent_request()
    request = create_request(
        db.session,
        w.other_holder,
        request_input(w, holder_id=w.other_holder.id, line_id=None, offer_ids=[w.aire_offer.id]),
    )
    aire = request.quotes[0]
    answers.offer_quote(db.session, w.aire_staff, aire.id, terms())
    client = client_for(app, w.other_holder)
    words = page_text(client.get(f"/quotes/{aire.id}/accept"))
    assert "There is no draft plan, so the agreed price (£21.50 an hour, £215.00 a week)" in words
    said = _flash(client, client.post(f"/quotes/{aire.id}/accept"))
    assert "There is no draft plan, so the agreed price is kept on this quote." in said
    assert _status(aire.id) == "accepted"


def test_a_plan_sent_to_the_council_meanwhile_refuses_the_acceptance(app, sent):
    w, request = sent
    aire, _kirk = offered(w, request)
    plan = db.session.get(SupportPlan, w.plan.id)
    plan.status, plan.submitted_at, plan.council_id = "submitted", utcnow(), w.council.id
    db.session.commit()
    client = client_for(app, w.broker)
    words = page_text(client.get(f"/quotes/{aire.id}/accept"))
    assert "The support plan this request was for is waiting for the council now" in words
    before = written()
    said = _flash(client, client.post(f"/quotes/{aire.id}/accept"))
    assert "This plan is submitted" in said
    assert written() == before


def test_a_line_the_plans_rules_refuse_is_named_and_nothing_is_accepted(app, session):
    w, request = sent_request(line_id=None, offer_ids=[], with_pa=True)
    pa_quote = request.quotes[0]
    answers.offer_quote(db.session, w.pa_user, pa_quote.id, terms(unit_price_pence=1700))
    record = db.session.get(HolderRecord, w.holder.id)
    record.required_checks = ["enhanced_dbs", "driving_licence"]
    db.session.commit()
    before = written()
    response = client_for(app, w.broker).post(f"/quotes/{pa_quote.id}/accept")
    words = invalid(response)
    assert "driving licence" in words.lower()
    assert 'href="#what-happens"' in text(response)
    assert written() == before


# --- moves not (or no longer) allowed ---------------------------------------------------------------


def test_a_move_the_state_no_longer_allows_goes_back_to_the_quote_saying_why(app, sent):
    w, request = sent
    aire = request.quotes[0]
    client = client_for(app, w.broker)
    response = client.get(f"/quotes/{aire.id}/accept")
    assert response.headers["Location"].endswith(f"/quotes/{aire.id}")
    assert (
        "This quote is still requested (no price has been given yet), so it cannot be accepted."
        in _flash(client, response)
    )
    # The provider withdraws while the holder's side has the accept page open.
    answers.offer_quote(db.session, w.aire_staff, aire.id, terms())
    assert client.get(f"/quotes/{aire.id}/accept").status_code == 200
    answers.withdraw_quote(db.session, w.aire_staff, aire.id, "Fully booked now.")
    before = written()
    said = _flash(client, client.post(f"/quotes/{aire.id}/accept"))
    assert "This quote is withdrawn, so it cannot be accepted." in said
    assert written() == before
    said = _flash(
        client, client.post(f"/quotes/{aire.id}/counter", data={"counter_price_pence": "5"})
    )
    assert "This quote is withdrawn" in said
    assert written() == before


def test_accepting_a_second_quote_of_a_decided_request_is_refused(app, sent):
    w, request = sent
    aire, kirk = offered(w, request)
    client = client_for(app, w.broker)
    client.get(f"/quotes/{kirk.id}/accept")
    answers.accept_quote(db.session, w.holder, aire.id)
    before = written()
    said = _flash(client, client.post(f"/quotes/{kirk.id}/accept"))
    assert "cannot be accepted" in said
    assert written() == before


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("aire_staff", "accept"),
        ("aire_staff", "counter"),
        ("broker", "offer"),
        ("holder", "offer"),
    ],
)
def test_the_other_sides_move_is_forbidden(app, sent, who, action):
    w, request = sent
    aire, _kirk = offered(w, request)
    if action == "offer":  # a counter-offer puts the move back with the provider
        answers.counter_quote(db.session, w.broker, aire.id, 2000)
    client = client_for(app, getattr(w, who))
    assert client.get(f"/quotes/{aire.id}/{action}").status_code == 403
    before = written()
    assert client.post(f"/quotes/{aire.id}/{action}", data=offer_form()).status_code == 403
    assert written() == before


@pytest.mark.parametrize("who", ["kirk_staff", "stranger_broker", "officer", "other_holder"])
@pytest.mark.parametrize("action", ["offer", "counter", "decline", "withdraw", "accept"])
def test_someone_elses_quote_is_not_found_for_every_move(app, sent, who, action):
    w, request = sent
    aire, _kirk = offered(w, request)
    client = client_for(app, getattr(w, who))
    before = written()
    assert client.get(f"/quotes/{aire.id}/{action}").status_code == 404
    response = client.post(f"/quotes/{aire.id}/{action}", data={"reason": "x", **offer_form()})
    assert response.status_code == 404
    assert written() == before


def test_every_move_form_carries_a_csrf_token_and_is_refused_without_one(app, sent):
    w, request = sent
    aire, _kirk = offered(w, request)
    broker, staff = client_for(app, w.broker), client_for(app, w.aire_staff)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for client, action in (
            (broker, "accept"),
            (broker, "counter"),
            (broker, "decline"),
            (broker, "withdraw"),
            (staff, "offer"),
        ):
            page = text(client.get(f"/quotes/{aire.id}/{action}"))
            forms = re.findall(r'<form[^>]*method="post".*?</form>', page, flags=re.S)
            assert forms and all('name="csrf_token"' in form for form in forms), action
        before = written()
        for client, action, data in (
            (broker, "accept", {}),
            (broker, "counter", {"counter_price_pence": "20"}),
            (broker, "withdraw", {"reason": ""}),
            (staff, "offer", offer_form()),
        ):
            assert client.post(f"/quotes/{aire.id}/{action}", data=data).status_code == 400
        assert written() == before
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --- seeing a quote -------------------------------------------------------------------------------


def test_opening_a_quote_marks_its_notifications_read_and_no_others(app, sent):
    w, request = sent
    aire, kirk = offered(w, request)
    answers.write_about_quote(db.session, w.broker, aire.id, "Could the first visit be a Monday?")
    db.session.commit()

    def unread(user) -> set[str]:
        db.session.expire_all()
        return {
            n.link
            for n in db.session.scalars(
                select(Notification).where(
                    Notification.user_id == user.id, Notification.read_at.is_(None)
                )
            )
        }

    # Ada's side was told of both quotes and (Ada, not the broker who wrote it) of the broker's
    # message; Aire of the request and of the message (which links to the quote's thread, shown
    # on the quote's page).
    thread = f"/messages/{db.session.get(Quote, aire.id).thread_id}"
    assert unread(w.holder) == {f"/quotes/{aire.id}", f"/quotes/{kirk.id}", thread}
    assert unread(w.aire_staff) == {f"/quotes/{aire.id}", thread}
    client_for(app, w.holder).get(f"/quotes/{aire.id}")
    assert unread(w.holder) == {f"/quotes/{kirk.id}"}
    client_for(app, w.aire_staff).get(f"/quotes/{aire.id}")
    assert unread(w.aire_staff) == set()
    assert unread(w.broker)  # the broker has not looked yet: theirs stay unread
