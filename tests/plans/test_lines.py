"""Plan lines: what they cost (one rule, shared with budgets), the rules a line must keep, and
that a refused line saves nothing."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace import money
from marketplace.errors import InvalidTransition, NotFound, ValidationFailed
from marketplace.plans import services
from marketplace.plans.costing import line_cost, plan_costs
from marketplace.plans.lines import NOT_THEIR_STREAM, LineInput
from marketplace.plans.models import PlanLine, SupportPlan
from tests.factories import make_budget, make_holder, make_offer, make_pa, make_plan
from tests.plans.helpers import cast, count


def _line(**fields):
    values = {
        "kind": "text",
        "description": "Gym membership",
        "frequency": "week",
        "quantity_hundredths": 600,
        "unit": "hours",
        "unit_price_pence": 1550,
    }
    values.update(fields)
    return LineInput(**values)


@pytest.fixture
def draft(app, session):
    people = cast()
    return people, make_plan(people.holder, outcomes=("independence", "community"))


def _plan(session, plan_id):
    session.expire_all()
    return session.get(SupportPlan, plan_id)


def test_a_weekly_line_costs_price_times_quantity_times_52(app, session, draft):
    people, plan = draft
    dp = people.budget.streams[0]
    line = services.add_line(session, people.holder, plan.id, _line(stream_id=dp.id))
    cost = line_cost(line)
    assert cost.annual_pence == 1550 * 6 * 52 == money.weekly_to_annual(9300)
    assert (cost.weekly_pence, cost.weekly_remainder_pence) == (9300, 0)
    assert line.start_on == plan.year_start  # no start date: the plan year's start


@pytest.mark.parametrize(
    ("frequency", "quantity", "annual"),
    [("fortnight", 150, 2325 * 26), ("month", 100, 1550 * 12), ("once", 350, 5425)],
)
def test_other_frequencies_use_periods_per_year(app, session, draft, frequency, quantity, annual):
    people, plan = draft
    line = services.add_line(
        session,
        people.holder,
        plan.id,
        _line(frequency=frequency, quantity_hundredths=quantity),
    )
    assert line_cost(line).annual_pence == annual
    assert line_cost(line).weekly_pence == annual // 52
    assert line_cost(line).weekly_remainder_pence == annual % 52


def test_plan_costs_add_up_per_stream_and_in_all(app, session, draft):
    people, plan = draft
    dp, managed = people.budget.streams
    services.add_line(session, people.holder, plan.id, _line(stream_id=dp.id))
    services.add_line(
        session, people.holder, plan.id, _line(stream_id=dp.id, unit_price_pence=1000)
    )
    services.add_line(session, people.holder, plan.id, _line(quantity_hundredths=100))
    services.add_line(
        session,
        people.holder,
        plan.id,
        _line(kind="unpaid", description="Dad does the shopping", unit_price_pence=None),
    )
    costs = plan_costs(_plan(session, plan.id))
    by_id = {item.stream.id: item for item in costs.streams}
    assert by_id[dp.id].cost.annual_pence == (9300 + 6000) * 52
    assert by_id[managed.id].cost.annual_pence == 0
    assert costs.unassigned.annual_pence == 1550 * 52
    assert costs.total.annual_pence == (9300 + 6000 + 1550) * 52
    assert not costs.over_any_stream
    data = costs.as_dict()
    assert data["total"] == {
        "annual_pence": (9300 + 6000 + 1550) * 52,
        "weekly_pence": 9300 + 6000 + 1550,
        "weekly_remainder_pence": 0,
    }
    assert [s["stream_id"] for s in data["streams"]] == [dp.id, managed.id]


def test_a_stream_asked_for_more_than_it_holds_shows_by_how_much(app, session):
    people = cast(streams=(("dp", 52_000),))
    plan = make_plan(people.holder)
    [dp] = people.budget.streams
    services.add_line(session, people.holder, plan.id, _line(stream_id=dp.id))
    [item] = plan_costs(_plan(session, plan.id)).streams
    assert item.over_pence == 9300 * 52 - 52_000
    assert plan_costs(_plan(session, plan.id)).over_any_stream


def test_unpaid_support_costs_nothing_and_has_no_stream(app, session, draft):
    people, plan = draft
    line = services.add_line(
        session,
        people.holder,
        plan.id,
        _line(kind="unpaid", description="Neighbour visits", unit_price_pence=None),
    )
    assert (line.unit_price_pence, line.stream_id, line_cost(line).annual_pence) == (0, None, 0)


def test_unpaid_support_with_a_price_or_a_stream_is_refused(app, session, draft):
    people, plan = draft
    with pytest.raises(ValidationFailed) as refused:
        services.add_line(
            session,
            people.holder,
            plan.id,
            _line(kind="unpaid", unit_price_pence=500, stream_id=people.budget.streams[0].id),
        )
    assert set(refused.value.errors) == {"unit_price_pence", "stream_id"}
    assert count(session, PlanLine) == 0


def test_a_line_serves_outcomes_of_its_own_plan(app, session, draft):
    people, plan = draft
    first, second = plan.outcomes
    line = services.add_line(
        session, people.holder, plan.id, _line(outcome_ids=[second.id, first.id, second.id])
    )
    assert [o.id for o in line.outcomes] == [second.id, first.id]
    plan = _plan(session, plan.id)
    assert [line.description for line in plan.outcomes[0].lines] == ["Gym membership"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"quantity_hundredths": 0}, "quantity_hundredths", "The number must be more than 0"),
        ({"quantity_hundredths": -100}, "quantity_hundredths", "The number must be more than 0"),
        ({"quantity_hundredths": None}, "quantity_hundredths", "Enter how many, like 6 or 1.5"),
        ({"unit_price_pence": -1}, "unit_price_pence", "The price cannot be negative"),
        ({"unit_price_pence": None}, "unit_price_pence", "Enter the price for each"),
        ({"unit_price_pence": 10_000_001}, "unit_price_pence", "£100,000.00 or less"),
        ({"description": " "}, "description", "Describe the support"),
        ({"kind": "gift"}, "kind", "Choose what kind of support"),
        ({"frequency": "daily"}, "frequency", "Choose how often"),
        ({"unit": "litres"}, "unit", "Choose what the number counts"),
        (
            {"start_on": date(2026, 5, 1), "end_on": date(2026, 4, 30)},
            "end_on",
            "The end date must be the same as or after the start date",
        ),
        ({"days": ["mon", "someday"]}, "days", "Choose days from the list"),
        ({"kind": "offer"}, "offer_id", "Choose a service from the directory"),
        ({"kind": "offer", "offer_id": 999999}, "offer_id", "not in the directory"),
        ({"kind": "pa", "pa_profile_id": 999999}, "pa_profile_id", "not in the directory"),
        ({"offer_id": 1}, "offer_id", "Only a line for a directory service"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_a_line_breaking_a_rule_is_refused_and_nothing_is_saved(
    app, session, draft, fields, field, message
):
    people, plan = draft
    with pytest.raises(ValidationFailed) as refused:
        services.add_line(session, people.holder, plan.id, _line(**fields))
    assert message in refused.value.errors[field]
    assert count(session, PlanLine) == 0


def test_a_stream_of_someone_elses_budget_is_refused(app, session, draft):
    people, plan = draft
    stranger = make_holder(people.council)
    theirs = make_budget(stranger, people.council, set_by=people.officer).streams[0]
    with pytest.raises(ValidationFailed) as refused:
        services.add_line(session, people.holder, plan.id, _line(stream_id=theirs.id))
    assert refused.value.errors == {"stream_id": NOT_THEIR_STREAM}
    assert NOT_THEIR_STREAM == "That budget stream is not one of this person's"
    assert count(session, PlanLine) == 0


def test_a_stream_of_the_holders_budget_for_another_year_is_refused(app, session, draft):
    people, plan = draft
    last_year = make_budget(
        people.holder,
        people.council,
        year_start=plan.year_start.replace(year=plan.year_start.year - 1),
        set_by=people.officer,
    )
    with pytest.raises(ValidationFailed) as refused:
        services.add_line(session, people.holder, plan.id, _line(stream_id=last_year.streams[0].id))
    assert refused.value.errors == {"stream_id": NOT_THEIR_STREAM}


def test_an_outcome_of_another_plan_is_refused(app, session, draft):
    people, plan = draft
    other = make_plan(make_holder(people.council), outcomes=("learning",))
    with pytest.raises(ValidationFailed) as refused:
        services.add_line(
            session, people.holder, plan.id, _line(outcome_ids=[other.outcomes[0].id])
        )
    assert refused.value.errors == {"outcome_ids": "Choose outcomes from this plan"}
    assert count(session, PlanLine) == 0


def test_lines_for_a_directory_service_or_a_pa_take_their_price_and_name(app, session, draft):
    people, plan = draft
    offer = make_offer(title="Day centre", price_pence=4500)
    pa = make_pa(display_name="Sam Carer", hourly_rate_pence=1700)
    by_offer = services.add_line(
        session,
        people.holder,
        plan.id,
        _line(kind="offer", offer_id=offer.id, description="", unit_price_pence=None),
    )
    assert (by_offer.description, by_offer.unit_price_pence) == ("Day centre", 4500)
    assert by_offer.provider_name == offer.provider_name
    by_pa = services.add_line(
        session,
        people.holder,
        plan.id,
        _line(
            kind="pa",
            pa_profile_id=pa.id,
            description="",
            unit_price_pence=None,
            days=["tue", "mon"],
            time_bands=["morning"],
        ),
    )
    assert (by_pa.provider_name, by_pa.unit_price_pence) == ("Sam Carer", 1700)
    assert (by_pa.days, by_pa.time_bands) == (["mon", "tue"], ["morning"])


def test_a_line_can_be_changed_and_removed(app, session, draft):
    people, plan = draft
    line = services.add_line(session, people.holder, plan.id, _line())
    services.update_line(
        session,
        people.holder,
        plan.id,
        line.id,
        _line(description="Swimming", quantity_hundredths=200, outcome_ids=[plan.outcomes[1].id]),
    )
    session.expire_all()
    changed = session.get(PlanLine, line.id)
    assert (changed.description, changed.quantity_hundredths) == ("Swimming", 200)
    assert [o.code for o in changed.outcomes] == ["community"]
    with pytest.raises(ValidationFailed):
        services.update_line(session, people.holder, plan.id, line.id, _line(quantity_hundredths=0))
    session.expire_all()
    assert session.get(PlanLine, line.id).quantity_hundredths == 200
    services.remove_line(session, people.holder, plan.id, line.id)
    assert count(session, PlanLine) == 0


def test_a_line_of_another_plan_is_not_found(app, session, draft):
    people, plan = draft
    other_plan = make_plan(people.holder, year_start=plan.year_start.replace(year=2020))
    line = services.add_line(session, people.holder, other_plan.id, _line())
    with pytest.raises(NotFound):
        services.remove_line(session, people.holder, plan.id, line.id)
    assert count(session, PlanLine) == 1


def test_lines_of_a_plan_that_is_not_a_draft_cannot_change(app, session):
    people = cast()
    plan = make_plan(people.holder, status="submitted", council=people.council)
    with pytest.raises(InvalidTransition):
        services.add_line(session, people.holder, plan.id, _line())
    assert count(session, PlanLine) == 0


def test_removing_an_outcome_keeps_the_lines_that_served_it(app, session, draft):
    people, plan = draft
    first = plan.outcomes[0]
    line = services.add_line(session, people.holder, plan.id, _line(outcome_ids=[first.id]))
    services.remove_outcome(session, people.holder, plan.id, first.id)
    session.expire_all()
    kept = session.get(PlanLine, line.id)
    assert kept is not None and kept.outcomes == []
