"""The package builder's pages: the directory searched in place for one holder, lines added from
it (a service, a personal assistant, unpaid support), refusals that save nothing, swapping a line
for a suggested alternative, and who may see or change what.

Amira lives in LS6 (Leeds). Her budget has a direct payment (£20,000 a year) and a
council-managed budget (£20,000). Her broker builds the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from flask import g
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.permissions import Role
from marketplace.plans.models import PlanLine, SupportPlan
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
from tests.plans.helpers import client_for, count, text

LEEDS = ("LS1", "LS2", "LS6", "LS7", "LS8", "LS17")


@dataclass
class World:
    council: Any
    holder: Any
    broker: Any
    officer: Any
    plan: Any
    dp: Any
    managed: Any
    near: Any  # home care from LS6, any stream may pay
    managed_only: Any  # a day centre in LS6 the direct payment may not pay for
    far: Any  # home care in Edinburgh


def org_in(district: str, serves: tuple[str, ...] = LEEDS, **fields: Any) -> Any:
    return make_organisation(base_district=district, service_districts=list(serves), **fields)


@pytest.fixture
def world(app: Any, session: Any) -> World:
    council = make_council(districts=LEEDS)
    make_council(code="S12000036", name="City of Edinburgh Council", districts=("EH1",))
    holder = make_holder(council, district="LS6", name="Amira Holder")
    officer = make_user(Role.OFFICER, council=council)
    budget = make_budget(
        holder, council, streams=(("dp", 2_000_000), ("managed", 2_000_000)), set_by=officer
    )
    streams = {s.kind: s for s in budget.streams}
    broker = link_broker(holder, make_user(Role.BROKER, name="Priya Broker"))
    plan = make_plan(holder, council=council, outcomes=("independence", "community"))
    near = make_offer(org_in("LS6", name="Headingley Care"), title="Morning care visits")
    managed_only = make_offer(
        org_in("LS6", name="Meanwood Hub"),
        title="Meanwood day centre",
        category="day-opportunities",
        price_pence=4500,
        price_unit="day",
        pay_dp=False,
        deliver_home=False,
        deliver_venue=True,
        venue_address="Green Road, Leeds",
        venue_postcode="LS6 4LD",
        venue_district="LS6",
    )
    far = make_offer(
        org_in("EH1", serves=("EH1",), base_postcode="EH1 1AA", name="Castle Care"),
        title="Edinburgh home care",
    )
    return World(
        council,
        holder,
        broker,
        officer,
        plan,
        streams["dp"],
        streams["managed"],
        near,
        managed_only,
        far,
    )


def page_text(response: Any) -> str:
    html = text(response)
    main = re.search(r"<main.*?</main>", html, re.S)
    plain = re.sub(r"<[^>]+>", " ", main.group(0) if main else html)
    return " ".join(unescape(plain).split())


def results_of(response: Any) -> str:
    html = text(response)
    found = re.search(r'<div id="results">.*?</div>\s*</div>', html, re.S)
    assert found, "no results"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def error_summary(response: Any) -> str:
    html = text(response)
    assert response.status_code == 400, html[:500]
    found = re.search(r'<div class="govuk-error-summary.*?</ul>', html, re.S)
    assert found, "no error summary"
    return unescape(found.group(0))


def change_notice(response: Any, anchor: str) -> str:
    """The confirmation of a change, where the builder opens after it: just inside ``anchor``."""
    html = text(response)
    found = re.search(
        rf'id="{anchor}">(?:\w+</h3>)?\s*<div class="govuk-notification-banner.*?</div>\s*</div>',
        html,
        re.S,
    )
    assert found, f"no notice at #{anchor}"
    return (
        " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())
        .replace(" .", ".")
        .replace(" :", ":")
    )


def lines(session: Any, plan_id: int) -> list[PlanLine]:
    session.expire_all()
    return list(
        session.scalars(select(PlanLine).where(PlanLine.plan_id == plan_id).order_by(PlanLine.id))
    )


def line_form(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "quantity_hundredths": "6",
        "unit": "hours",
        "frequency": "week",
        "stream_id": str(world.dp.id),
        "outcome_ids": [str(world.plan.outcomes[0].id)],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def add_offer_line(session: Any, world: World, offer: Any, **fields: Any) -> PlanLine:
    plan = session.get(SupportPlan, world.plan.id)
    values: dict[str, Any] = {
        "kind": "offer",
        "offer_id": offer.id,
        "description": offer.title,
        "provider_name": offer.provider_name,
        "frequency": "week",
        "quantity_hundredths": 600,
        "unit": "hours",
        "unit_price_pence": offer.price_pence,
        "stream_id": world.dp.id,
        "start_on": plan.year_start,
        "position": len(plan.lines),
        "outcomes": [plan.outcomes[0]],
    }
    values.update(fields)
    line = PlanLine(**values)
    plan.lines.append(line)
    session.commit()
    return line


# --- the search beside the package ------------------------------------------------------------


def test_the_builder_searches_near_the_holder_for_what_the_first_stream_may_pay_for(app, world):
    broker = client_for(app, world.broker)
    response = broker.get(f"/plans/{world.plan.id}/build")
    assert response.status_code == 200
    html = text(response)
    # The defaults are in the form, for the person to see and widen.
    assert re.search(rf'<option value="{world.dp.id}" selected>Direct payment</option>', html)
    assert re.search(r'<option value="10" selected>Within 10 km of LS6 1AA</option>', html)
    assert re.search(r'value="offer" checked', html)
    found = results_of(response)
    assert "Morning care visits" in found and "Headingley Care" in found
    assert "£22.50 per hour" in found
    assert "Edinburgh home care" not in found  # too far
    assert "Meanwood day centre" not in found  # the direct payment may not pay for it
    assert (
        f'href="/plans/{world.plan.id}/build/add?offer={world.near.id}&amp;stream={world.dp.id}"'
        in html
    )
    assert 'Add to plan<span class="govuk-visually-hidden">: Morning care visits</span>' in html


def test_widening_the_search_finds_what_the_defaults_leave_out(app, world):
    broker = client_for(app, world.broker)
    base = {"q": "", "kind": "offer", "category": "", "radius": "10"}
    managed = broker.get(
        f"/plans/{world.plan.id}/build", query_string={**base, "stream": world.managed.id}
    )
    assert managed.status_code == 200
    assert "Meanwood day centre" in results_of(managed)
    assert "Edinburgh home care" not in results_of(managed)
    anywhere = broker.get(
        f"/plans/{world.plan.id}/build",
        query_string={**base, "stream": world.dp.id, "radius": "any"},
    )
    assert "Edinburgh home care" in results_of(anywhere)
    in_leeds = broker.get(
        f"/plans/{world.plan.id}/build",
        query_string={**base, "stream": "", "radius": "council"},
    )
    found = results_of(in_leeds)
    assert "Meanwood day centre" in found and "Edinburgh home care" not in found


def test_an_empty_search_offers_the_wider_searches_that_would_find_something(app, world):
    broker = client_for(app, world.broker)
    response = broker.get(
        f"/plans/{world.plan.id}/build",
        query_string={"q": "Edinburgh", "kind": "offer", "stream": world.dp.id, "radius": "10"},
    )
    found = results_of(response)
    assert "No results" in found
    assert "Search anywhere (1 result)" in found
    assert "radius=any" in text(response)


def test_a_search_no_single_widening_helps_says_which_choices_to_widen(app, world):
    response = client_for(app, world.broker).get(
        f"/plans/{world.plan.id}/build",
        # Edinburgh is too far, and nothing nearby is free: dropping any one choice finds nothing.
        query_string={
            "q": "Edinburgh",
            "kind": "offer",
            "stream": world.dp.id,
            "radius": "5",
            "free": "y",
        },
    )
    found = results_of(response)
    assert "No results" in found and "wider search" not in found
    assert "Try other words, or widen the search: any category, any way of paying" in found


def test_personal_assistants_and_free_support_can_be_searched_for(app, world):
    pa = make_pa(display_name="Asha K", availability=["mon:morning"])
    coffee = make_offer(
        org_in("LS6", name="Friends Together", kind="community_group"),
        title="Coffee morning",
        category="social-activities",
        price_pence=0,
        price_unit="free",
    )
    broker = client_for(app, world.broker)
    base = {"q": "", "category": "", "stream": world.dp.id, "radius": "10"}
    pas = broker.get(f"/plans/{world.plan.id}/build", query_string={**base, "kind": "pa"})
    assert "Asha K" in results_of(pas) and "Morning care visits" not in results_of(pas)
    assert f"/build/add?pa={pa.id}" in text(pas)
    free = broker.get(
        f"/plans/{world.plan.id}/build", query_string={**base, "kind": "offer", "free": "y"}
    )
    assert "Coffee morning" in results_of(free) and "Morning care visits" not in results_of(free)
    # Nothing pays for free support: the line starts without a stream.
    html = text(
        broker.get(f"/plans/{world.plan.id}/build/add?offer={coffee.id}&stream={world.dp.id}")
    )
    assert '<option value="" selected>Not decided yet</option>' in html


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("radius", "7", "Choose a distance from the list"),
        ("stream", "99999", "Choose a budget stream from the list"),
        ("kind", "organisation", "Choose services or personal assistants"),
        ("category", "nonsense", "Choose a category from the list"),
        ("q", "x" * 201, "Search for 200 characters or fewer"),
    ],
)
def test_a_refused_search_says_what_to_change(app, world, name, value, message):
    broker = client_for(app, world.broker)
    args = {"q": "", "kind": "offer", "category": "", "stream": "", "radius": "10", name: value}
    response = broker.get(f"/plans/{world.plan.id}/build", query_string=args)
    assert message in error_summary(response)
    assert "<title>Error: " in text(response)


def test_a_page_of_results_past_the_last_is_not_found(app, world):
    broker = client_for(app, world.broker)
    assert broker.get(f"/plans/{world.plan.id}/build?page=9").status_code == 404
    assert broker.get(f"/plans/{world.plan.id}/build?page=x").status_code == 404


# --- the package beside it --------------------------------------------------------------------


def test_the_package_shows_each_line_its_costs_checks_and_cheaper_alternatives(app, session, world):
    dear = make_offer(org_in("LS8", name="Dear Care"), title="Dear care", price_pence=3000)
    cheap = make_offer(org_in("LS6", name="Cheap Care"), title="Cheap care", price_pence=2000)
    line = add_offer_line(session, world, dear, outcomes=[])
    page = page_text(client_for(app, world.broker).get(f"/plans/{world.plan.id}/build"))
    assert "Dear care" in page and "Dear Care" in page
    assert "6 hours each week" in page
    assert "£180.00 a week, £9,360.00 a year" in page  # £30 x 6 x 52
    assert "“Dear care” does not serve any of the plan's outcomes" in page
    assert "Cheaper or closer" in page and "Cheap care" in page
    assert "£10.00/hour cheaper" in page and "Saves £3,120.00 a year" in page
    assert "Swap to Cheap care from Cheap Care, in place of Dear care" in page
    # The stream's figures, and the outcomes no line serves.
    assert "Direct payment £180.00 a week, £9,360.00 a year" in page
    assert "Has £20,000.00 for the year: the package uses 46%" in page
    assert "Fits £10,640.00 left" in page
    assert "No line of the package serves “Staying independent”" in page
    assert "Submit plan to the council" in page
    html = text(client_for(app, world.broker).get(f"/plans/{world.plan.id}/build"))
    assert f'href="/plans/{world.plan.id}/lines/{line.id}"' in html  # change
    assert f'action="/plans/{world.plan.id}/build/lines/{line.id}/remove"' in html
    assert f'href="/plans/{world.plan.id}/summary"' in html
    assert f'action="/plans/{world.plan.id}/lines/{line.id}/swap"' in html
    assert f'name="offer_id" value="{cheap.id}"' in html
    assert f'action="/plans/{world.plan.id}/submit"' in html
    assert "govuk-tag--orange" in html  # warnings


def test_a_stream_asked_for_too_much_says_by_how_much_in_words(app, session, world):
    add_offer_line(session, world, world.near, quantity_hundredths=2000)  # £22.50 x 20 x 52
    page = page_text(client_for(app, world.broker).get(f"/plans/{world.plan.id}/build"))
    assert "Over by £3,400.00 a year" in page
    assert "Must fix" in page


def test_the_plan_page_opens_the_builder(app, world):
    html = text(client_for(app, world.broker).get(f"/plans/{world.plan.id}"))
    assert f'href="/plans/{world.plan.id}/build"' in html
    assert "Open the package builder" in html
    assert "coming soon" not in html


# --- adding lines -------------------------------------------------------------------------------


def test_adding_a_service_from_the_search_saves_a_line_at_its_price(app, session, world):
    broker = client_for(app, world.broker)
    url = f"/plans/{world.plan.id}/build/add?offer={world.near.id}&stream={world.dp.id}"
    form = broker.get(url)
    assert form.status_code == 200
    page = page_text(form)
    assert "Morning care visits" in page and "£22.50 per hour" in page
    assert "an agreed quote price replaces it later" in page
    html = text(form)
    assert re.search(rf'<option value="{world.dp.id}" selected>Direct payment \(can pay', html)
    assert re.search(r'<option value="hours" selected>hours</option>', html)
    added = broker.post(url, data=line_form(world, days=["mon"], time_bands=["morning"]))
    assert added.status_code == 302
    [line] = lines(session, world.plan.id)
    assert added.headers["Location"].endswith(f"/plans/{world.plan.id}/build#line-{line.id}")
    assert (line.kind, line.offer_id, line.description, line.provider_name) == (
        "offer",
        world.near.id,
        "Morning care visits",
        "Headingley Care",
    )
    assert (line.unit_price_pence, line.quantity_hundredths, line.stream_id) == (
        2250,
        600,
        world.dp.id,
    )
    assert [o.id for o in line.outcomes] == [world.plan.outcomes[0].id]
    assert (line.days, line.time_bands) == (["mon"], ["morning"])
    shown = broker.get(f"/plans/{world.plan.id}/build")
    notice = change_notice(shown, f"line-{line.id}")
    assert "Added “Morning care visits” to the package." in notice
    # £22.50 x 6 x 52 = £7,020 a year; the package has an outcome no line serves (a warning
    # until the plan is submitted).
    assert "The package now costs £135.00 a week (£7,020.00 a year)." in notice
    assert "See the checks: 1 warning, nothing that must be fixed." in notice
    assert '<a class="govuk-notification-banner__link" href="#checks">' in text(shown)
    banner = 'data-module="govuk-notification-banner"'
    assert text(shown).count(banner) == 1  # not at the top as well
    assert banner not in text(broker.get(f"/plans/{world.plan.id}/build"))  # and only once


def test_the_stream_list_marks_which_streams_may_pay_for_the_offer(app, world):
    html = text(
        client_for(app, world.broker).get(
            f"/plans/{world.plan.id}/build/add?offer={world.managed_only.id}"
        )
    )
    assert "Direct payment (cannot pay for this)" in html
    assert re.search(
        rf'<option value="{world.managed.id}" selected>Council-managed \(can pay', html
    )
    assert re.search(r'<option value="days" selected>days</option>', html)


def test_adding_a_personal_assistant_with_days_and_times(app, session, world):
    pa = make_pa(display_name="Asha K", availability=["mon:morning", "tue:morning"])
    broker = client_for(app, world.broker)
    url = f"/plans/{world.plan.id}/build/add?pa={pa.id}"
    page = page_text(broker.get(url))
    assert "Asha K" in page and "£16.50 an hour" in page and "When they are available" in page
    # Seven columns of availability scroll in their own box on a phone, not the whole page.
    assert 'role="region" aria-label="When Asha K is available" tabindex="0"' in text(
        broker.get(url)
    )
    refused = broker.post(url, data=line_form(world, days=["mon", "sat"], time_bands=["morning"]))
    assert "Asha K is not available on Saturday morning" in error_summary(refused)
    assert lines(session, world.plan.id) == []
    added = broker.post(url, data=line_form(world, days=["mon", "tue"], time_bands=["morning"]))
    assert added.status_code == 302
    [line] = lines(session, world.plan.id)
    assert (line.kind, line.pa_profile_id, line.unit_price_pence) == ("pa", pa.id, 1650)
    assert line.description == "Personal assistant: Asha K"
    assert (line.days, line.time_bands) == (["mon", "tue"], ["morning"])


def test_a_personal_assistant_without_the_holders_checks_is_refused_at_the_top(app, session, world):
    from marketplace.holders.models import HolderRecord

    record = session.get(HolderRecord, world.holder.id)
    record.required_checks = ["enhanced_dbs", "driving_licence"]
    session.commit()
    pa = make_pa(display_name="Asha K", checks=("enhanced_dbs",))
    response = client_for(app, world.broker).post(
        f"/plans/{world.plan.id}/build/add?pa={pa.id}", data=line_form(world)
    )
    summary = error_summary(response)
    assert 'href="#what"' in summary
    assert "Asha K has no Driving licence, which Amira Holder asks for" in summary
    assert lines(session, world.plan.id) == []


def test_adding_unpaid_support(app, session, world):
    broker = client_for(app, world.broker)
    url = f"/plans/{world.plan.id}/build/add?kind=unpaid"
    page = page_text(broker.get(url))
    assert "Add unpaid support to the package" in page and "Paid from" not in page
    data = line_form(
        world,
        description="Dad helps with shopping",
        provider_name="Dad",
        quantity_hundredths="2",
        stream_id=None,
        outcome_ids=[str(o.id) for o in world.plan.outcomes],
    )
    assert broker.post(url, data=data).status_code == 302
    [line] = lines(session, world.plan.id)
    assert (line.kind, line.description, line.provider_name) == (
        "unpaid",
        "Dad helps with shopping",
        "Dad",
    )
    assert (line.unit_price_pence, line.stream_id, len(line.outcomes)) == (0, None, 2)
    refused = broker.post(url, data={**data, "description": ""})
    assert "Describe the support" in error_summary(refused)
    assert len(lines(session, world.plan.id)) == 1


def test_a_direct_payment_for_long_term_residential_care_is_refused_naming_the_rule(
    app, session, world
):
    home = make_offer(
        org_in("LS6", name="Oak House"),
        title="Oak House residential care",
        category="long-term-residential",
        price_pence=90000,
        price_unit="week",
        pay_dp=False,
    )
    response = client_for(app, world.broker).post(
        f"/plans/{world.plan.id}/build/add?offer={home.id}",
        data=line_form(world, unit="items", quantity_hundredths="1"),
    )
    summary = error_summary(response)
    assert "A direct payment cannot pay for long-term residential care" in summary
    assert 'href="#stream_id"' in summary
    assert lines(session, world.plan.id) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quantity_hundredths": "0"}, "quantity_hundredths", "The number must be more than 0"),
        ({"quantity_hundredths": "-2"}, "quantity_hundredths", "The number must be more than 0"),
        ({"quantity_hundredths": ""}, "quantity_hundredths", "Enter how many, like 6 or 1.5"),
        (
            {"start_on": ["10", "6", "2025"], "end_on": ["1", "6", "2025"]},
            "end_on-day",
            "The end date must be the same as or after the start date",
        ),
        ({"frequency": "daily"}, "frequency", "Choose how often"),
        ({"stream_id": "abc"}, "stream_id", "Choose a budget stream from the list"),
    ],
)
def test_bad_input_answers_400_at_the_field_and_saves_nothing(
    app, session, world, changes, field, message
):
    response = client_for(app, world.broker).post(
        f"/plans/{world.plan.id}/build/add?offer={world.near.id}", data=line_form(world, **changes)
    )
    summary = error_summary(response)
    assert message in summary and f'href="#{field}"' in summary
    assert lines(session, world.plan.id) == []


def test_a_stream_or_outcome_of_someone_else_is_refused(app, session, world):
    other = make_holder(world.council)
    other_budget = make_budget(other, world.council, set_by=world.officer)
    other_plan = make_plan(other, council=world.council)
    broker = client_for(app, world.broker)
    url = f"/plans/{world.plan.id}/build/add?offer={world.near.id}"
    stream = broker.post(url, data=line_form(world, stream_id=str(other_budget.streams[0].id)))
    assert "That budget stream is not one of this person's" in error_summary(stream)
    outcome = broker.post(url, data=line_form(world, outcome_ids=[str(other_plan.outcomes[0].id)]))
    assert "from the list" in error_summary(outcome)
    assert lines(session, world.plan.id) == []


@pytest.mark.parametrize(
    "query",
    ["", "offer=", "offer=abc", "offer=999999", "offer=99999999999", "pa=0", "kind=text"],
)
def test_adding_an_unknown_listing_is_not_found(app, world, query):
    response = client_for(app, world.broker).get(f"/plans/{world.plan.id}/build/add?{query}")
    assert response.status_code == 404


def test_adding_an_unpublished_listing_or_two_at_once_is_not_found(app, world):
    draft = make_offer(org_in("LS6"), title="Draft offer", status="draft")
    hidden_pa = make_pa(status="draft")
    broker = client_for(app, world.broker)
    for query in (
        f"offer={draft.id}",
        f"pa={hidden_pa.id}",
        f"offer={world.near.id}&pa={hidden_pa.id}",
    ):
        assert broker.get(f"/plans/{world.plan.id}/build/add?{query}").status_code == 404
        assert broker.post(f"/plans/{world.plan.id}/build/add?{query}").status_code == 404


# --- swapping a line ------------------------------------------------------------------------------


def test_swapping_to_a_suggested_offer_keeps_quantity_stream_and_outcomes(app, session, world):
    dear = make_offer(org_in("LS8", name="Dear Care"), title="Dear care", price_pence=3000)
    cheap = make_offer(org_in("LS6", name="Cheap Care"), title="Cheap care", price_pence=2000)
    line = add_offer_line(
        session, world, dear, days=["mon"], time_bands=["morning"], frequency="fortnight"
    )
    broker = client_for(app, world.broker)
    swapped = broker.post(
        f"/plans/{world.plan.id}/lines/{line.id}/swap", data={"offer_id": str(cheap.id)}
    )
    assert swapped.status_code == 302
    assert swapped.headers["Location"].endswith(f"/build#line-{line.id}")
    [after] = lines(session, world.plan.id)
    assert (after.offer_id, after.description, after.provider_name, after.unit_price_pence) == (
        cheap.id,
        "Cheap care",
        "Cheap Care",
        2000,
    )
    assert (after.quantity_hundredths, after.frequency, after.stream_id) == (
        600,
        "fortnight",
        world.dp.id,
    )
    assert [o.id for o in after.outcomes] == [world.plan.outcomes[0].id]
    assert (after.days, after.time_bands, after.start_on) == (["mon"], ["morning"], line.start_on)
    notice = change_notice(broker.get(f"/plans/{world.plan.id}/build"), f"line-{line.id}")
    assert "Swapped “Dear care” for “Cheap care”." in notice
    # £20 x 6 x 26 = £3,120 a year: £60.00 a week.
    assert "The package now costs £60.00 a week (£3,120.00 a year)." in notice


def test_swapping_to_an_offer_not_suggested_is_refused(app, session, world):
    dear = make_offer(org_in("LS8", name="Dear Care"), title="Dear care", price_pence=3000)
    dearer = make_offer(org_in("LS8", name="Dearer Care"), title="Dearer", price_pence=4000)
    line = add_offer_line(session, world, dear)
    broker = client_for(app, world.broker)
    for offer_id in (str(dearer.id), str(world.managed_only.id), "abc", ""):
        refused = broker.post(
            f"/plans/{world.plan.id}/lines/{line.id}/swap", data={"offer_id": offer_id}
        )
        summary = error_summary(refused)
        assert "That service is no longer suggested for this line: search again" in summary
        assert f'href="#line-{line.id}"' in summary
    [after] = lines(session, world.plan.id)
    assert (after.offer_id, after.unit_price_pence) == (dear.id, 3000)
    missing = broker.post(f"/plans/{world.plan.id}/lines/999999/swap", data={"offer_id": "1"})
    assert missing.status_code == 404


# --- removing a line -----------------------------------------------------------------------------


def test_removing_a_line_in_the_builder_comes_back_to_the_builder(app, session, world):
    kept = add_offer_line(session, world, world.near)
    gone = add_offer_line(session, world, world.managed_only, stream_id=world.managed.id)
    broker = client_for(app, world.broker)
    removed = broker.post(f"/plans/{world.plan.id}/build/lines/{gone.id}/remove")
    assert removed.status_code == 302
    assert removed.headers["Location"].endswith(f"/plans/{world.plan.id}/build#lines")
    assert [line.id for line in lines(session, world.plan.id)] == [kept.id]
    notice = change_notice(broker.get(f"/plans/{world.plan.id}/build"), "lines")
    assert "Removed “Meanwood day centre” from the package." in notice
    assert "The package now costs £135.00 a week (£7,020.00 a year)." in notice
    missing = broker.post(f"/plans/{world.plan.id}/build/lines/{gone.id}/remove")
    assert missing.status_code == 404
    assert len(lines(session, world.plan.id)) == 1


# --- who may do what ------------------------------------------------------------------------------


def test_someone_elses_plan_is_not_found_on_every_route(app, session, world):
    other = make_holder(world.council)
    other_plan = make_plan(other, council=world.council)
    line = add_offer_line(session, world, world.near)
    stranger = client_for(app, link_broker(other, make_user(Role.BROKER)))
    for client in (stranger, client_for(app, make_user(Role.HOLDER))):
        assert client.get(f"/plans/{world.plan.id}/build").status_code == 404
        add = f"/plans/{world.plan.id}/build/add?offer={world.near.id}"
        assert client.get(add).status_code == 404
        assert client.post(add, data=line_form(world)).status_code == 404
        swap = f"/plans/{world.plan.id}/lines/{line.id}/swap"
        assert client.post(swap, data={"offer_id": str(world.near.id)}).status_code == 404
        remove = f"/plans/{world.plan.id}/build/lines/{line.id}/remove"
        assert client.post(remove).status_code == 404
    # The broker's own plan page works; a line id of another plan is not found.
    mine = client_for(app, world.broker)
    assert mine.get(f"/plans/{other_plan.id}/build").status_code == 404
    assert count(session, PlanLine) == 1


def test_a_plan_that_is_not_a_draft_is_read_only(app, session, world):
    line = add_offer_line(session, world, world.near)
    plan = session.get(SupportPlan, world.plan.id)
    plan.status, plan.submitted_at = "approved", plan.created_at
    plan.review_due_on = plan.year_start.replace(year=plan.year_start.year + 1)
    session.commit()
    broker = client_for(app, world.broker)
    response = broker.get(f"/plans/{world.plan.id}/build")
    assert response.status_code == 200
    page = page_text(response)
    assert "This plan is approved and locked; start a new revision to change it." in page
    assert "Start a new revision" in page and "Morning care visits" in page
    html = text(response)
    assert "Add to plan" not in html and 'id="results"' not in html
    assert f"/lines/{line.id}/swap" not in html and "Submit plan to the council" not in html
    add = broker.get(f"/plans/{world.plan.id}/build/add?offer={world.near.id}")
    assert add.status_code == 302 and add.headers["Location"].endswith(f"/plans/{world.plan.id}")
    posted = broker.post(
        f"/plans/{world.plan.id}/build/add?offer={world.near.id}", data=line_form(world)
    )
    assert posted.status_code == 302
    swap = broker.post(f"/plans/{world.plan.id}/lines/{line.id}/swap", data={"offer_id": "1"})
    assert swap.status_code == 302
    remove = broker.post(f"/plans/{world.plan.id}/build/lines/{line.id}/remove")
    assert remove.status_code == 302
    assert remove.headers["Location"].endswith(f"/plans/{world.plan.id}")
    assert len(lines(session, world.plan.id)) == 1


def test_an_officer_sees_the_package_but_cannot_change_it(app, session, world):
    add_offer_line(session, world, world.near)
    officer = client_for(app, world.officer)
    response = officer.get(f"/plans/{world.plan.id}/build")
    assert response.status_code == 200
    page = page_text(response)
    assert "You can see this package and its checks" in page and "Morning care visits" in page
    assert "Add to plan" not in page and "Start a new revision" not in page
    add = f"/plans/{world.plan.id}/build/add?offer={world.near.id}"
    assert officer.get(add).status_code == 404


def test_reading_the_builder_and_the_add_page_is_audited(app, session, world):
    broker = client_for(app, world.broker)
    broker.get(f"/plans/{world.plan.id}/build")
    broker.get(f"/plans/{world.plan.id}/build/add?kind=unpaid")
    reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "read")).all()
    assert [(r.actor_id, r.subject_type, r.subject_id, r.holder_id) for r in reads] == [
        (world.broker.id, "plan", world.plan.id, world.holder.id)
    ] * 2


def test_posts_without_a_csrf_token_are_refused(app, session, world):
    line = add_offer_line(session, world, world.near)
    broker = client_for(app, world.broker)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in (
            f"/plans/{world.plan.id}/build",
            f"/plans/{world.plan.id}/build/add?offer={world.near.id}",
        ):
            response = broker.get(url)
            assert response.status_code == 200
            forms = re.findall(r'<form[^>]*method="post".*?</form>', text(response), flags=re.S)
            assert forms and all('name="csrf_token"' in form for form in forms)
        add = broker.post(
            f"/plans/{world.plan.id}/build/add?offer={world.near.id}", data=line_form(world)
        )
        assert add.status_code == 400
        swap = broker.post(
            f"/plans/{world.plan.id}/lines/{line.id}/swap", data={"offer_id": str(world.near.id)}
        )
        assert swap.status_code == 400
        remove = broker.post(f"/plans/{world.plan.id}/build/lines/{line.id}/remove")
        assert remove.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
        g.pop("csrf_token", None)
    assert len(lines(session, world.plan.id)) == 1


def test_the_holder_reads_about_themselves_as_you(app, world):
    page = page_text(client_for(app, world.holder).get(f"/plans/{world.plan.id}/build"))
    assert "Find services and personal assistants for you," in page
    assert "The search starts with what suits you: near LS6" in page
    assert "Amira Holder" not in page.split("Search the directory")[1].split("Looking for")[0]
    broker = page_text(client_for(app, world.broker).get(f"/plans/{world.plan.id}/build"))
    assert "Find services and personal assistants for Amira Holder," in broker


def test_a_holder_with_no_area_or_budget_searches_anywhere(app, session, world):
    holder = make_holder(None, name="Nomad Holder")
    plan = make_plan(holder)
    response = client_for(app, holder).get(f"/plans/{plan.id}/build")
    assert response.status_code == 200
    html = text(response)
    assert '<option value="any" selected>Anywhere</option>' in html
    assert "Within 10 km" not in html
    assert '<option value="" selected>Any way of paying</option>' in html
    found = results_of(response)
    assert "Morning care visits" in found and "Edinburgh home care" in found
    near = client_for(app, holder).get(
        f"/plans/{plan.id}/build", query_string={"q": "", "kind": "offer", "radius": "10"}
    )
    assert "Choose a distance from the list" in error_summary(near)
