"""Reviews in a browser: the holder writes a review of Aire (refused first for a missing rating),
Aire's staff member follows the notification to the same page and writes theirs, and both
reviews can be read; then a visitor finds the review on Aire's profile and its rating in the
search results. axe-core runs on every page, the refused form included, and must find nothing.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.reviews.world import delivered, make_booking_world

pytestmark = pytest.mark.e2e


def _person(browser, live_server, email):
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if email:
        browser_sign_in(page, email)
    return context, page


def test_both_sides_review_and_the_public_reads_the_holders_review(app, browser, live_server):
    with app.app_context():
        w = make_booking_world()
        booking = delivered(w)
        holder_email, staff_email = w.holder.email, w.aire_staff.email
        aire_id, booking_id = w.aire.id, booking.id
    contexts = []
    try:
        holder_context, holder = _person(browser, live_server, holder_email)
        staff_context, staff = _person(browser, live_server, staff_email)
        visitor_context, visitor = _person(browser, live_server, None)
        contexts = [holder_context, staff_context, visitor_context]

        visit(holder, f"/bookings/{booking_id}/review")
        expect(holder.locator("h1")).to_have_text("Review Aire Valley Home Care")
        holder.fill("#body", "Kind and patient, and always on time.")
        holder.get_by_role("button", name="Send review").click()
        visit(holder)
        expect(holder.locator(".govuk-error-summary")).to_contain_text(
            "Choose a rating from 1 to 5 stars"
        )
        holder.get_by_label("Good (4 stars)").check()
        holder.get_by_role("button", name="Send review").click()
        visit(holder)
        expect(holder.locator(".govuk-notification-banner")).to_contain_text("your review is saved")
        expect(holder.locator("main")).to_contain_text("4 out of 5 stars")

        visit(staff, "/notifications")
        staff.get_by_role("link", name="reviewed your work").click()
        visit(staff)
        expect(staff.locator("main")).to_contain_text("has written their review")
        expect(staff.locator("main")).not_to_contain_text("Kind and patient")
        staff.get_by_label("Excellent (5 stars)").check()
        staff.fill("#body", "A welcoming home; the key safe code changed twice.")
        staff.get_by_role("button", name="Send review").click()
        visit(staff)
        expect(staff.locator("main")).to_contain_text("Kind and patient, and always on time.")

        visit(visitor, f"/organisations/{aire_id}")
        reviews = visitor.locator("main")
        expect(reviews).to_contain_text("Rated 4.0 out of 5 (1 review)")
        expect(reviews).to_contain_text("A person using the service")
        expect(reviews).not_to_contain_text("key safe")
        visit(visitor, "/search?q=Aire")
        expect(visitor.locator("#results")).to_contain_text("Rated 4.0 out of 5 (1 review)")
    finally:
        for context in contexts:
            context.close()
