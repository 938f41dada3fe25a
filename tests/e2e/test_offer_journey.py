"""The issue's journey: a provider creates an offer, an officer approves it, anyone finds it.

axe-core runs on every page the journey visits and must report 0 violations.
"""

from __future__ import annotations

import pytest

from marketplace.permissions import Role
from tests.e2e.conftest import visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import make_council, make_organisation, make_user

pytestmark = pytest.mark.e2e


def test_provider_offer_is_approved_by_an_officer_and_found_when_browsing(app, page):
    with app.app_context():
        leeds = make_council()
        organisation = make_organisation(name="Headingley Garden Friends", kind="community_group")
        provider = make_user(Role.PROVIDER_ADMIN, organisation=organisation)
        officer = make_user(Role.OFFICER, council=leeds)
        provider_email, officer_email, leeds_code = provider.email, officer.email, leeds.code

    # The provider writes the offer and sends it for review.
    browser_sign_in(page, provider_email)
    visit(page, "/your-listings")
    page.get_by_role("link", name="Add an offer").click()
    visit(page)
    page.fill("#title", "Allotment gardening mornings")
    page.fill("#description", "Grow vegetables with neighbours at the Meanwood allotments.")
    page.select_option("#category", "gardening")
    page.fill("#price", "4.50")
    page.select_option("#price_unit", "session")
    page.fill("#direct_percent", "80")
    page.fill("#coordination_percent", "12.5")
    page.fill("#overheads_percent", "7.5")
    page.check("input[name=deployments][value=dp]")
    page.check("input[name=delivery][value=venue]")
    page.fill("#venue_address", "Meanwood Allotments, Green Road, Leeds")
    page.fill("#venue_postcode", "ls6 4ld")
    page.check("input[name=days][value=sat]")
    page.check("input[name=time_bands][value=morning]")
    page.get_by_role("button", name="Save").click()
    visit(page)
    page.get_by_role("button", name="Send for review").first.click()
    visit(page)
    assert "Waiting for review" in page.inner_text("main")

    # Not public yet.
    page.goto(f"/browse?category=gardening&council={leeds_code}")
    assert "Allotment gardening mornings" not in page.inner_text("main")
    page.context.clear_cookies()

    # The officer for Leeds approves it from the moderation queue.
    browser_sign_in(page, officer_email)
    visit(page, "/moderation")
    page.get_by_role("link", name="Allotment gardening mornings").click()
    visit(page)
    page.get_by_role("button", name="Approve and publish").click()
    visit(page)
    page.context.clear_cookies()

    # Anyone browsing gardening in Leeds finds it, with its price and breakdown.
    visit(page, "/browse")
    page.select_option("#category", "gardening")
    page.select_option("#council", leeds_code)
    page.get_by_role("button", name="Apply filters").click()
    visit(page)
    page.get_by_role("link", name="Allotment gardening mornings").click()
    visit(page)
    main = page.inner_text("main")
    assert "£4.50" in main and "80%" in main and "12.5%" in main
    assert "Headingley Garden Friends" in main
