"""People and plans the plan tests share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from marketplace.permissions import Role
from marketplace.plans.models import PlanEvent, PlanLine, PlanOutcome, SupportPlan
from tests.factories import make_budget, make_council, make_holder, make_plan, make_user
from tests.listings.helpers import client_for, text

__all__ = ["Cast", "cast", "client_for", "count", "events", "text"]


@dataclass
class Cast:
    council: Any
    other_council: Any
    holder: Any
    budget: Any
    officer: Any
    other_officer: Any


def cast(**budget: Any) -> Cast:
    """Leeds, a holder there with a budget, an officer of Leeds and one of elsewhere."""
    council = make_council()
    other = make_council(code="S12000036", name="City of Edinburgh Council", districts=("EH1",))
    holder = make_holder(council, name="Amira Holder")
    officer = make_user(Role.OFFICER, council=council, name="Olu Officer")
    return Cast(
        council=council,
        other_council=other,
        holder=holder,
        budget=make_budget(holder, council, set_by=officer, **budget),
        officer=officer,
        other_officer=make_user(Role.OFFICER, council=other),
    )


def submitted(people: Cast, **fields: Any) -> Any:
    return make_plan(people.holder, status="submitted", council=people.council, **fields)


def count(session: Any, model: Any) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def events(session: Any, plan_id: int) -> list[PlanEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(PlanEvent).where(PlanEvent.plan_id == plan_id).order_by(PlanEvent.id)
        )
    )


MODELS = (SupportPlan, PlanOutcome, PlanLine, PlanEvent)


def serve_outcomes(plan_id: int) -> None:
    """Give the plan an unpaid line serving every outcome it has: since the package rules
    (issue 6), a plan goes to the council only when a line serves each of its outcomes."""
    from marketplace.extensions import db

    plan = db.session.get(SupportPlan, plan_id)
    plan.lines.append(
        PlanLine(
            kind="unpaid",
            description="Family support",
            start_on=plan.year_start,
            position=len(plan.lines),
            outcomes=list(plan.outcomes),
        )
    )
    db.session.commit()
