"""Grace Thompson (holder@demo.example): the budget holder the README walks through.

Leeds, LS6. She has multiple sclerosis and works two days a week. Her son David
(representative@demo.example) acts for her and Priya Sharma (broker@demo.example) is her broker.
Her budget for the current plan year is a mixed package: £180 a week as a direct payment for her
PA, £120 a week council-managed, an Individual Service Fund with Aire Valley Home Care for home
care visits, and Access to Work money for taxis to work. Her support plan is a draft she can
finish, and the package builder's showcase: it keeps every package rule (``packages.rules``), so
it shows no errors. Her PA, Joanne W. (pa@demo.example), holds the Enhanced DBS check Grace asks
for, lives in LS6 too, and comes on the weekday mornings her availability lists; a home help
service is paid by the council-managed budget; the craft group is free; David's help is unpaid;
every outcome is served. The PA's hours spend most of the direct payment, so the one warning is
that it is near its limit.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from marketplace.clock import financial_year_start, plan_year_end
from marketplace.demo import support as plans
from marketplace.demo.care_records import (
    AssessmentPlan,
    BrokerLinkPlan,
    BudgetPlan,
    EventPlan,
    HolderPlan,
    LinePlan,
    OutcomePlan,
    RepresentationPlan,
    StreamPlan,
    SupportPlanPlan,
)
from marketplace.demo.market import Market
from marketplace.demo.ras import RAS_TABLES, score
from marketplace.demo.records import UserPlan

LEEDS = "E08000035"
# Her answers to the Leeds questionnaire: 62 points, in the £19,500 band.
LEVELS = {
    "personal_care": 2,
    "eating": 1,
    "mobility": 3,
    "medication": 1,
    "safety": 1,
    "daily_living": 2,
    "relationships": 1,
    "community": 2,
    "carer": 3,
    "decisions": 0,
}
DP_WEEKLY, MANAGED_WEEKLY, ISF_WEEKLY = 18000, 12000, 8500
ACCESS_TO_WORK = 286_000  # £2,860 a year: up to £55 a week of taxis
TAXI_FARE = 1150  # four journeys a week: £46, 84% of the grant
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
# The ISF holder's visits Grace would choose, first found first.
VISITS = ("Home care visits", "Short care calls", "Meal preparation visits")
CONTRIBUTION = 104_000  # £20 a week
WHAT_MATTERS = (
    "I have multiple sclerosis. I want to keep my job at the library two days a week, stay in my "
    "own home in Headingley, and keep seeing my friends at the Thursday craft group. I would "
    "rather have one or two people I know helping me than a different carer every day."
)
OUTCOMES = (
    OutcomePlan(
        "paid-work",
        "Keep my job at the library",
        "Access to Work pays for a taxi on my work days; my PA helps me get ready on the "
        "mornings she comes.",
    ),
    OutcomePlan(
        "independence",
        "Stay in my own home and get up on my own timetable",
        "My PA comes in the mornings for personal care and breakfast. The council arranges help "
        "around the house, and Aire Valley Home Care, who hold part of my budget, come in on "
        "the days my legs are bad.",
    ),
    OutcomePlan(
        "community",
        "Keep going to the Thursday craft group",
        "The craft group is free, and David drives me there.",
    ),
)


def _at(today: date, days_ago: int, hour: int) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(hour))


def plan_featured(
    seed: int,
    today: date,
    market: Market,
    *,
    holder: UserPlan,
    representative: UserPlan,
    broker: UserPlan,
    officer: str,
    pa_email: str,
    provider: str,
) -> HolderPlan:
    rng = random.Random(f"{seed}/holder/featured")
    year = financial_year_start(today)
    scored = score(RAS_TABLES[LEEDS], LEVELS)
    budget = BudgetPlan(
        year,
        plan_year_end(year),
        CONTRIBUTION,
        [
            StreamPlan("dp", DP_WEEKLY * 52, True),
            StreamPlan("managed", MANAGED_WEEKLY * 52, True),
            StreamPlan("isf", ISF_WEEKLY * 52, True, organisation=provider),
            StreamPlan("other", ACCESS_TO_WORK, False, label="Access to Work"),
        ],
        officer,
        _at(today, 30, 11),
        indicative_pence=scored.indicative_pence,
        uses_assessment=True,
    )
    council_share = (DP_WEEKLY + MANAGED_WEEKLY + ISF_WEEKLY) * 52
    budget.variance_reason = (
        f"£{(council_share - scored.indicative_pence) // 100:,} a year above the indicative "
        "budget for the home care visits agreed at the assessment visit. Access to Work (£2,860 a year) "
        "is held alongside the council's money."
    )
    start_on = min(max(year, today + timedelta(days=14)), plan_year_end(year))
    record = {
        "postcode": "LS6 3HN",
        "district": "LS6",
        "lacks_capacity": False,
        "required_checks": ["enhanced_dbs"],
        "preferred_gender": "female",
        "languages": [],
        "needs_driver": False,
        "non_smoker": True,
        "has_pets": False,
        "other_preferences": "I work at the library on Tuesdays and Thursdays: on those days "
        "I need to be up and ready by 8.",
    }
    return HolderPlan(
        holder,
        LEEDS,
        _at(today, 400, 10),
        record,
        [budget],
        [
            SupportPlanPlan(
                year,
                1,
                holder.email,
                WHAT_MATTERS,
                list(OUTCOMES),
                _lines(rng, market, record, pa_email, provider, start_on, today),
                [
                    EventPlan(
                        None,
                        "draft",
                        holder.email,
                        _at(today, 10, 14),
                        "Started the plan with Priya, my broker.",
                    )
                ],
            )
        ],
        AssessmentPlan(
            scored.answers,
            scored.points,
            "bands",
            scored.working,
            scored.indicative_pence,
            broker.email,
            _at(today, 45, 15),
        ),
        RepresentationPlan(representative, "family", holder.email, _at(today, 200, 12)),
        BrokerLinkPlan(broker.email, "active", holder.email, _at(today, 60, 10), _at(today, 59, 9)),
        persona="physical_disability",
    )


def _lines(
    rng: random.Random,
    market: Market,
    record: dict[str, Any],
    pa_email: str,
    provider: str,
    start_on: date,
    today: date,
) -> list[LinePlan]:
    """Her PA, swimming, the craft group, home help, home care visits, taxis and her son's help.

    They keep the package rules. The PA is the documented one when she keeps the PA rules for
    Grace (else another who does), booked on the weekday mornings she is free. Offers are paid
    from streams they accept. The PA and swimming spend 90% or more of the direct payment (the
    near-the-limit warning the demo shows); the other streams stay below 90%."""

    def line(kind: str, description: str, who: str, stream: str | None, **more: object) -> LinePlan:
        made = LinePlan(kind, description, who, "week", 100, "hours", 0, stream, start_on, [])
        for name, value in more.items():
            setattr(made, name, value)
        return made

    swim = line(
        "text",
        "Swimming pool membership at the leisure centre, for my MS",
        "Kirkstall Leisure Centre",
        "dp",
        frequency="month",
        unit="items",
        unit_price_pence=3400,
        outcomes=[1],
    )
    lines = [swim]
    pas = plans.suitable_pas(market, record, plans.checks_needed_on(start_on, today))
    mornings = [p for p in pas if p.days_at("morning", WEEKDAYS)]
    pa = next((p for p in mornings if p.email == pa_email), mornings[0] if mornings else None)
    rate = pa.rate_pence if pa else 1825
    lines.insert(
        0,
        line(
            "pa" if pa else "text",
            "Personal assistant: getting up, personal care and breakfast",
            pa.display_name if pa else "Personal assistant",
            "dp",
            pa_email=pa.email if pa else None,
            quantity_hundredths=plans.fit(
                rate, "hours", "week", DP_WEEKLY * 52 - swim.annual_pence
            ),
            unit_price_pence=rate,
            days=pa.days_at("morning", WEEKDAYS) if pa else list(WEEKDAYS),
            time_bands=["morning"],
            outcomes=[0, 1],
        ),
    )
    lines.append(
        line(
            "text",
            "Thursday craft group at the community centre (free)",
            "Meanwood Community Centre",
            None,
            unit="sessions",
            days=["thu"],
            time_bands=["afternoon"],
            outcomes=[2],
        )
    )
    leeds = market.offers.get(LEEDS, [])
    own = [o for o in leeds if o.organisation == provider and "isf" in o.deployments]
    visits = next((o for title in VISITS for o in own if o.title.startswith(title)), None)
    for kind, offer, share in (
        ("managed", plans.pick_offer(rng, leeds, "managed", ("home-help",), MANAGED_WEEKLY), 80),
        ("isf", visits or plans.pick_offer(rng, own, "isf", ("personal-care",), ISF_WEEKLY), 85),
    ):
        if offer is None:
            continue
        weekly = {"managed": MANAGED_WEEKLY, "isf": ISF_WEEKLY}[kind]
        lines.append(
            line(
                "offer",
                offer.title,
                offer.organisation,
                kind,
                offer=(offer.organisation, offer.title),
                unit=offer.unit,
                unit_price_pence=offer.price_pence,
                quantity_hundredths=plans.fit(
                    offer.price_pence, offer.unit, "week", weekly * 52 * share // 100
                ),
                days=list(offer.days[:3]),
                time_bands=list(offer.time_bands[:1]),
                outcomes=[1],
            )
        )
    lines.append(
        line(
            "text",
            "Taxi to and from work on Tuesdays and Thursdays",
            "Access to Work",
            "other",
            unit="sessions",
            quantity_hundredths=400,
            unit_price_pence=TAXI_FARE,
            days=["tue", "thu"],
            outcomes=[0],
        )
    )
    lines.append(
        line(
            "unpaid",
            "David, my son, drives me to the craft group and does the big shop",
            "Family and friends",
            None,
            quantity_hundredths=300,
            outcomes=[2],
        )
    )
    return [made for made in lines if made.quantity_hundredths > 0]
