"""Issue 6's journey in a browser: a broker opens a holder's plan in the package builder, adds a
personal assistant, a day service paid by the council-managed budget, a free community group and
a family member's help, sees that the managed budget is over, swaps the day service for the
cheaper one suggested, and submits the plan. axe-core runs on every page and must find nothing.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.permissions import Role
from marketplace.plans.models import PlanLine, SupportPlan
from tests.e2e.conftest import visit
from tests.e2e.test_listings_pages import browser_sign_in
from tests.factories import (
    link_broker,
    make_budget,
    make_council,
    make_holder,
    make_offer,
    make_organisation,
    make_pa,
    make_plan,
    make_user,
)

pytestmark = pytest.mark.e2e

LEEDS = ("LS1", "LS2", "LS4", "LS5", "LS6", "LS7")


def _venue(title: str, org: str, district: str, price_pence: int, **fields) -> None:
    organisation = make_organisation(
        name=org, base_district=district, service_districts=list(LEEDS)
    )
    make_offer(
        organisation,
        title=title,
        description=f"{title}: activities, lunch and company for adults.",
        category="day-opportunities",
        price_pence=price_pence,
        price_unit="day",
        deliver_home=False,
        deliver_venue=True,
        venue_address="Community Road, Leeds",
        venue_postcode=f"{district} 1AB",
        venue_district=district,
        **fields,
    )


def _world() -> dict[str, object]:
    leeds = make_council(districts=LEEDS)
    grace = make_holder(leeds, district="LS6", name="Grace Okafor")
    officer = make_user(Role.OFFICER, council=leeds)
    # £8,000 a year from the direct payment, £8,000 council-managed.
    make_budget(grace, leeds, streams=(("dp", 800_000), ("managed", 800_000)), set_by=officer)
    broker = link_broker(grace, make_user(Role.BROKER, name="Priya Broker"))
    plan = make_plan(grace, council=leeds, outcomes=("independence", "community"))
    pa_user = make_user(Role.PA, name="Sam Carer")
    make_pa(
        pa_user,
        display_name="Sam Carer",
        hourly_rate_pence=1500,
        availability=["mon:morning", "tue:morning", "thu:morning"],
        home_district="LS6",
        travel_km=10,
    )
    # Three days a week at £60 a day is £9,360 a year: over the managed budget. £45 fits.
    _venue("Meanwood day centre", "Meanwood Hub", "LS6", 6000, pay_dp=False)
    _venue("Kirkstall day centre", "Kirkstall Together", "LS5", 4500, pay_dp=False)
    make_offer(
        make_organisation(name="Headingley Friends", base_district="LS6"),
        title="Tuesday lunch club",
        description="A free lunch club and chat for older neighbours.",
        category="community",
        price_pence=0,
        price_unit="free",
        deliver_home=False,
        deliver_venue=True,
        venue_address="St Michael's Hall, Leeds",
        venue_postcode="LS6 3AA",
        venue_district="LS6",
    )
    return {"broker": broker.email, "plan": plan.id}


def _search(page, words: str, *, kind: str, stream: str | None = None) -> None:
    page.get_by_label("Words", exact=False).first.fill(words)
    page.locator("#search").get_by_label(kind, exact=True).check()
    if stream:
        page.locator("#search").get_by_label("Paid from").select_option(label=stream)
    page.locator("#search").get_by_role("button", name="Search", exact=True).click()
    visit(page)


def _add(page, title: str) -> None:
    page.locator("#results").get_by_role("button", name=re.compile(f"Add to plan.*{title}")).click()
    visit(page)


def _pay_from(page, stream: str) -> None:
    select = page.get_by_label("Paid from")
    select.select_option(select.locator("option", has_text=stream).first.get_attribute("value"))


def _outcome(page, name: str) -> None:
    page.get_by_label(name, exact=True).check()


def _save(page, added: str) -> None:
    page.get_by_role("button", name="Add to the package").click()
    visit(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(added)


def test_broker_builds_a_mixed_package_swaps_to_a_cheaper_offer_and_submits(app, page):
    with app.app_context():
        world = _world()
    plan_id = world["plan"]

    # The broker finds Grace on their caseload and opens her plan in the builder.
    browser_sign_in(page, world["broker"])
    page.goto("/caseload")
    visit(page)
    page.get_by_role("link", name="Grace Okafor").first.click()
    visit(page)
    page.locator(".app-holder-nav").get_by_role("link", name="Support plan").click()
    visit(page)
    page.get_by_role("link", name=re.compile("^Revision 1")).click()
    visit(page)
    page.get_by_role("button", name="Open the package builder").click()
    visit(page)
    expect(page.locator("h1")).to_have_text("Package builder")

    # A personal assistant, paid by the direct payment, on Monday and Tuesday mornings.
    _search(page, "", kind="Personal assistants", stream="Direct payment")
    _add(page, "Sam Carer")
    page.get_by_label("How many").fill("6")
    page.get_by_label("How often").select_option("week")
    _pay_from(page, "Direct payment")
    _outcome(page, "Staying independent")
    page.get_by_label("Monday").check()
    page.get_by_label("Tuesday").check()
    page.get_by_label("Morning").check()
    _save(page, "Sam Carer")

    # A day service three days a week, paid by the council-managed budget: over it.
    _search(page, "day centre", kind="Services", stream="Council-managed")
    results = page.locator("#results")
    expect(results).to_contain_text("Meanwood day centre")
    _add(page, "Meanwood day centre")
    page.get_by_label("How many").fill("3")
    page.get_by_label("Of what").select_option("days")
    _pay_from(page, "Council-managed")
    _outcome(page, "Being part of my community")
    _save(page, "Meanwood day centre")
    package = page.locator("#package")
    expect(package).to_contain_text("Over by £1,360.00")

    # A free community group: no stream needed.
    page.locator("#search").get_by_label("Words", exact=False).first.fill("lunch club")
    page.locator("#search").get_by_label("Free only", exact=False).check()
    page.locator("#search").get_by_role("button", name="Search", exact=True).click()
    visit(page)
    _add(page, "Tuesday lunch club")
    page.get_by_label("How many").fill("1")
    page.get_by_label("Of what").select_option("sessions")
    _outcome(page, "Being part of my community")
    _save(page, "Tuesday lunch club")

    # Grace's son helps with shopping: unpaid support.
    page.get_by_role("link", name="Add unpaid support (family, friend or volunteer)").click()
    visit(page)
    page.get_by_label("What is it?").fill("Shopping and a cuppa")
    page.get_by_label("Who gives it", exact=False).fill("Tunde (son)")
    page.get_by_label("How many").fill("2")
    _outcome(page, "Staying independent")
    _save(page, "Shopping and a cuppa")

    # The over-budget warning, and the cheaper day centre suggested beside the line.
    expect(package).to_contain_text("Over by £1,360.00")
    with app.app_context():
        meanwood_line = db.session.scalar(
            select(PlanLine).where(
                PlanLine.plan_id == plan_id, PlanLine.description == "Meanwood day centre"
            )
        )
        line_id = meanwood_line.id
    card = page.locator(f"#line-{line_id}")
    expect(card).to_contain_text("Kirkstall day centre")
    expect(card).to_contain_text("£15.00/day cheaper")
    card.get_by_role("button", name=re.compile("Swap to Kirkstall day centre")).click()
    visit(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Kirkstall day centre")
    expect(package).not_to_contain_text("Over by")
    expect(package.locator("#checks")).to_be_visible()
    expect(package).to_contain_text("No problems")

    # The plan goes to the council.
    page.get_by_role("button", name="Submit plan to the council").click()
    visit(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to the council")
    with app.app_context():
        db.session.expire_all()
        plan = db.session.get(SupportPlan, plan_id)
        assert plan.status == "submitted"
        assert sorted(line.description for line in plan.lines) == [
            "Kirkstall day centre",
            "Personal assistant: Sam Carer",
            "Shopping and a cuppa",
            "Tuesday lunch club",
        ]
        day_centre = next(
            line for line in plan.lines if line.offer_id is not None and line.unit == "days"
        )
        assert (day_centre.quantity_hundredths, day_centre.unit_price_pence) == (300, 4500)
