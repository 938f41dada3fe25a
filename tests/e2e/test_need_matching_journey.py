"""Issue 7's journey in a browser: a budget holder posts a need advert for a personal assistant,
sees the PAs who match ranked with the reasons for each score (and one ruled out, with why), a
PA finds the advert among those that fit them — without the holder's name or postcode — and says
they are interested, and the holder adds that PA to their draft plan from the match. axe-core
runs on every page and must find nothing.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.needs.models import NeedAdvert, NeedInterest
from marketplace.permissions import Role
from marketplace.plans.models import PlanLine
from tests.e2e.conftest import visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import make_budget, make_council, make_holder, make_pa, make_plan, make_user

pytestmark = pytest.mark.e2e

LEEDS = ("LS1", "LS2", "LS4", "LS5", "LS6", "LS7", "LS17")


def _world() -> dict[str, object]:
    leeds = make_council(districts=LEEDS)
    grace = make_holder(leeds, district="LS6", name="Grace Okafor")
    officer = make_user(Role.OFFICER, council=leeds)
    make_budget(grace, leeds, streams=(("dp", 900_000),), set_by=officer)
    plan = make_plan(grace, council=leeds, outcomes=("independence",))
    both_mornings = ["mon:morning", "wed:morning", "fri:afternoon"]
    # Joanne: free both mornings, nearby, within the pay offered.
    make_pa(
        make_user(Role.PA, name="Joanne Walsh", email="joanne@example.com"),
        display_name="Joanne W.",
        availability=both_mornings,
        skills=["personal-care", "household"],
        hourly_rate_pence=1350,
        home_district="LS6",
        travel_km=10,
    )
    # Sam: free on Monday only and asks for more than is offered: lower.
    make_pa(
        make_user(Role.PA, name="Sam Carer"),
        display_name="Sam C.",
        availability=["mon:morning"],
        skills=["personal-care"],
        hourly_rate_pence=1500,
        home_district="LS7",
        travel_km=10,
    )
    # Pat has no DBS check, which Grace requires: ruled out, with the reason.
    make_pa(
        make_user(Role.PA, name="Pat Nochecks"),
        display_name="Pat N.",
        availability=both_mornings,
        checks=(),
        home_district="LS6",
    )
    return {"holder": grace.email, "plan": plan.id}


def test_holder_posts_a_need_sees_ranked_reasons_pa_replies_and_is_added_to_the_plan(
    app, browser, live_server
):
    with app.app_context():
        world = _world()
    holder_context = browser.new_context(base_url=live_server, bypass_csp=True)
    pa_context = browser.new_context(base_url=live_server, bypass_csp=True)
    holder, pa = holder_context.new_page(), pa_context.new_page()
    for page in (holder, pa):
        page.set_default_timeout(15_000)

    # Grace posts an advert from her dashboard.
    browser_sign_in(holder, str(world["holder"]))
    visit(holder, "/my-support")
    holder.get_by_role("link", name="Post an advert for a personal assistant").click()
    visit(holder)
    holder.get_by_label("Title").fill("PA for weekday mornings")
    holder.get_by_label("What the support is for", exact=False).fill(
        "Help getting up, breakfast and a walk to the shops."
    )
    for day in ("Monday", "Wednesday"):
        holder.get_by_role("group", name=day, exact=True).get_by_label("Morning").check()
    holder.get_by_label("Hours a week").fill("6")
    holder.get_by_label("Hourly pay offered").fill("14.00")
    holder.get_by_role("group", name="Tasks and skills").get_by_label("Personal care").check()
    holder.get_by_role("group", name="Checks they must have").get_by_label(
        "Enhanced DBS", exact=False
    ).check()
    # A pay below the legal minimum is refused first, with the reason, and nothing is saved.
    holder.get_by_label("Hourly pay offered").fill("9.00")
    holder.get_by_role("button", name="Post the advert").click()
    visit(holder)
    expect(holder.locator(".govuk-error-summary")).to_contain_text("National Living Wage")
    holder.get_by_label("Hourly pay offered").fill("14.00")
    holder.get_by_role("button", name="Post the advert").click()
    visit(holder)
    expect(holder.locator("h1")).to_contain_text("PA for weekday mornings")

    # The matches: Joanne first, Sam after her, each with the parts of the score; Pat ruled out.
    ranked = holder.locator("ol.govuk-list > li h3")
    expect(ranked.nth(0)).to_contain_text("Joanne W.")
    expect(ranked.nth(1)).to_contain_text("Sam C.")
    first = holder.locator("ol.govuk-list > li").first
    expect(first.locator("table")).to_contain_text("Availability")
    expect(first.locator("table")).to_contain_text("Free for both times wanted")
    second = holder.locator("ol.govuk-list > li").nth(1)
    expect(second.locator("table")).to_contain_text("not Wednesday morning")
    expect(second.locator("table")).to_contain_text("more than the £14.00 offered")
    not_matched = holder.locator("#not-matched ~ ul").first
    expect(not_matched).to_contain_text("Pat N.")
    expect(not_matched).to_contain_text("No enhanced DBS check")
    with app.app_context():
        need_id = db.session.scalar(select(NeedAdvert.id))

    # Joanne sees the advert among those that fit her, with the area but not who posted it.
    browser_sign_in(pa, "joanne@example.com")
    pa.get_by_role("link", name="Adverts for you").first.click()
    visit(pa)
    expect(pa.locator("main")).to_contain_text("PA for weekday mornings")
    pa.get_by_role("link", name="PA for weekday mornings").first.click()
    visit(pa)
    main = pa.locator("main")
    expect(main).to_contain_text("LS6")
    expect(main).not_to_contain_text("Grace")
    expect(main).not_to_contain_text("Okafor")
    expect(main).not_to_contain_text("LS6 1AA")
    pa.get_by_label("A note for them (optional)").fill("I live nearby and can start next week.")
    pa.get_by_role("button", name="I'm interested").click()
    visit(pa)
    expect(pa.locator("#reply")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(select(NeedInterest.note)) == (
            "I live nearby and can start next week."
        )

    # Grace sees Joanne's reply beside her match and adds her to the draft plan.
    visit(holder, f"/needs/{need_id}")
    first = holder.locator("ol.govuk-list > li").first
    expect(first).to_contain_text("I live nearby and can start next week.")
    first.get_by_role("button", name=re.compile("Add to plan")).click()
    visit(holder)
    expect(holder.locator("#prefilled")).to_contain_text("Filled in from the advert")
    expect(holder.get_by_label("How many")).to_have_value("6")
    holder.get_by_label("Paid from").select_option(index=1)
    holder.get_by_label("Staying independent", exact=True).check()
    holder.get_by_role("button", name="Add to the package").click()
    visit(holder)
    expect(holder.locator(".govuk-notification-banner")).to_contain_text("Joanne W.")
    with app.app_context():
        line = db.session.scalar(select(PlanLine).where(PlanLine.plan_id == world["plan"]))
        assert line is not None and line.kind == "pa"
        assert line.days == ["mon", "wed"] and line.time_bands == ["morning"]
        assert line.quantity_hundredths == 600
    # Back on the matches, Joanne is marked as in the plan.
    visit(holder, f"/needs/{need_id}")
    expect(holder.locator("ol.govuk-list > li").first).to_contain_text("In the plan")
    holder_context.close()
    pa_context.close()
