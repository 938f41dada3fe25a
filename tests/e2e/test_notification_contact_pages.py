"""The notifications page and a listing's contact page in a real browser: a holder writes to a
provider from its offer (a refused empty message first), the provider finds the message among
their notifications and follows it; every page passes axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests.e2e.conftest import assert_accessible, visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import make_offer, make_organisation
from tests.quotes.world import make_quote_world

pytestmark = pytest.mark.e2e


def _world(app):
    with app.app_context():
        w = make_quote_world()
        lone = make_organisation(name="Lone Day Centre", email="hi@lone.example", phone="0113 0")
        make_offer(lone, title="Day centre sessions")
        # Enough older notifications for a second page, some already read.
        now = utcnow()
        db.session.add_all(
            Notification(
                user_id=w.aire_staff.id,
                kind="quote_requested",
                text=f"Older news {n}",
                link="/quotes",
                created_at=now - timedelta(days=2, minutes=n),
                read_at=now if n % 2 else None,
            )
            for n in range(55)
        )
        db.session.commit()
        return w.holder.email, w.aire_staff.email, w.aire_offer.id, lone.id


def test_contact_a_provider_and_follow_the_notification(app, page):
    holder, staff, offer_id, lone_id = _world(app)
    browser_sign_in(page, holder)
    visit(page, f"/offers/{offer_id}")
    page.get_by_role("button", name="Contact Aire Valley Home Care").click()
    visit(page)
    expect(page.locator("h1")).to_have_text("Contact Aire Valley Home Care")
    page.get_by_role("button", name="Send message").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    page.fill("#body", "Hello, could you help on weekday mornings?")
    page.get_by_role("button", name="Send message").click()
    visit(page)
    expect(page.locator("h1")).to_have_text("About Home care visits")
    visit(page, f"/contact/organisation/{lone_id}")  # nobody here: email and phone instead
    expect(page.get_by_text("has no account here yet")).to_be_visible()

    page.context.clear_cookies()
    browser_sign_in(page, staff)
    visit(page, "/notifications")
    expect(page.get_by_role("link", name="Notifications (29)")).to_be_visible()
    page.get_by_role("link", name="Ada Holder wrote in “About Home care visits”.").click()
    visit(page)
    expect(page.locator("h1")).to_have_text("About Home care visits")
    visit(page, "/notifications?page=2")
    page.get_by_role("button", name="Mark all as read").click()
    visit(page)
    expect(page.get_by_text("notifications are marked as read")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
