"""The issue's search journey in a browser: search, filter, follow "Did you mean", open a result
and shortlist it. axe-core runs on every page visited and must report 0 violations.
"""

from __future__ import annotations

import pytest

from marketplace.permissions import Role
from tests.e2e.conftest import visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import make_user
from tests.search.web_data import add_misspelt_listing, build_directory

pytestmark = pytest.mark.e2e


def test_holder_searches_filters_follows_did_you_mean_and_shortlists(app, page):
    with app.app_context():
        directory = build_directory()
        add_misspelt_listing()
        holder = make_user(Role.HOLDER)
        holder_email, offer_id = holder.email, directory.garden_offer.id

    # Anyone can search from the home page.
    visit(page, "/")
    page.fill("#q", "garden")
    page.get_by_role("button", name="Search", exact=True).click()
    visit(page)
    assert "/search?q=garden" in page.url
    results = page.locator("#results")
    assert "2 results" in results.inner_text()

    # A filter narrows the results; its count was shown beside it.
    page.get_by_label("Service (1)").check()
    page.get_by_role("button", name="Apply filters").click()
    visit(page)
    assert "1 result" in results.inner_text()
    assert "Green Fingers Leeds" not in results.get_by_role("heading").all_inner_texts()

    # A rare misspelling offers the better spelling, keeping the other parameters.
    browser_sign_in(page, holder_email)
    page.goto("/search")
    page.fill("#q", "gardning")
    page.fill("#postcode", "LS6 2AB")
    page.get_by_role("button", name="Search", exact=True).click()
    visit(page)
    assert "Allotment mornings" in results.inner_text()
    page.get_by_role("link", name="gardening", exact=True).click()
    visit(page)
    assert "postcode=LS6" in page.url and "q=gardening" in page.url
    assert "Garden tidy-ups" in results.inner_text()

    # Open the result, come back, and shortlist it from the results.
    page.get_by_role("link", name="Garden tidy-ups").click()
    visit(page)
    assert page.url.endswith(f"/offers/{offer_id}")
    page.go_back()
    page.get_by_role("button", name="Shortlist Garden tidy-ups").click()
    visit(page)
    assert "/search?" in page.url and "q=gardening" in page.url
    assert "Added to your shortlist." in page.inner_text("main")

    visit(page, "/shortlist")
    assert "Garden tidy-ups" in page.inner_text("main")


def test_search_with_no_results_and_with_errors_is_accessible(app, page):
    with app.app_context():
        build_directory()
    visit(page, "/search?q=garden&delivery=online")
    assert "Search without" in page.inner_text("#results")
    page.goto("/search?postcode=ZZ99+9ZZ&radius_km=500")
    visit(page)
    summary = page.locator(".govuk-error-summary")
    assert "postcode district ZZ99" in summary.inner_text()
    assert summary.get_by_role("link").first.get_attribute("href") == "#postcode"
