"""A person creates an API token on their account page, sees it once, uses it, and revokes it;
every page on the way passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.permissions import Role
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import make_user

pytestmark = pytest.mark.e2e


def test_a_token_is_created_shown_once_used_and_revoked(app, page):
    with app.app_context():
        user = make_user(Role.BROKER)
    browser_sign_in(page, user.email)
    page.goto("/account")
    page.get_by_role("link", name="Create or revoke your API tokens").click()
    expect(page.locator("h1")).to_have_text("Your API tokens")
    assert_accessible(page)

    page.get_by_role("button", name="Create token").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert "Enter a name for the token" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("Name of the token").fill("Caseload sync")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("h1")).to_have_text("Your new API token")
    assert_accessible(page)
    token = page.get_by_label("Token “Caseload sync”").input_value()
    assert token.startswith("pbm_")
    me = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == user.email

    page.get_by_role("link", name="Back to your API tokens").click()
    assert token not in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the token Caseload sync").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is revoked")
    assert_accessible(page)
    again = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert again.status == 401
