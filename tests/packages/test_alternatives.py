"""Cheaper or closer alternatives: which offers are suggested, in what order, and what they say.

The holder lives in LS6. The line's own offer is run from LS8 (4 km away) at £22.50 an hour,
6 hours a week, paid by the direct payment unless a test says otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.extensions import db
from marketplace.packages.alternatives import alternatives_for, alternatives_for_plan
from marketplace.plans.models import PlanLine
from tests.conftest import statements_run
from tests.factories import (
    make_budget,
    make_council,
    make_holder,
    make_offer,
    make_organisation,
    make_pa,
    make_plan,
)

LEEDS = ("LS1", "LS2", "LS6", "LS7", "LS8", "LS17")


@pytest.fixture
def world(session: Any) -> dict[str, Any]:
    council = make_council(districts=LEEDS)
    holder = make_holder(council, district="LS6")
    budget = make_budget(
        holder, council, streams=(("dp", 2_000_000), ("managed", 2_000_000), ("other", 500_000))
    )
    plan = make_plan(holder, council=council)
    streams = {s.kind: s for s in budget.streams}
    own = offer_at("LS8", 2250)
    return {"council": council, "plan": plan, "streams": streams, "own": own}


def offer_at(district: str, price: int, organisation: Any = None, **fields: Any) -> Any:
    """An offer delivered at home by an organisation based in ``district`` serving Leeds."""
    organisation = organisation or make_organisation(
        base_district=district, service_districts=list(LEEDS)
    )
    return make_offer(organisation, price_pence=price, **fields)


def add_line(world: dict[str, Any], offer: Any = None, **fields: Any) -> PlanLine:
    plan = world["plan"]
    offer = offer or world["own"]
    values: dict[str, Any] = {
        "kind": "offer",
        "offer_id": offer.id if offer is not None else None,
        "description": "Support",
        "frequency": "week",
        "quantity_hundredths": 600,
        "unit": "hours",
        "unit_price_pence": offer.price_pence if offer is not None else 2250,
        "stream_id": world["streams"]["dp"].id,
        "start_on": plan.year_start,
        "position": len(plan.lines),
    }
    values.update(fields)
    line = PlanLine(**values)
    plan.lines.append(line)
    db.session.commit()
    return line


def suggested(world: dict[str, Any], line: PlanLine, **kwargs: Any) -> list[Any]:
    return alternatives_for(db.session, world["plan"], line, **kwargs)


def ids(alternatives: list[Any]) -> list[int]:
    return [a.offer.id for a in alternatives]


def test_cheaper_offers_come_first_biggest_saving_first(world: dict[str, Any]) -> None:
    line = add_line(world)
    a = offer_at("LS8", 2000)
    b = offer_at("LS8", 1900)
    found = suggested(world, line)
    assert ids(found) == [b.id, a.id]
    assert found[0].price_difference_pence == -350
    assert found[0].annual_saving_pence == 350 * 6 * 52
    assert found[0].reasons == ["cheaper"]


def test_at_the_same_price_only_a_closer_offer_is_suggested(world: dict[str, Any]) -> None:
    line = add_line(world)
    closer = offer_at("LS6", 2250)
    offer_at("LS8", 2250)  # same price, same place: no reason to swap
    offer_at("LS8", 2300)  # dearer and no closer
    dearer_closer = offer_at("LS6", 2400)
    found = suggested(world, line)
    assert ids(found) == [closer.id, dearer_closer.id]
    assert found[0].reasons == ["closer"]
    assert found[0].distance_km == 0.0
    assert found[1].annual_saving_pence == -150 * 6 * 52


def test_a_cheaper_offer_ranks_above_a_closer_one_then_nearness_then_rating(
    world: dict[str, Any],
) -> None:
    line = add_line(world)
    near_same_price = offer_at("LS6", 2250)
    far_cheap = offer_at("LS17", 2000)
    good = make_organisation(
        base_district="LS8", service_districts=list(LEEDS), regulator="cqc", rating="good"
    )
    rated_cheap = offer_at("LS8", 2000, good)
    near_cheap = offer_at("LS7", 2000)
    found = suggested(world, line, limit=10)
    assert ids(found) == [near_cheap.id, rated_cheap.id, far_cheap.id, near_same_price.id]


def test_the_streams_pay_flag_decides_what_is_suggested(world: dict[str, Any]) -> None:
    managed_line = add_line(world, stream_id=world["streams"]["managed"].id)
    not_managed = offer_at("LS8", 2000, pay_managed=False)
    managed_ok = offer_at("LS8", 2100, pay_dp=False)
    assert ids(suggested(world, managed_line)) == [managed_ok.id]
    dp_line = add_line(world)
    assert ids(suggested(world, dp_line)) == [not_managed.id]


def test_a_direct_payment_is_not_offered_a_council_run_service(world: dict[str, Any]) -> None:
    line = add_line(world)
    council_run = make_organisation(
        kind="council_run", base_district="LS8", service_districts=list(LEEDS)
    )
    offer = offer_at("LS8", 2000, council_run)
    assert suggested(world, line) == []
    managed_line = add_line(world, stream_id=world["streams"]["managed"].id)
    assert ids(suggested(world, managed_line)) == [offer.id]


def test_an_other_stream_may_pay_for_any_offer(world: dict[str, Any]) -> None:
    line = add_line(world, stream_id=world["streams"]["other"].id)
    none_of_the_three = offer_at("LS8", 2000, pay_dp=False, pay_managed=False, pay_isf=False)
    assert ids(suggested(world, line)) == [none_of_the_three.id]


def test_offers_serving_other_councils_are_left_out_unless_online(
    world: dict[str, Any],
) -> None:
    line = add_line(world)
    manchester = make_council(code="E08000003", name="Manchester", districts=("M1",))
    away = make_organisation(base_district="M1", service_districts=["M1"])
    offer_at("M1", 1500, away)
    online = offer_at("M1", 1600, away, deliver_home=False, deliver_online=True)
    found = suggested(world, line)
    assert manchester.id != world["council"].id
    assert ids(found) == [online.id]
    assert found[0].distance_km is None  # where an online service is run from does not matter
    assert found[0].explanation == "£6.50/hour cheaper, not yet rated"


def test_unpublished_offers_and_offers_of_unpublished_organisations_are_left_out(
    world: dict[str, Any],
) -> None:
    line = add_line(world)
    offer_at("LS8", 1500, status="draft")
    offer_at("LS8", 1500, status="suspended")
    hidden = make_organisation(base_district="LS8", service_districts=list(LEEDS))
    offer_at("LS8", 1500, hidden)
    hidden.status = "suspended"
    full = offer_at("LS8", 1500, capacity=10, vacancies=0)
    db.session.commit()
    assert suggested(world, line) == []
    full.vacancies = 2
    db.session.commit()
    assert ids(suggested(world, line)) == [full.id]


def test_only_offers_priced_in_the_same_unit_are_compared(world: dict[str, Any]) -> None:
    line = add_line(world)
    offer_at("LS8", 1000, price_unit="session")
    offer_at("LS6", 1000, price_unit="day")
    hourly = offer_at("LS8", 2000)
    assert ids(suggested(world, line)) == [hourly.id]


def test_a_free_offer_is_compared_exactly_whatever_the_unit(world: dict[str, Any]) -> None:
    line = add_line(world, offer=offer_at("LS8", 2250, category="befriending"))
    free = offer_at("LS8", 0, price_unit="free", category="befriending")
    found = suggested(world, line)
    assert ids(found) == [free.id]
    assert found[0].annual_saving_pence == 2250 * 6 * 52
    assert found[0].explanation == "Free instead of £22.50/hour"


def test_other_categories_are_not_alternatives(world: dict[str, Any]) -> None:
    line = add_line(world)
    offer_at("LS6", 1000, category="home-help")
    assert suggested(world, line) == []


def test_ties_are_ordered_by_offer_id(world: dict[str, Any]) -> None:
    line = add_line(world)
    first = offer_at("LS7", 2000)
    second = offer_at("LS7", 2000)
    third = offer_at("LS7", 2000)
    assert ids(suggested(world, line)) == [first.id, second.id, third.id]
    assert ids(suggested(world, line, limit=2)) == [first.id, second.id]


def test_at_most_three_by_default(world: dict[str, Any]) -> None:
    line = add_line(world)
    offers = [offer_at("LS8", 1500 + i) for i in range(5)]
    assert ids(suggested(world, line)) == [o.id for o in offers[:3]]
    assert len(suggested(world, line, limit=5)) == 5


def test_explanation_cheaper_closer_and_rated(world: dict[str, Any]) -> None:
    line = add_line(world)
    good = make_organisation(
        base_district="LS6", service_districts=list(LEEDS), regulator="cqc", rating="good"
    )
    offer_at("LS6", 1900, good)
    [found] = suggested(world, line)
    assert found.explanation == "£3.50/hour cheaper, 4 km closer, rated Good"
    assert found.reasons == ["cheaper", "closer"]
    assert found.rating == "good"
    assert found.as_dict()["annual_saving_pence"] == 350 * 6 * 52
    assert found.as_dict()["explanation"] == found.explanation


@pytest.mark.parametrize(
    ("district", "price", "expected"),
    [
        ("LS8", 1300, "£2.00/hour cheaper"),
        ("LS17", 1000, "£5.00/hour cheaper, 1 km farther"),
        ("LS6", 1500, "Same price, 4 km closer"),
    ],
    ids=["only-cheaper", "cheaper-but-farther", "only-closer"],
)
def test_explanation_of_unregulated_offers(
    world: dict[str, Any], district: str, price: int, expected: str
) -> None:
    line = add_line(world, offer=offer_at("LS8", 1500, category="home-help"))
    offer_at(district, price, category="home-help")
    [found] = suggested(world, line)
    assert found.explanation == expected


def test_explanation_not_yet_rated_for_regulated_care(world: dict[str, Any]) -> None:
    line = add_line(world)
    offer_at("LS8", 2150)
    [found] = suggested(world, line)
    assert found.explanation == "£1.00/hour cheaper, not yet rated"
    assert found.rating is None


def test_explanation_for_an_agreed_price_compares_with_what_the_plan_pays(
    world: dict[str, Any],
) -> None:
    line = add_line(world, unit_price_pence=2000, price_agreed=True)
    offer_at("LS8", 2100)
    closer = offer_at("LS6", 2100)
    [found] = suggested(world, line)
    assert found.offer.id == closer.id
    assert found.explanation == "£1.00/hour more, 4 km closer, not yet rated"


def test_a_pas_offer_is_placed_at_their_home_and_not_rated(world: dict[str, Any]) -> None:
    own = offer_at("LS8", 1800, category="personal-assistant")
    line = add_line(world, offer=own)
    pa = make_pa(home_district="LS6", travel_km=10)
    make_offer(None, pa_profile=pa, category="personal-assistant", price_pence=1650)
    [found] = suggested(world, line)
    assert found.offer.pa_profile_id == pa.id
    assert found.explanation == "£1.50/hour cheaper, 4 km closer"


def test_lines_without_an_offer_or_a_stream_get_nothing(world: dict[str, Any]) -> None:
    offer_at("LS6", 1000)
    no_stream = add_line(world, stream_id=None)
    text = add_line(world, kind="text", offer_id=None)
    unpaid = add_line(world, kind="unpaid", offer_id=None, unit_price_pence=0, stream_id=None)
    paid = add_line(world)
    for line in (no_stream, text, unpaid):
        assert suggested(world, line) == []
    found = alternatives_for_plan(db.session, world["plan"])
    assert list(found) == [paid.id]
    assert len(found[paid.id]) == 1


def test_a_holder_without_a_council_sees_only_online_offers(session: Any) -> None:
    council = make_council(districts=LEEDS)
    holder = make_holder(None)
    budget = make_budget(holder, council)
    plan = make_plan(holder)
    own = offer_at("LS8", 2250)
    offer_at("LS8", 2000)
    online = offer_at("LS8", 2100, deliver_home=False, deliver_online=True)
    line = PlanLine(
        kind="offer",
        offer_id=own.id,
        description="Care",
        quantity_hundredths=100,
        unit_price_pence=2250,
        stream_id=budget.streams[0].id,
        start_on=plan.year_start,
    )
    plan.lines.append(line)
    session.commit()
    found = alternatives_for(session, plan, line)
    assert ids(found) == [online.id]
    assert found[0].explanation == "£1.50/hour cheaper, not yet rated"


def test_plan_alternatives_match_each_line_and_take_a_handful_of_queries(
    world: dict[str, Any],
) -> None:
    care_offers = [offer_at("LS8", 2000 + i) for i in range(4)]
    help_own = offer_at("LS8", 1500, category="home-help")
    help_cheaper = offer_at("LS7", 1200, category="home-help")
    lines = [add_line(world) for _ in range(6)]
    lines += [add_line(world, offer=help_own) for _ in range(6)]
    lines.append(add_line(world, stream_id=world["streams"]["managed"].id))
    plan = world["plan"]
    db.session.expire_all()  # start cold: nothing of the plan loaded yet
    with statements_run() as statements:
        found = alternatives_for_plan(db.session, plan)
    # plan, lines, their offers, their streams, the holder, one query per (category, stream)
    assert len(statements) <= 8, statements
    assert set(found) == {line.id for line in lines}
    for line in lines:
        assert ids(found[line.id]) == ids(alternatives_for(db.session, plan, line))
    assert ids(found[lines[0].id]) == [o.id for o in care_offers[:3]]
    assert ids(found[lines[6].id]) == [help_cheaper.id]
