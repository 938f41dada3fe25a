"""Where asking for a quote starts: each paid line of a draft plan (the plan page and the
builder), each match of a need advert, each search result that is a paid service or a PA, and
the shortlist; and the "Agreed price" a line shows once a quote's price is in it."""

from __future__ import annotations

import html
import re

import pytest

from marketplace.clock import utcnow
from marketplace.directory.models import ShortlistItem
from marketplace.extensions import db
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.quotes import answers
from tests.factories import make_need, make_offer
from tests.quotes.pages import client_for, offered, sent_request, text


@pytest.fixture
def world(session):
    w, _request = sent_request()
    # An unpaid line beside the paid one: nothing to ask a price for.
    w.plan.lines.append(
        PlanLine(
            kind="unpaid",
            description="Dad helps with shopping",
            provider_name="Dad",
            frequency="week",
            quantity_hundredths=200,
            unit="hours",
            unit_price_pence=0,
            start_on=w.plan.year_start,
        )
    )
    # And a free group: nothing to ask a price for either.
    w.plan.lines.append(
        PlanLine(
            kind="text",
            description="Thursday craft group (free)",
            provider_name="Meanwood Community Centre",
            frequency="week",
            quantity_hundredths=100,
            unit="sessions",
            unit_price_pence=0,
            start_on=w.plan.year_start,
        )
    )
    db.session.commit()
    w.unpaid, w.free = w.plan.lines[-2], w.plan.lines[-1]
    return w


def _get_quotes(line_id: int) -> str:
    return f'href="/quote-requests/new?line={line_id}"'


@pytest.mark.parametrize("page", ["/plans/{plan}", "/plans/{plan}/build"])
def test_each_paid_line_of_a_draft_plan_offers_get_quotes_and_no_free_one(app, world, page):
    url = page.format(plan=world.plan.id)
    for who in (world.holder, world.representative, world.broker):
        shown = text(client_for(app, who).get(url))
        assert _get_quotes(world.line.id) in shown
        assert _get_quotes(world.unpaid.id) not in shown
        assert _get_quotes(world.free.id) not in shown
        assert 'Get quotes<span class="govuk-visually-hidden"> for Help getting up' in shown
        assert "Agreed price" not in shown


@pytest.mark.parametrize("page", ["/plans/{plan}", "/plans/{plan}/build"])
def test_a_plan_that_is_not_a_draft_offers_no_quotes(app, world, page):
    plan = db.session.get(SupportPlan, world.plan.id)
    plan.status, plan.council_id, plan.submitted_at = "submitted", world.council.id, utcnow()
    db.session.commit()
    shown = text(client_for(app, world.broker).get(page.format(plan=world.plan.id)))
    assert "Get quotes" not in shown


@pytest.mark.parametrize("page", ["/plans/{plan}", "/plans/{plan}/build"])
def test_a_line_priced_by_an_accepted_quote_shows_agreed_price(app, page, session):
    w, request = sent_request()
    aire, _kirk = offered(w, request)
    answers.accept_quote(db.session, w.broker, aire.id)
    shown = text(client_for(app, w.holder).get(page.format(plan=w.plan.id)))
    assert '<strong class="govuk-tag govuk-tag--green">Agreed price</strong>' in shown
    assert shown.count("Agreed price") == 1


def test_each_match_of_an_advert_offers_ask_for_a_quote(app, world):
    need = make_need(world.holder, slots=["mon:morning", "tue:morning"], rate_pence=1700)
    shown = text(client_for(app, world.broker).get(f"/needs/{need.id}"))
    link = f"/quote-requests/new?need={need.id}&amp;pa={world.pa.id}"
    assert link in shown
    assert 'Ask for a quote<span class="govuk-visually-hidden">: Joanne W.</span>' in shown
    # The link opens the form filled in from the advert, the PA chosen.
    form = text(client_for(app, world.broker).get(html.unescape(link)))
    assert f'value="pa:{world.pa.id}"' in form and "Filled in from the advert" in form


def test_search_results_that_are_paid_services_or_pas_offer_ask_for_a_quote(app, world):
    free = make_offer(world.kirk, title="Coffee morning", price_pence=0, price_unit="free")
    shown = text(client_for(app, world.broker).get("/search"))
    asks = re.findall(
        r'<form method="get" action="/quote-requests/new" novalidate>\s*'
        r'<input type="hidden" name="(offer|pa)" value="(\d+)">',
        shown,
    )
    wanted = {("offer", world.aire_offer.id), ("offer", world.kirk_offer.id), ("pa", world.pa.id)}
    assert sorted(asks) == sorted((kind, str(i)) for kind, i in wanted)
    assert f'href="/offers/{free.id}"' in shown  # the free one is found, without the button
    assert 'Ask for a quote<span class="govuk-visually-hidden"> for Home care visits' in shown
    for nobody in (world.aire_staff, world.pa_user):
        assert "/quote-requests/new" not in text(client_for(app, nobody).get("/search"))
    assert "/quote-requests/new" not in text(client_for(app).get("/search"))


def test_the_shortlist_asks_the_selected_for_quotes(app, world):
    free = make_offer(world.kirk, title="Coffee morning", price_pence=0, price_unit="free")
    for item in (
        ShortlistItem(user_id=world.broker.id, offer_id=world.aire_offer.id),
        ShortlistItem(user_id=world.broker.id, offer_id=free.id),
        ShortlistItem(user_id=world.broker.id, pa_profile_id=world.pa.id),
    ):
        db.session.add(item)
    db.session.commit()
    client = client_for(app, world.broker)
    shown = text(client.get("/shortlist"))
    form = re.search(r'<form method="get" action="([^"]+)" id="ask-for-quotes"', shown)
    assert form is not None and form.group(1) == "/quote-requests/new"
    assert re.search(
        rf'name="offer" type="checkbox" value="{world.aire_offer.id}" form="ask-for-quotes"', shown
    )
    assert re.search(
        rf'name="pa" type="checkbox" value="{world.pa.id}" form="ask-for-quotes"', shown
    )
    assert f'value="{free.id}" form="ask-for-quotes"' not in shown
    assert "Ask the selected for quotes" in shown
    # What the browser sends when both are ticked: the form with both chosen.
    chosen = text(client.get(f"/quote-requests/new?offer={world.aire_offer.id}&pa={world.pa.id}"))
    assert re.search(rf'value="offer:{world.aire_offer.id}"\s+checked', chosen)
    assert re.search(rf'value="pa:{world.pa.id}"\s+checked', chosen)
