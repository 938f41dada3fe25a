"""Reading quotes through the pages: the lists of each side, the comparison of a request's
answers, one quote with its history and messages; who may see each (everyone else: 404) and the
audit rows the holder's side leaves."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.messages.models import Message, MessageThread
from marketplace.permissions import Role
from marketplace.quotes import answers
from marketplace.quotes.models import Quote
from marketplace.quotes.presenting import uk_date
from marketplace.quotes.requests import create_request
from tests.factories import make_user
from tests.quotes.pages import (
    audit_rows,
    client_for,
    invalid,
    offered,
    page_text,
    sent_request,
    terms,
    text,
    words_of,
)
from tests.quotes.world import request_input


@pytest.fixture
def sent(session):
    return sent_request(with_pa=True)


def _day(moment) -> str:
    day = uk_date(moment)
    return f"{day.day} {day:%B %Y}"


# --- the lists -------------------------------------------------------------------------------------


def test_the_holders_side_lists_their_requests_newest_first_with_the_answers(app, sent):
    w, first = sent
    answers.offer_quote(db.session, w.aire_staff, first.quotes[0].id, terms())
    second = create_request(
        db.session,
        w.holder,
        request_input(w, description="Shopping on Fridays", offer_ids=[w.kirk_offer.id]),
    )
    for who in (w.holder, w.representative, w.broker):
        response = client_for(app, who).get("/quotes")
        assert response.status_code == 200
        words = page_text(response)
        assert words.index("Shopping on Fridays") < words.index("Help getting up each morning")
        assert "1 of 3 answered None accepted yet" in words and "0 of 1 answered" in words
        assert f'href="/quote-requests/{first.id}"' in text(response)
        assert ("For Ada Holder" in words) is (who is not w.holder)
    nobody = page_text(client_for(app, w.stranger_broker).get("/quotes"))
    assert "Shopping on Fridays" not in nobody and "not asked for any quotes" in nobody
    rows = audit_rows(db.session, action="read", subject_type="quote_requests")
    assert [(r.actor_id, r.holder_id) for r in rows] == [
        (w.holder.id, w.holder.id),
        (w.representative.id, w.holder.id),
        (w.broker.id, w.holder.id),
    ]
    assert second.id > first.id


def test_an_accepted_request_says_whose_quote(app, sent):
    w, request = sent
    aire, _kirk = offered(w, request)
    answers.accept_quote(db.session, w.broker, aire.id)
    words = page_text(client_for(app, w.holder).get("/quotes"))
    assert "Accepted Aire Valley Home Care" in words


def test_providers_and_the_pa_see_the_quotes_they_answer_those_to_answer_first(app, sent):
    w, request = sent
    aire, kirk, pa_quote = request.quotes
    answers.offer_quote(db.session, w.aire_staff, aire.id, terms())
    for who, waiting, done in (
        (w.aire_staff, None, aire),
        (w.kirk_staff, kirk, None),
        (w.pa_user, pa_quote, None),
    ):
        page = text(client_for(app, who).get("/quotes"))
        to_answer, _, others = page.partition('id="others"')
        mine = {q.id for q in (waiting, done) if q is not None}
        for quote in request.quotes:
            shown = f'href="/quotes/{quote.id}"' in page
            assert shown is (quote.id in mine), (who.name, quote.id)
        if waiting is not None:
            assert f'href="/quotes/{waiting.id}"' in to_answer
            assert "Waiting for your quote" in to_answer
            assert f"Answer by {_day(waiting.expires_at)}" in words_of(to_answer)
        if done is not None:
            assert f'href="/quotes/{done.id}"' in others and "Quote sent" in others
            assert "Nothing is waiting for your answer." in to_answer
        assert "LS6" in page and "Ada Holder" in page


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_people_with_no_quotes_get_404_from_the_list(app, sent, role):
    user = make_user(role)
    assert client_for(app, user).get("/quotes").status_code == 404


# --- the comparison --------------------------------------------------------------------------------


def test_the_comparison_costs_each_answer_with_its_terms_and_what_the_stream_can_afford(app, sent):
    w, request = sent
    # Aire at £15: 10 hours a week is £150.00 a week, £7,800.00 a year, within the direct
    # payment's £9,360.00; Kirkstall at £24: £12,480.00 a year, £3,120.00 over.
    aire, kirk = offered(w, request, unit_price_pence=1500)
    response = client_for(app, w.broker).get(f"/quote-requests/{request.id}")
    assert response.status_code == 200
    page = text(response)
    words = page_text(response)
    row = words_of(page.split(f'id="row-{aire.id}"')[1].split("</tr>")[0])
    assert row.startswith("> Aire Valley Home Care Quote received Cheapest")
    assert "£15.00 an hour £150.00 a week £7,800.00 a year Affordable" in row
    kirk_row = words_of(page.split(f'id="row-{kirk.id}"')[1].split("</tr>")[0])
    assert "£24.00 an hour £240.00 a week £12,480.00 a year Over budget" in kirk_row
    assert "Cheapest" not in kirk_row
    pa_row = words_of(page.split(f'id="row-{request.quotes[2].id}"')[1].split("</tr>")[0])
    assert "Waiting for a quote" in pa_row and "Not quoted" in pa_row
    card = words_of(page.split(f'id="quote-{aire.id}"')[1].split('id="quote-')[0])
    for said in (
        "Direct support 77%, coordination 13.5%, overheads 9.5%",
        f"Could start {_day_of(terms().start_on)}",
        "Notice of a cancellation 2 days (48 hours)",
        "A later cancellation Charged 100% of its price",
        "Paid from Direct payment. Affordable: £1,560.00 left for the year after this.",
        "Regulator rating Good (CQC)",
        "Distance under 1 km from LS6",
        f"Answer by {_day(aire.expires_at)}",
    ):
        assert said in card, said
    kirk_card = words_of(page.split(f'id="quote-{kirk.id}"')[1].split('id="quote-')[0])
    assert (
        "Paid from Direct payment. Over budget This would cost £3,120.00 more than is left in "
        "the direct payment budget for the year (£9,360.00 is left)." in kirk_card
    )
    assert "Regulator rating Not regulated" in kirk_card
    assert "Not regulated (personal assistant)" in words
    for action in ("accept", "counter", "decline", "withdraw"):
        assert f'href="/quotes/{aire.id}/{action}"' in page
    pa_quote = request.quotes[2]
    assert f'href="/quotes/{pa_quote.id}/withdraw"' in page
    assert f'href="/quotes/{pa_quote.id}/accept"' not in page
    assert "Sent " in words and "2 of 3 have quoted" in words


def _day_of(day) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.mark.parametrize("who", ["holder", "representative", "broker"])
def test_the_holders_side_reads_the_comparison_and_it_is_audited(app, sent, who):
    w, request = sent
    user = getattr(w, who)
    assert client_for(app, user).get(f"/quote-requests/{request.id}").status_code == 200
    [row] = audit_rows(db.session, action="read", subject_type="quote_request")
    assert (row.actor_id, row.subject_id, row.holder_id) == (user.id, request.id, w.holder.id)


@pytest.mark.parametrize(
    "who", ["aire_staff", "kirk_staff", "pa_user", "stranger_broker", "officer", "other_holder"]
)
def test_the_comparison_is_not_found_for_anyone_else(app, sent, who):
    w, request = sent
    client = client_for(app, getattr(w, who))
    assert client.get(f"/quote-requests/{request.id}").status_code == 404
    assert client_for(app, w.broker).get("/quote-requests/99999").status_code == 404
    assert audit_rows(db.session, action="read", subject_type="quote_request") == []


# --- one quote ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("holder", 200),
        ("representative", 200),
        ("broker", 200),
        ("aire_staff", 200),
        ("kirk_staff", 404),
        ("pa_user", 404),
        ("stranger_broker", 404),
        ("officer", 404),
    ],
)
def test_each_party_sees_the_quote_and_nobody_else(app, sent, who, status):
    w, request = sent
    aire = request.quotes[0]
    client = client_for(app, getattr(w, who))
    assert client.get(f"/quotes/{aire.id}").status_code == status
    rows = audit_rows(db.session, action="read", subject_type="quote")
    # Only the holder's side's reads are care data to record.
    assert len(rows) == (1 if status == 200 and who != "aire_staff" else 0)


def test_the_quote_shows_the_request_terms_counter_offer_expiry_and_history(app, sent):
    w, request = sent
    aire = request.quotes[0]
    answers.offer_quote(db.session, w.aire_staff, aire.id, terms())
    answers.counter_quote(db.session, w.broker, aire.id, 2000, "Could you do £20?")
    quote = db.session.get(Quote, aire.id)
    provider = client_for(app, w.aire_staff).get(f"/quotes/{aire.id}")
    words = page_text(provider)
    assert "Counter-offer to answer" in words
    assert f"Answer by {_day(quote.expires_at)}." in words
    assert "Price offered £20.00 an hour: £200.00 a week (£10,400.00 a year)" in words
    assert "“Could you do £20?”" in words
    assert "Your quote Price £21.50 an hour" in words
    assert "Where LS6 postcode district" in words and "LS6 1AA" not in words
    assert "For Ada Holder" in words and "Direct payment" not in words  # not their business
    history = words.split("History")[1]
    assert "Bea Broker Requested" in history
    assert "Alan Aire Requested → offered, £21.50 an hour “We can start with a visit" in history
    assert "Bea Broker Offered → countered, £20.00 an hour “Could you do £20?”" in history
    page = text(provider)
    for action, shown in (("offer", True), ("decline", True), ("withdraw", True)):
        assert (f'href="/quotes/{aire.id}/{action}"' in page) is shown
    assert f'href="/quotes/{aire.id}/accept"' not in page
    assert "Answer with a new price" in words and "Decline the counter-offer" in words
    requester = page_text(client_for(app, w.holder).get(f"/quotes/{aire.id}"))
    assert f"Aire Valley Home Care has until {_day(quote.expires_at)} to answer" in requester
    assert "Counter-offer sent" in requester
    assert "In the plan The line “Help getting up each morning”" in requester


def test_an_expired_quote_reads_expired_automatically(app, sent):
    w, request = sent
    aire = request.quotes[0]
    db.session.get(Quote, aire.id).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    words = page_text(client_for(app, w.broker).get(f"/quotes/{aire.id}"))
    assert "Expired" in words
    assert "automatically Requested → expired" in words
    assert "Answer by" not in words and "Withdraw" not in words


# --- messages ------------------------------------------------------------------------------------------


def test_a_message_about_a_quote_reaches_the_other_side(app, sent):
    w, request = sent
    aire = request.quotes[0]
    response = client_for(app, w.broker).post(
        f"/quotes/{aire.id}/messages", data={"body": "Can you do Mondays?"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/quotes/{aire.id}#messages")
    thread = db.session.scalars(select(MessageThread)).one()
    assert thread.topic_key == f"quote:{aire.id}"
    words = page_text(client_for(app, w.aire_staff).get(f"/quotes/{aire.id}"))
    assert "Bea Broker wrote on" in words and "Can you do Mondays?" in words
    reply = client_for(app, w.aire_staff).post(
        f"/quotes/{aire.id}/messages", data={"body": "Yes, from 8am."}, follow_redirects=True
    )
    assert "Your message is sent." in page_text(reply)
    assert db.session.scalars(select(Message).order_by(Message.id)).all()[-1].body == (
        "Yes, from 8am."
    )


def test_an_empty_message_is_refused_and_nothing_is_written(app, sent):
    w, request = sent
    aire = request.quotes[0]
    response = client_for(app, w.broker).post(f"/quotes/{aire.id}/messages", data={"body": " "})
    assert "Enter a message" in invalid(response)
    assert 'href="#body"' in text(response)
    assert db.session.scalars(select(MessageThread)).all() == []


def test_someone_else_cannot_write_about_the_quote(app, sent):
    w, request = sent
    aire = request.quotes[0]
    for who in (w.kirk_staff, w.stranger_broker, w.officer):
        response = client_for(app, who).post(f"/quotes/{aire.id}/messages", data={"body": "Hi"})
        assert response.status_code == 404
    assert db.session.scalars(select(MessageThread)).all() == []


def test_a_message_without_a_csrf_token_is_refused(app, sent):
    w, request = sent
    aire = request.quotes[0]
    client = client_for(app, w.broker)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = text(client.get(f"/quotes/{aire.id}"))
        forms = re.findall(r'<form[^>]*method="post".*?</form>', page, flags=re.S)
        assert forms and all('name="csrf_token"' in form for form in forms)
        refused = client.post(f"/quotes/{aire.id}/messages", data={"body": "Hello"})
        assert refused.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.scalars(select(MessageThread)).all() == []
