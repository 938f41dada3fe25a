"""The whole negotiation through the pages only, as the people do it: the broker asks two
providers from the plan's line, both quote, the broker makes a counter-offer, the provider
quotes again, the broker accepts; the plan's line then has the agreed price."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.plans.models import PlanLine
from marketplace.quotes.models import Quote, QuoteEvent, QuoteRequest
from tests.quotes.pages import (
    audit_rows,
    client_for,
    make_quote_world,
    offer_form,
    page_text,
    request_form,
    text,
)


def _link(page: str, pattern: str) -> str:
    found = re.search(pattern, page)
    assert found is not None, pattern
    return found.group(0).replace("&amp;", "&")


def test_ask_two_compare_counter_quote_again_and_accept_puts_the_price_in_the_plan(app, session):
    w = make_quote_world()
    broker = client_for(app, w.broker)
    aire, kirk = client_for(app, w.aire_staff), client_for(app, w.kirk_staff)

    # From the plan's line to the form, which starts from that line.
    plan_page = text(broker.get(f"/plans/{w.plan.id}"))
    form_url = _link(plan_page, rf"/quote-requests/new\?line={w.line.id}")
    assert "Filled in from the line" in page_text(broker.get(form_url))
    sent = broker.post("/quote-requests/new", data=request_form(w))
    comparison_url = sent.headers["Location"]
    request = db.session.scalars(select(QuoteRequest)).one()
    aire_q, kirk_q = request.quotes

    # Each provider finds the request waiting for them and quotes.
    assert f'href="/quotes/{aire_q.id}"' in text(aire.get("/quotes"))
    assert (
        aire.post(f"/quotes/{aire_q.id}/offer", data=offer_form(unit_price_pence="23")).status_code
        == 302
    )
    assert (
        kirk.post(f"/quotes/{kirk_q.id}/offer", data=offer_form(unit_price_pence="24")).status_code
        == 302
    )

    # The broker compares: Aire is cheaper, both over what the direct payment has left.
    compared = page_text(broker.get(comparison_url))
    assert "2 of 2 have quoted" in compared
    assert "£230.00 a week £11,960.00 a year Over budget" in compared
    assert (
        "£2,600.00 more than is left in the direct payment budget for the year (£9,360.00 is left)"
        in compared
    )

    # A counter-offer, and Aire quotes again at a price in between (its form starts at £21).
    assert (
        broker.post(
            f"/quotes/{aire_q.id}/counter",
            data={"counter_price_pence": "21", "note": "Our budget."},
        ).status_code
        == 302
    )
    again = text(aire.get(f"/quotes/{aire_q.id}/offer"))
    assert re.search(r'id="unit_price_pence"[^>]*value="21.00"', again)
    assert (
        aire.post(
            f"/quotes/{aire_q.id}/offer", data=offer_form(unit_price_pence="21.50")
        ).status_code
        == 302
    )

    # The broker accepts Aire's from the comparison; Kirkstall's is not chosen.
    compared = text(broker.get(comparison_url))
    accept_url = _link(compared, rf"/quotes/{aire_q.id}/accept")
    assert "will cost £21.50 an hour (£215.00 a week)" in page_text(broker.get(accept_url))
    done = broker.post(accept_url, follow_redirects=True)
    assert "You accepted the quote from Aire Valley Home Care: £21.50 an hour." in page_text(done)

    db.session.expire_all()
    assert [q.status for q in db.session.get(QuoteRequest, request.id).quotes] == [
        "accepted",
        "not_chosen",
    ]
    line = db.session.get(PlanLine, w.line.id)
    assert (line.unit_price_pence, line.price_agreed, line.offer_id) == (
        2150,
        True,
        w.aire_offer.id,
    )
    moves = [
        (e.from_status, e.to_status, e.price_pence)
        for e in db.session.scalars(
            select(QuoteEvent).where(QuoteEvent.quote_id == aire_q.id).order_by(QuoteEvent.id)
        )
    ]
    assert moves == [
        (None, "requested", None),
        ("requested", "offered", 2300),
        ("offered", "countered", 2100),
        ("countered", "offered", 2150),
        ("offered", "accepted", 2150),
    ]
    assert '<strong class="govuk-tag govuk-tag--green">Agreed price</strong>' in text(
        broker.get(f"/plans/{w.plan.id}")
    )
    # Kirkstall was told, and reads its quote as not chosen.
    told = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == w.kirk_staff.id)
    )
    assert set(told) == {"quote_requested", "quote_not_chosen"}
    assert "Not chosen" in page_text(kirk.get(f"/quotes/{kirk_q.id}"))
    assert db.session.get(Quote, kirk_q.id).status == "not_chosen"
    # Every read of the holder's request by the broker is in the audit log.
    assert audit_rows(db.session, action="read", subject_type="quote_request")
    assert {r.actor_id for r in audit_rows(db.session, subject_type="quote")} == {w.broker.id}
