"""Owners' pages in a real browser: each passes axe-core, with and without errors shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.permissions import Role
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import assert_accessible, visit
from tests.factories import make_council, make_offer, make_organisation, make_pa, make_user

pytestmark = pytest.mark.e2e


def browser_sign_in(page, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_provider_pages_pass_axe(app, page):
    with app.app_context():
        make_council()
        organisation = make_organisation(regulator="cqc", regulator_id="1-1", rating="good")
        admin = make_user(Role.PROVIDER_ADMIN, organisation=organisation)
        offer = make_offer(organisation)
        draft = make_offer(organisation, status="draft", title="Draft offer")
        email, offer_id, draft_id = admin.email, offer.id, draft.id
    browser_sign_in(page, email)
    for path in (
        "/your-listings",
        "/your-listings/offers/new",
        f"/your-listings/offers/{offer_id}",
        f"/your-listings/offers/{draft_id}",
        "/your-listings/organisation",
        f"/listings/offer/{offer_id}/history",
    ):
        visit(page, path)

    # Errors: the summary and the field messages are accessible too.
    page.goto("/your-listings/offers/new")
    page.fill("#title", "Gardening")
    page.fill("#price", "-5")
    page.fill("#direct_percent", "50")
    page.get_by_role("button", name="Save").click()
    assert "There is a problem" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)

    page.goto("/your-listings/organisation")
    page.fill("#base_postcode", "ZZ99 9ZZ")
    page.get_by_role("button", name="Send changes for review").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_pa_pages_pass_axe(app, page):
    with app.app_context():
        pa = make_user(Role.PA)
        make_pa(pa, status="draft")
        email = pa.email
    browser_sign_in(page, email)
    for path in ("/your-listings", "/your-listings/profile", "/your-listings/profile/checks"):
        visit(page, path)

    page.goto("/your-listings/profile")
    page.fill("#hourly_rate", "abc")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.goto("/your-listings/profile/checks")
    page.fill("#issued_on-day", "31")
    page.fill("#issued_on-month", "2")
    page.fill("#issued_on-year", "2024")
    page.get_by_role("button", name="Add check or document").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
