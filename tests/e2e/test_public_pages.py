"""Every public page a visitor reaches first renders with the GOV.UK styles and passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.factories import make_council, make_offer, make_pa

pytestmark = pytest.mark.e2e


def test_public_pages_pass_axe(app, page):
    with app.app_context():
        make_council()
        offer = make_offer()
        profile = make_pa()
    for path in [
        "/",
        "/about-the-data",
        "/sign-in",
        "/sign-up",
        "/sign-up/provider_admin",
        "/account/forgotten-password",
        "/browse",
        f"/offers/{offer.id}",
        f"/pas/{profile.id}",
        f"/organisations/{offer.organisation_id}",
        "/no-such-page",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        # The compiled GOV.UK stylesheet is served and applied (not the browser's default font).
        font = page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily")
        assert "system-ui" in font, (path, font)
        assert_accessible(page)


def test_sign_up_errors_are_announced_in_an_error_summary(page):
    page.goto("/sign-up/holder")
    page.get_by_role("button", name="Create account").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter your full name" in summary.inner_text()
    assert_accessible(page)
