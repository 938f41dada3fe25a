"""The plan pages in a real browser, driven by their labels: each page passes axe-core, with and
without errors shown."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from marketplace.budgets.models import BudgetStream
from marketplace.extensions import db
from marketplace.plans import services
from marketplace.plans.lines import LineInput
from marketplace.plans.models import SupportPlan
from tests.e2e.conftest import visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import make_holder, make_plan
from tests.plans.helpers import cast

pytestmark = pytest.mark.e2e


def test_a_holder_plans_and_an_officer_approves_by_the_labels(app, page, browser):
    with app.app_context():
        people = cast()
        holder_email, officer_email = people.holder.email, people.officer.email
        holder_id = people.holder.id
        stream = people.budget.streams[0]
        earlier = make_plan(
            people.holder,
            status="approved",
            council=people.council,
            year_start=people.budget.year_start.replace(year=people.budget.year_start.year - 1),
        )
        waiting_holder = make_holder(people.council, name="Waiting Person")
        make_plan(waiting_holder, status="submitted", council=people.council)
        stream_name = stream.name

    browser_sign_in(page, holder_email)
    page.goto(f"/holders/{holder_id}/plans")
    visit(page)
    page.get_by_role("button", name="Start a support plan").click()
    expect(page.locator("h1")).to_contain_text("Support plan for")
    visit(page)

    page.get_by_role("button", name="Submit plan to the council").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Add at least one outcome")
    visit(page)

    page.get_by_label("What matters to you").fill("Getting back to the allotment.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")

    page.get_by_role("button", name="Add outcome").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select an outcome")
    visit(page)
    page.get_by_label("Outcome", exact=True).select_option("physical-health")
    page.get_by_label("How it will be met").fill("A PA to go to the allotment twice a week.")
    page.get_by_role("button", name="Add outcome").click()
    expect(page.locator("#outcomes + .govuk-summary-card")).to_contain_text("Physical health")

    page.get_by_label("What is it?").fill("Allotment rent")
    page.get_by_label("How many").fill("1")
    page.get_by_label("Of what").select_option("items")
    page.get_by_label("How often").select_option("once")
    page.get_by_label("Price for each, in pounds").fill("45")
    page.get_by_label("Paid from").select_option(label=stream_name)
    page.get_by_label("Physical health").check()
    page.get_by_role("button", name="Add line").click()
    expect(page.locator("#lines ~ table").first).to_contain_text("£45.00")
    visit(page)
    plan_url = page.url
    page.get_by_role("link", name=re.compile("^Change Allotment rent")).click()
    expect(page.locator("h1")).to_have_text("Change a line of the plan")
    visit(page)
    page.goto(plan_url)
    page.get_by_role("link", name=re.compile("^Change Physical health")).click()
    expect(page.locator("h1")).to_have_text("Change an outcome")
    visit(page)
    page.goto(plan_url)

    page.get_by_role("button", name="Submit plan to the council").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to the council")
    expect(page.locator("#council")).to_contain_text("sent today")
    visit(page)
    page.goto(f"/plans/{earlier.id}")
    visit(page)

    page.context.clear_cookies()
    browser_sign_in(page, officer_email)
    page.goto("/council/plans")
    visit(page)
    page.locator("table").first.get_by_role("link", name=re.compile("Amira Holder")).click()
    visit(page)
    page.get_by_label("Review the plan in how many months?").fill("30")
    page.get_by_role("button", name="Approve plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("between 1 and 24 months")
    visit(page)
    page.get_by_role("button", name="Reject plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    visit(page)
    page.get_by_label("Review the plan in how many months?").fill("12")
    page.get_by_role("button", name="Approve plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Plan approved")
    expect(page.locator("#council")).to_contain_text("Approved")
    visit(page)

    with app.app_context():
        current = services.current_plan(db.session, holder_id)
        assert current is not None and current.status == "approved"
        assert [line.description for line in current.lines] == ["Allotment rent"]


def test_a_refused_line_shows_its_errors_accessibly(app, page):
    with app.app_context():
        people = cast()
        plan = make_plan(people.holder)
        line = services.add_line(
            db.session,
            people.holder,
            plan.id,
            LineInput(kind="unpaid", description="Sister visits", unit="visits"),
        )
        email, plan_id, line_id = people.holder.email, plan.id, line.id
    browser_sign_in(page, email)
    page.goto(f"/plans/{plan_id}")
    page.get_by_role("button", name="Add line").click()  # nothing described, no price
    expect(page.locator(".govuk-error-summary")).to_contain_text("Describe the support")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the price")
    visit(page)
    page.get_by_label("How many").fill("0")
    page.get_by_role("button", name="Add line").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The number must be more than 0")
    visit(page)
    page.goto(f"/plans/{plan_id}/lines/{line_id}")
    page.get_by_label("How many").fill("lots")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a number")
    visit(page)


def test_a_plan_over_its_budget_is_refused_accessibly_at_submission_and_approval(app, page):
    with app.app_context():
        people = cast(streams=(("dp", 52_000),))
        [dp] = people.budget.streams
        plan = make_plan(people.holder)
        for line in (
            LineInput(
                description="Gym",
                unit_price_pence=1_100,  # £572 a year
                stream_id=dp.id,
                outcome_ids=[plan.outcomes[0].id],
            ),
            LineInput(description="Swimming", unit_price_pence=500),
        ):
            services.add_line(db.session, people.holder, plan.id, line)
        swimming = plan.lines[1].id
        holder_email, officer_email = people.holder.email, people.officer.email
        holder_id, plan_id, stream_id = people.holder.id, plan.id, dp.id
    browser_sign_in(page, holder_email)
    page.goto(f"/plans/{plan_id}")
    page.get_by_role("button", name="Submit plan to the council").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The lines paid by the direct payment cost £572.00 a year")
    expect(summary).to_contain_text("Choose which budget stream pays for “Swimming”")
    expect(page.locator("#costs ~ table").first).to_contain_text("1 stream over")
    visit(page)
    page.goto(f"/holders/{holder_id}/plans")
    page.get_by_role("button", name="Start a support plan").click()
    expect(page).to_have_url(re.compile(f"/plans/{plan_id}$"))  # the year's draft
    page.context.clear_cookies()

    with app.app_context():  # the holder makes it fit and sends it; then the budget is lowered
        services.remove_line(db.session, people.holder, plan_id, swimming)
        services.update_line(
            db.session,
            people.holder,
            plan_id,
            db.session.get(SupportPlan, plan_id).lines[0].id,
            LineInput(
                description="Gym",
                unit_price_pence=1_000,
                stream_id=stream_id,
                outcome_ids=[o.id for o in db.session.get(SupportPlan, plan_id).outcomes],
            ),
        )
        services.submit_plan(db.session, people.holder, plan_id)
        stream = db.session.get(BudgetStream, stream_id)
        stream.total_pence = stream.budget.total_pence = 10_000
        db.session.commit()
    browser_sign_in(page, officer_email)
    page.goto(f"/plans/{plan_id}")
    expect(page.locator("#decide ~ .govuk-warning-text")).to_contain_text("cannot be approved")
    visit(page)
    page.get_by_role("button", name="Approve plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Reject the plan")
    visit(page)
