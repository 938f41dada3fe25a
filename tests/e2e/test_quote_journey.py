"""Issue 8's journey as the issue tells it, from a plan line: a broker asks two providers for
quotes in one request (from the line's "Get quotes"), both answer — Kirkstall only after the
broker's counter-offer — the broker compares the answers, accepts Kirkstall's, and the plan's
line shows the agreed price; Aire Valley is told it was not chosen. Each person has their own
browser; axe-core runs on every page and must find nothing.

tests/e2e/test_quote_pages.py walks every quote page and move from the shortlist; this one keeps
to the shortest path a broker takes from a plan.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from marketplace.directory.models import ShortlistItem
from marketplace.extensions import db
from marketplace.plans.models import PlanLine
from marketplace.quotes.models import Quote
from tests.e2e.conftest import visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.quotes.world import make_quote_world

pytestmark = pytest.mark.e2e


def _world() -> dict[str, object]:
    w = make_quote_world()
    for offer in (w.aire_offer, w.kirk_offer):
        db.session.add(ShortlistItem(user_id=w.broker.id, offer_id=offer.id))
    db.session.commit()
    return {
        "broker": w.broker.email,
        "aire": w.aire_staff.email,
        "kirk": w.kirk_staff.email,
        "plan": w.plan.id,
        "line": w.line.id,
    }


def _open_the_request(page) -> None:
    """A provider, told in the nav that something is new, opens the request waiting for them."""
    visit(page, "/quotes")
    expect(page.get_by_role("link", name=re.compile(r"^Notifications \(\d+\)"))).to_be_visible()
    page.get_by_role("link", name="Help getting up each morning").click()
    visit(page)


def _send_quote(page, price: str) -> None:
    page.fill("#unit_price_pence", price)
    page.get_by_role("button", name="Send the quote").click()
    visit(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Your quote of £{price}")


def _card(page, provider: str):
    return page.locator(".govuk-summary-card", has_text=provider)


def test_broker_asks_two_providers_counters_one_compares_and_accepts(app, browser, live_server):
    with app.app_context():
        world = _world()
    contexts = [browser.new_context(base_url=live_server, bypass_csp=True) for _ in range(3)]
    try:
        broker, aire, kirk = (context.new_page() for context in contexts)
        for page, who in ((broker, "broker"), (aire, "aire"), (kirk, "kirk")):
            page.set_default_timeout(15_000)
            browser_sign_in(page, str(world[who]))

        # From the plan's line: one request to both providers on the broker's shortlist, the
        # form already holding what the line says (what, how often, when, which stream).
        visit(broker, f"/plans/{world['plan']}")
        broker.get_by_role("link", name="Get quotes for Help getting up each morning").click()
        visit(broker)
        expect(broker.locator("#description")).to_have_value("Help getting up each morning")
        expect(broker.locator("#quantity_hundredths")).to_have_value("10")
        expect(broker.get_by_label("Monday", exact=True)).to_be_checked()
        broker.get_by_label(re.compile("Aire Valley Home Care")).check()
        broker.get_by_label(re.compile("Kirkstall Care")).check()
        broker.get_by_role("button", name="Send the request").click()
        visit(broker)
        expect(broker.locator(".govuk-notification-banner")).to_contain_text(
            "Asked 2 providers for quotes"
        )
        comparison = broker.url

        # Both answer: Aire at £22.00 an hour, Kirkstall at £24.00.
        _open_the_request(aire)
        aire.get_by_role("button", name=re.compile("^Send a quote")).click()
        visit(aire)
        _send_quote(aire, "22.00")
        _open_the_request(kirk)
        kirk.get_by_role("button", name=re.compile("^Send a quote")).click()
        visit(kirk)
        _send_quote(kirk, "24.00")

        # The broker compares them side by side: Aire is the cheaper on the line's 10 hours a week.
        visit(broker, comparison)
        table = broker.locator("#comparison")
        expect(table).to_contain_text("£220.00 a week")
        expect(table).to_contain_text("£240.00 a week")
        expect(_card(broker, "Aire Valley Home Care")).to_contain_text("Cheapest")

        # A counter-offer to Kirkstall, which answers it with £21.75.
        _card(broker, "Kirkstall Care").get_by_role(
            "button", name=re.compile("^Counter-offer")
        ).click()
        visit(broker)
        broker.fill("#counter_price_pence", "21.50")
        broker.fill("#note", "Ada knows your carers; could you come closer to this?")
        broker.get_by_role("button", name="Send the counter-offer").click()
        visit(broker)
        _open_the_request(kirk)
        expect(kirk.locator("#status")).to_contain_text("Counter-offer to answer")
        kirk.get_by_role("button", name=re.compile("^Answer with a new price")).click()
        visit(kirk)
        _send_quote(kirk, "21.75")

        # Compared again, Kirkstall is now the cheaper; the broker accepts its quote.
        visit(broker, comparison)
        expect(broker.locator("#comparison")).to_contain_text("£217.50 a week")
        expect(_card(broker, "Kirkstall Care")).to_contain_text("Cheapest")
        _card(broker, "Kirkstall Care").get_by_role("button", name=re.compile("^Accept")).click()
        visit(broker)
        expect(broker.locator("#what-happens")).to_contain_text("Aire Valley Home Care is told")
        broker.get_by_role("button", name="Accept the quote").click()
        visit(broker)
        expect(broker.locator(".govuk-notification-banner")).to_contain_text(
            "You accepted the quote from Kirkstall Care"
        )

        # The plan's line costs the agreed price; Aire reads its quote as not chosen.
        visit(broker, f"/plans/{world['plan']}")
        line = broker.locator(f"#line-{world['line']}")
        expect(line).to_contain_text("Agreed price")
        expect(line).to_contain_text("Kirkstall Care")
        expect(line).to_contain_text("£217.50")  # 10 hours a week at £21.75
        visit(aire, "/quotes")
        expect(aire.locator("main")).to_contain_text("Not chosen")
        visit(aire, "/notifications")
        expect(aire.locator("main")).to_contain_text("chose another quote")
    finally:
        for context in contexts:
            context.close()
    with app.app_context():
        line = db.session.get(PlanLine, world["line"])
        assert (line.unit_price_pence, line.price_agreed) == (2175, True)
        statuses = sorted(q.status for q in db.session.query(Quote))
        assert statuses == ["accepted", "not_chosen"]
