"""The package rules read a package in a fixed handful of SQL statements, whatever its size: the
lines with their offers (and organisations), PAs (and checks), streams (and an ISF's holder) and
outcomes are loaded together, not line by line. Counted with a "before_cursor_execute" listener,
each time in a fresh session from the plan's id, as a request starts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from marketplace.extensions import db
from marketplace.holders.models import HolderRecord
from marketplace.packages.rules import check_package
from marketplace.plans import services
from marketplace.plans.lines import LineInput
from marketplace.plans.models import PlanLine, SupportPlan
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

# check_package on a cold session (7 today): the lines with their many-to-ones, the lines'
# outcomes, the PAs' checks, the budget, its streams, the holder's record, the plan's outcomes.
MOST_STATEMENTS = 8


def _package(council: Any, lines: int) -> int:
    """A draft of ``lines`` lines, in turn: a service paid by the direct payment, a PA (the
    holder asks for a DBS check), a service bought in by the ISF holder, unpaid support; each of
    its own provider or person."""
    holder = make_holder(council)
    db.session.get(HolderRecord, holder.id).required_checks = ["enhanced_dbs"]
    budget = make_budget(
        holder,
        council,
        streams=(("dp", 5_000_000), ("managed", 5_000_000), ("isf", 5_000_000)),
        isf_organisation=make_organisation(name="ISF holder"),
    )
    dp, _managed, isf = budget.streams
    plan = make_plan(holder, council=council, outcomes=("independence", "community"))
    for i in range(lines):
        values: dict[str, Any] = {"kind": "unpaid"}
        if i % 4 in (0, 2):
            offer = make_offer(make_organisation(), title=f"Service {i}")
            values = {"kind": "offer", "offer_id": offer.id, "unit_price_pence": offer.price_pence}
            values["stream_id"] = dp.id if i % 4 == 0 else isf.id
        elif i % 4 == 1:
            pa = make_pa(display_name=f"PA {i}")
            values = {"kind": "pa", "pa_profile_id": pa.id, "unit_price_pence": 1650}
            values.update(stream_id=dp.id, days=["mon"], time_bands=["morning"])
        db.session.add(
            PlanLine(
                plan_id=plan.id,
                description=f"Line {i}",
                start_on=plan.year_start + timedelta(days=i),
                position=i,
                outcomes=[plan.outcomes[i % 2]],
                **values,
            )
        )
    db.session.commit()
    return plan.id


def _fresh(plan_id: int) -> SupportPlan:
    db.session.remove()
    plan = db.session.get(SupportPlan, plan_id)
    assert plan is not None
    return plan


@pytest.fixture
def packages(session) -> dict[int, int]:
    council = make_council()
    return {size: _package(council, size) for size in (5, 20)}


@pytest.mark.parametrize("lines_loaded", [False, True], ids=["cold", "lines loaded"])
def test_checking_a_package_costs_the_same_statements_for_5_lines_as_for_20(
    app, session, packages, lines_loaded
):
    counts = {}
    for size, plan_id in packages.items():
        plan = _fresh(plan_id)
        if lines_loaded:  # as after a change in the same session: lines loaded, not their links
            assert plan.lines
        with statements_run() as seen:
            checks = check_package(session, plan)
        counts[size] = len(seen)
        # Every line was read: each ISF line is noted, each service's price counted.
        assert len(checks.notes) == len(range(2, size, 4))
        assert checks.costs is not None
        assert checks.costs.total.annual_pence > 0
    assert counts[5] == counts[20] <= MOST_STATEMENTS, counts


def test_adding_a_line_costs_the_same_statements_for_a_5_or_a_20_line_package(
    app, session, packages
):
    counts = {}
    for size, plan_id in packages.items():
        plan = _fresh(plan_id)
        holder = plan.holder
        stream_id = plan.lines[0].stream_id
        data = LineInput(
            kind="text",
            description="Gym",
            unit_price_pence=500,
            stream_id=stream_id,
        )
        db.session.remove()
        with statements_run() as seen:
            services.add_line(session, holder, plan_id, data)
        counts[size] = len(seen)
    assert counts[5] == counts[20], counts
