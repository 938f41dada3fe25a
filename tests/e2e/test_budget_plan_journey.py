"""The issue's journey end to end, through the menus: an officer sets a budget, the holder drafts
a plan with outcomes and submits it, the officer approves it, the holder sees it approved.

axe-core runs on every page the journey visits and must report 0 violations.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from marketplace.permissions import Role
from tests.e2e.conftest import visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import make_council, make_holder, make_user

pytestmark = pytest.mark.e2e


def test_officer_sets_a_budget_holder_plans_and_submits_officer_approves(app, page):
    with app.app_context():
        leeds = make_council()
        holder = make_holder(leeds, name="Grace Okafor")
        officer = make_user(Role.OFFICER, council=leeds)
        holder_email, officer_email = holder.email, officer.email

    # The officer finds Grace among the people the council supports and records her budget.
    browser_sign_in(page, officer_email)
    page.get_by_role("link", name="People", exact=True).click()
    visit(page)
    page.get_by_role("link", name="Grace Okafor").first.click()
    visit(page)
    page.locator(".app-holder-nav").get_by_role("link", name="Budget").click()
    visit(page)
    page.get_by_role("link", name="Record a budget for a plan year").click()
    visit(page)
    page.get_by_label("Weekly: we multiply by 52 for the year").check()
    page.get_by_label("Total budget").fill("300")
    page.get_by_label("Direct payment").fill("180")
    page.get_by_label("Council-managed").fill("100")  # £20 short: refused, nothing saved
    page.get_by_role("button", name="Save budget").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("add up to")
    visit(page)
    page.get_by_label("Council-managed").fill("120")
    page.get_by_role("button", name="Save budget").click()
    expect(page.locator("main")).to_contain_text("£15,600.00 a year")
    visit(page)
    page.context.clear_cookies()

    # Grace sees her budget by stream, starts a plan, writes outcomes and submits it.
    browser_sign_in(page, holder_email)
    page.get_by_role("link", name="Your support", exact=True).click()
    visit(page)
    main = page.locator("main")
    expect(main).to_contain_text("Direct payment")
    expect(main).to_contain_text("£9,360.00")  # £180 a week for 52 weeks
    page.locator(".app-holder-nav").get_by_role("link", name="Support plan").click()
    visit(page)
    page.get_by_role("button", name="Start a support plan").click()
    expect(page.locator("h1")).to_contain_text("Support plan for")
    visit(page)
    page.get_by_label("What matters to you").fill("Seeing my grandchildren and getting out.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")
    for code, how in (
        ("relationships", "A PA drives me to my daughter's on Sundays."),
        ("community", "The Tuesday lunch club at the community centre."),
    ):
        page.get_by_label("Outcome", exact=True).select_option(code)
        page.get_by_label("How it will be met").fill(how)
        page.get_by_role("button", name="Add outcome").click()
        expect(page.locator(".govuk-notification-banner")).to_be_visible()
    # Each outcome is served by a line (issue 6): her daughter's Sunday lifts serve both.
    page.get_by_label("Unpaid support (family, friends, volunteers)").check()
    page.get_by_label("What is it?").fill("My daughter drives me to the lunch club and home")
    page.get_by_label("How many").fill("1")
    for outcome in ("Relationships with family and friends", "Being part of my community"):
        page.get_by_label(outcome, exact=True).check()
    page.get_by_role("button", name="Add line").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    visit(page)
    page.get_by_role("button", name="Submit plan to the council").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to the council")
    expect(page.locator("#council")).to_contain_text("sent today")
    visit(page)
    plan_path = re.sub(r"^https?://[^/]+", "", page.url)
    page.context.clear_cookies()

    # The officer approves it from the work queue, oldest first.
    browser_sign_in(page, officer_email)
    page.get_by_role("link", name="Council work").click()
    visit(page)
    page.locator("table").first.get_by_role("link", name=re.compile("Grace Okafor")).click()
    visit(page)
    page.get_by_role("button", name="Approve plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Plan approved")
    visit(page)
    page.context.clear_cookies()

    # Grace sees the decision and its history; the approved plan is locked.
    browser_sign_in(page, holder_email)
    visit(page, plan_path)
    expect(page.locator("#council")).to_contain_text("Approved")
    history = page.locator("#history + table")
    expect(history).to_contain_text("Draft → Waiting for the council")
    expect(history).to_contain_text("Waiting for the council → Approved")
    expect(page.get_by_role("button", name="Add outcome")).to_have_count(0)
