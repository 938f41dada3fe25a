"""One world for the quote tests (services, pages, API, browser): a Leeds holder with a budget
and a draft plan with one line, the people who plan for them, two home-care providers (each
with a staff member and a priced offer), a PA, and someone who has nothing to do with any of it.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from marketplace.extensions import db
from marketplace.permissions import Role
from marketplace.plans.models import PlanLine
from marketplace.quotes.answers import OfferTerms
from marketplace.quotes.requests import RequestInput
from tests.factories import (
    link_broker,
    link_representative,
    make_budget,
    make_council,
    make_holder,
    make_offer,
    make_organisation,
    make_pa,
    make_plan,
    make_user,
)


def make_quote_world() -> SimpleNamespace:
    leeds = make_council()
    holder = make_holder(leeds, name="Ada Holder")
    broker = link_broker(holder, make_user(Role.BROKER, name="Bea Broker"))
    representative = link_representative(holder, make_user(Role.REPRESENTATIVE, name="Rita Rep"))
    budget = make_budget(holder, leeds)
    plan = make_plan(holder)
    dp = next(s for s in budget.streams if s.kind == "dp")
    line = PlanLine(
        kind="text",
        description="Help getting up each morning",
        frequency="week",
        quantity_hundredths=1000,
        unit="hours",
        unit_price_pence=2000,
        stream_id=dp.id,
        start_on=plan.year_start,
        days=["mon", "tue", "wed", "thu", "fri"],
        time_bands=["morning"],
    )
    plan.lines.append(line)
    db.session.add(plan)
    db.session.commit()
    aire = make_organisation(name="Aire Valley Home Care", rating="good", regulator="cqc")
    kirk = make_organisation(name="Kirkstall Care", base_postcode="LS7 1AA", base_district="LS7")
    aire_offer = make_offer(aire, title="Home care visits", price_pence=2250)
    kirk_offer = make_offer(kirk, title="Morning support at home", price_pence=2400)
    aire_staff = make_user(Role.PROVIDER_STAFF, organisation=aire, name="Alan Aire")
    kirk_staff = make_user(Role.PROVIDER_ADMIN, organisation=kirk, name="Kim Kirk")
    pa = make_pa(make_user(Role.PA, name="Joanne Walker"), display_name="Joanne W.")
    other_holder = make_holder(leeds, name="Olga Other")
    stranger_broker = make_user(Role.BROKER, name="Sid Stranger")
    return SimpleNamespace(
        council=leeds,
        holder=holder,
        broker=broker,
        representative=representative,
        budget=budget,
        dp=dp,
        plan=plan,
        line=line,
        aire=aire,
        kirk=kirk,
        aire_offer=aire_offer,
        kirk_offer=kirk_offer,
        aire_staff=aire_staff,
        kirk_staff=kirk_staff,
        pa=pa,
        pa_user=pa.user,
        other_holder=other_holder,
        stranger_broker=stranger_broker,
    )


def request_input(world: SimpleNamespace, **changes: Any) -> RequestInput:
    """A request for the world's holder, for their plan line, to both providers."""
    values: dict[str, Any] = {
        "holder_id": world.holder.id,
        "offer_ids": [world.aire_offer.id, world.kirk_offer.id],
        "description": "Help getting up each morning",
        "details": "Washing, dressing and breakfast.",
        "frequency": "week",
        "quantity_hundredths": 1000,
        "unit": "hours",
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "time_bands": ["morning"],
        "start_on": date.today() + timedelta(days=14),
        "line_id": world.line.id,
    }
    values.update(changes)
    return RequestInput(**values)


def terms(**changes: Any) -> OfferTerms:
    """A complete quote: £21.50 an hour, 77/13.5/9.5, starting in three weeks, 48 hours' notice,
    a late cancellation charged in full."""
    values: dict[str, Any] = {
        "unit_price_pence": 2150,
        "direct_bp": 7700,
        "coordination_bp": 1350,
        "overheads_bp": 950,
        "start_on": date.today() + timedelta(days=21),
        "notice_hours": 48,
        "late_cancel_bp": 10000,
        "note": "We can start with a visit to meet you.",
    }
    values.update(changes)
    return OfferTerms(**values)


def everyone(world: SimpleNamespace) -> dict[str, Any]:
    """The world's people by role name, with the holder's council officer and outsiders of each
    kind made now: the role tables of the API tests."""
    return {
        "holder": world.holder,
        "representative": world.representative,
        "broker": world.broker,
        "aire": world.aire_staff,
        "kirk": world.kirk_staff,
        "pa": world.pa_user,
        "other holder": world.other_holder,
        "stranger broker": world.stranger_broker,
        "officer": make_user(Role.OFFICER, council=world.council),
        "other provider": make_user(
            Role.PROVIDER_ADMIN, organisation=make_organisation(name="Otley Care")
        ),
        "admin": make_user(Role.ADMIN),
    }
