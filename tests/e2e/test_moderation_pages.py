"""Moderators' pages and the claim pages in a real browser: each passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.listings import rules, services
from marketplace.moderation import claims
from marketplace.moderation.models import Report
from marketplace.permissions import Role
from tests.e2e.conftest import assert_accessible, visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import make_council, make_offer, make_organisation, make_user

pytestmark = pytest.mark.e2e


def test_moderator_pages_pass_axe(app, page):
    with app.app_context():
        make_council()
        staff = make_user(Role.PROVIDER_STAFF)
        new = make_offer(staff.organisation, status="draft", title="New offer")
        first = services.submit_for_review(db.session, staff, "offer", new.id)
        live = make_offer(staff.organisation, title="Live offer")
        changed = rules.OfferInput.from_data(
            services.for_editing(db.session, staff, "offer", live.id).data
        )
        changed.title, changed.price = "Live offer, new price", 3000
        services.update_offer(db.session, staff, live.id, changed)
        edit = services.for_editing(db.session, staff, "offer", live.id).pending
        report = Report(kind="offer", listing_id=live.id, reason="other", details="Line one.\nTwo.")
        db.session.add(report)
        db.session.commit()
        unclaimed = make_organisation(claimed_at=None, name="Unclaimed care")
        claim = claims.submit_claim(
            db.session,
            unclaimed.id,
            claims.ClaimInput(
                "Priya Shah", "priya@example.org", "a long password", "Manager", "I run it."
            ),
        )
        admin_email = make_user(Role.ADMIN).email
        ids = (first.id, edit.id, live.id, report.id, claim.id)
    first_id, edit_id, live_id, report_id, claim_id = ids
    browser_sign_in(page, admin_email)
    for path in (
        "/moderation",
        f"/moderation/versions/{first_id}",
        f"/moderation/versions/{edit_id}",
        f"/moderation/listings/offer/{live_id}",
        "/moderation/reports",
        f"/moderation/reports/{report_id}",
        "/moderation/claims",
        f"/moderation/claims/{claim_id}",
    ):
        visit(page, path)

    page.goto(f"/moderation/versions/{edit_id}")
    page.get_by_role("button", name="Do not approve").click()
    assert "Enter the reason" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)

    page.goto(f"/moderation/versions/{edit_id}")
    page.get_by_role("button", name="Approve and publish").click()
    visit(page, f"/listings/offer/{live_id}/history")
    assert "Live offer, new price" in page.inner_text("main")


def test_claim_pages_pass_axe(app, page):
    with app.app_context():
        organisation = make_organisation(claimed_at=None, name="Unclaimed care")
        org_id = organisation.id
        holder_email = make_user(Role.HOLDER).email
    visit(page, f"/organisations/{org_id}/claim")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.fill("#name", "Priya Shah")
    page.fill("#email", "priya@example.org")
    page.fill("#password", "a long password")
    page.fill("#job_title", "Manager")
    page.fill("#evidence", "I run it.")
    page.get_by_role("button", name="Send request").click()
    assert "Request sent" in page.inner_text("h1")
    assert_accessible(page)

    browser_sign_in(page, holder_email)
    visit(page, f"/organisations/{org_id}/claim")
