"""Budget holders' pages (dashboard, people, requirements, caseload, a council's list) in a real
browser: each passes axe-core, with and without errors shown."""

from __future__ import annotations

import pytest

from marketplace.permissions import Role
from tests.e2e.conftest import assert_accessible, visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import (
    link_broker,
    link_representative,
    make_budget,
    make_council,
    make_holder,
    make_plan,
    make_user,
)

pytestmark = pytest.mark.e2e


def _people(app):
    with app.app_context():
        leeds = make_council()
        holder = make_holder(leeds, name="Ada Holder")
        make_budget(holder, leeds, streams=(("dp", 936_000), ("managed", 624_000)))
        make_plan(holder, status="submitted", council=leeds)
        rep = link_representative(holder)
        broker = link_broker(holder)
        invited_by = make_holder(leeds, name="Cy Waiting")
        link_broker(invited_by, broker, status="invited")
        officer = make_user(Role.OFFICER, council=leeds)
        return holder.id, holder.email, rep.email, broker.email, officer.email


def test_holder_pages_pass_axe_for_each_role(app, page):
    holder_id, holder, rep, broker, officer = _people(app)
    base = f"/holders/{holder_id}"
    browser_sign_in(page, holder)
    for path in (base, f"{base}/people", f"{base}/requirements"):
        visit(page, path)
    page.goto(f"{base}/requirements")
    page.fill("#postcode", "ZZ9 9ZZ")
    page.get_by_role("button", name="Save requirements").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    page.goto(f"{base}/people")
    page.fill("#representative-email", "nobody@example.com")
    page.get_by_role("button", name="Link representative").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)

    page.context.clear_cookies()
    browser_sign_in(page, broker)
    visit(page, "/caseload")
    visit(page, base)

    page.context.clear_cookies()
    browser_sign_in(page, rep)
    visit(page, "/caseload")

    page.context.clear_cookies()
    browser_sign_in(page, officer)
    for path in ("/council/people", base, f"{base}/people", f"{base}/requirements"):
        visit(page, path)
    page.goto("/council/people")
    page.fill("#email", "nobody@example.com")
    page.get_by_role("button", name="Add budget holder").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
