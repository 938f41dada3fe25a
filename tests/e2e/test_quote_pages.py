"""Issue 8's journey in a browser, on every quote page of both sides: a broker asks two
providers from the shortlist (choosing whom it is for first), both quote (one refused first for a
bad price), the broker compares the answers — also on a 390 px wide phone, where the comparison
must fit without scrolling sideways — makes a counter-offer, the provider quotes again, the
broker counters once more and the provider declines that counter-offer, keeping its price, and
the broker accepts that price; the plan's line then shows the agreed price. axe-core runs on every page, the
refused forms included, and must find nothing.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from marketplace.directory.models import ShortlistItem
from marketplace.extensions import db
from marketplace.plans.models import PlanLine
from tests.e2e.conftest import assert_accessible, visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import link_broker, make_holder
from tests.quotes.world import make_quote_world

pytestmark = pytest.mark.e2e


def _world() -> dict[str, object]:
    w = make_quote_world()
    for offer in (w.aire_offer, w.kirk_offer):
        db.session.add(ShortlistItem(user_id=w.broker.id, offer_id=offer.id))
    db.session.commit()
    # A second person the broker plans for: the broker chooses whom the quotes are for.
    link_broker(make_holder(w.council, name="Bob Second"), w.broker)
    return {
        "broker": w.broker.email,
        "aire": w.aire_staff.email,
        "kirk": w.kirk_staff.email,
        "pa": w.pa_user.email,
        "plan": w.plan.id,
        "line": w.line.id,
    }


def _person(browser, live_server, email):
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    browser_sign_in(page, email)
    return context, page


def _fits_the_screen(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def _quote(page, price: str) -> None:
    """The provider's quote form, filled with ``price`` (the rest as the form starts)."""
    page.fill("#unit_price_pence", price)
    page.get_by_role("button", name="Send the quote").click()


def test_ask_compare_negotiate_and_accept_on_every_quote_page(app, browser, live_server):
    with app.app_context():
        world = _world()
    contexts = []
    try:
        broker_context, broker = _person(browser, live_server, world["broker"])
        aire_context, aire = _person(browser, live_server, world["aire"])
        kirk_context, kirk = _person(browser, live_server, world["kirk"])
        pa_context, pa = _person(browser, live_server, world["pa"])
        contexts = [broker_context, aire_context, kirk_context, pa_context]

        # Nothing asked yet, on either side.
        visit(broker, "/quotes")
        expect(broker.locator("main")).to_contain_text("not asked for any quotes yet")
        visit(pa, "/quotes")
        expect(pa.locator("main")).to_contain_text("Nothing is waiting for your answer.")

        # The broker picks both services on the shortlist, then whom they are for.
        visit(broker, "/shortlist")
        broker.get_by_label("Ask Home care visits for a quote").check()
        broker.get_by_label("Ask Morning support at home for a quote").check()
        broker.get_by_role("button", name="Ask the selected for quotes").click()
        visit(broker)
        expect(broker.locator("h1")).to_have_text("Who are the quotes for?")
        broker.get_by_label("Ada Holder").check()
        broker.get_by_role("button", name="Continue").click()
        visit(broker)
        expect(broker.locator("h1")).to_have_text("Ask for quotes")
        expect(broker.get_by_label(re.compile("Aire Valley Home Care"))).to_be_checked()
        expect(broker.get_by_label(re.compile("Kirkstall Care"))).to_be_checked()

        # Sent without a start date first: refused, the field named.
        broker.fill("#description", "Help getting up each morning")
        broker.fill("#quantity_hundredths", "10")
        for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
            broker.get_by_label(day, exact=True).check()
        broker.get_by_label("Morning", exact=True).check()
        broker.get_by_label("Help getting up each morning", exact=True).check()
        broker.get_by_role("button", name="Send the request").click()
        visit(broker)
        expect(broker.locator(".govuk-error-summary")).to_contain_text(
            "Enter the date you would like it to start"
        )
        start = date.today() + timedelta(days=14)
        broker.fill("#start_on-day", str(start.day))
        broker.fill("#start_on-month", str(start.month))
        broker.fill("#start_on-year", str(start.year))
        broker.get_by_role("button", name="Send the request").click()
        visit(broker)
        expect(broker.locator(".govuk-notification-banner")).to_contain_text(
            "Asked 2 providers for quotes"
        )
        comparison = broker.url

        # Each provider finds it waiting and quotes; Kirkstall's first price is refused.
        visit(aire, "/quotes")
        aire.get_by_role("link", name="Help getting up each morning").click()
        visit(aire)
        aire.get_by_role("button", name=re.compile("^Send a quote")).click()
        visit(aire)
        _quote(aire, "23")
        visit(aire)
        expect(aire.locator(".govuk-notification-banner")).to_contain_text("Your quote of £23.00")
        visit(kirk, "/quotes")
        kirk.get_by_role("link", name="Help getting up each morning").click()
        kirk.get_by_role("button", name=re.compile("^Send a quote")).click()
        _quote(kirk, "0")
        visit(kirk)
        expect(kirk.locator(".govuk-error-summary")).to_contain_text("must be more than £0")
        _quote(kirk, "24")
        visit(kirk)

        # The broker compares the answers, wide and on a phone.
        visit(broker, comparison)
        expect(broker.locator("#comparison")).to_contain_text("£11,960.00 a year")
        expect(broker.locator("#comparison")).to_contain_text("Cheapest")
        broker.set_viewport_size({"width": 390, "height": 844})
        visit(broker, comparison)
        _fits_the_screen(broker)
        expect(broker.locator("#comparison")).to_be_visible()
        broker.set_viewport_size({"width": 1280, "height": 900})

        # A look at the moves on Kirkstall's quote without making them.
        visit(broker, comparison)
        kirk_card = broker.locator(".govuk-summary-card", has_text="Kirkstall Care")
        kirk_card.get_by_role("button", name=re.compile("^Decline")).click()
        visit(broker)
        broker.go_back()
        kirk_card.get_by_role("button", name=re.compile("^Withdraw")).click()
        visit(broker)

        # A counter-offer to Aire, and a message.
        visit(broker, comparison)
        aire_card = broker.locator(".govuk-summary-card", has_text="Aire Valley Home Care")
        aire_card.get_by_role("button", name=re.compile("^Counter-offer")).click()
        visit(broker)
        broker.fill("#counter_price_pence", "21")
        broker.fill("#note", "This is what the direct payment allows.")
        broker.get_by_role("button", name="Send the counter-offer").click()
        visit(broker)
        broker.fill("#body", "Could the first visit be a Monday?")
        broker.get_by_role("button", name="Send message").click()
        visit(broker)
        expect(broker.locator("main")).to_contain_text("Your message is sent.")

        # Aire answers the counter-offer with a new price, and looks at its other moves.
        visit(aire, "/quotes")
        aire.get_by_role("link", name="Help getting up each morning").click()
        visit(aire)
        expect(aire.locator("#status")).to_contain_text("Counter-offer to answer")
        expect(aire.locator("main")).to_contain_text("Could the first visit be a Monday?")
        quote_url = aire.url
        for move in ("Decline the counter-offer", "Withdraw"):
            aire.get_by_role("button", name=re.compile(f"^{move}")).click()
            visit(aire)
            aire.goto(quote_url)
        aire.get_by_role("button", name=re.compile("^Answer with a new price")).click()
        visit(aire)
        expect(aire.locator("#unit_price_pence")).to_have_value("21.00")
        _quote(aire, "21.50")
        visit(aire)

        # The broker tries £21 again; Aire declines the counter-offer, keeping its £21.50.
        visit(broker, comparison)
        aire_card = broker.locator(".govuk-summary-card", has_text="Aire Valley Home Care")
        aire_card.get_by_role("button", name=re.compile("^Counter-offer")).click()
        visit(broker)
        expect(broker.locator("#what-happens")).to_contain_text(
            "keep their price of £21.50 an hour: you can then still accept it"
        )
        broker.fill("#counter_price_pence", "21")
        broker.get_by_role("button", name="Send the counter-offer").click()
        visit(broker)
        visit(aire, quote_url)
        expect(aire.locator("#what-moves-mean")).to_contain_text(
            "keep your price of £21.50 an hour. They can still accept it."
        )
        aire.get_by_role("button", name=re.compile("^Decline the counter-offer")).click()
        visit(aire)
        expect(aire.locator("#what-happens")).to_contain_text("Your quote stays at £21.50 an hour")
        aire.get_by_role("button", name="Decline the counter-offer").click()
        visit(aire)  # refused: a reason is needed
        expect(aire.locator(".govuk-error-summary")).to_contain_text(
            "Say why you are keeping your price"
        )
        aire.fill("#reason", "£21.50 is our rate for early mornings.")
        aire.get_by_role("button", name="Decline the counter-offer").click()
        visit(aire)
        expect(aire.locator(".govuk-notification-banner")).to_contain_text(
            "You declined the counter-offer and kept your price of £21.50 an hour."
        )
        expect(aire.locator("#status")).to_contain_text("Quote sent")

        # The broker accepts Aire's quote, after reading what that does.
        visit(broker, comparison)
        aire_card = broker.locator(".govuk-summary-card", has_text="Aire Valley Home Care")
        aire_card.get_by_role("button", name=re.compile("^Accept")).click()
        visit(broker)
        expect(broker.locator("#what-happens")).to_contain_text(
            "will cost £21.50 an hour (£215.00 a week)"
        )
        expect(broker.locator("#what-happens")).to_contain_text("Kirkstall Care is told")
        broker.get_by_role("button", name="Accept the quote").click()
        visit(broker)
        expect(broker.locator(".govuk-notification-banner")).to_contain_text(
            "You accepted the quote from Aire Valley Home Care"
        )
        visit(broker, "/quotes")
        expect(broker.locator("main")).to_contain_text("2 of 2 answered")

        # The plan's line has the agreed price; Kirkstall reads its quote as not chosen.
        visit(broker, f"/plans/{world['plan']}")
        expect(broker.locator(f"#line-{world['line']}")).to_contain_text("Agreed price")
        visit(broker, f"/plans/{world['plan']}/build")
        expect(broker.locator(f"#line-{world['line']}")).to_contain_text("Agreed price")
        visit(kirk, "/quotes")
        expect(kirk.locator("main")).to_contain_text("Not chosen")
        kirk.get_by_role("link", name="Help getting up each morning").click()
        visit(kirk)
        assert_accessible(kirk)
    finally:
        for context in contexts:
            context.close()
    with app.app_context():
        line = db.session.get(PlanLine, world["line"])
        assert (line.unit_price_pence, line.price_agreed) == (2150, True)
