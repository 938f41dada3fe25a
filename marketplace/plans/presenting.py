"""What the plan page shows a given viewer: the plan, its costs, its history, where it stands and
the actions this viewer may take. Reads only; the view records the read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from marketplace.budgets.models import BudgetStream
from marketplace.extensions import DbSession
from marketplace.holders.access import CareAccess
from marketplace.plans.checks import approval_problems, submit_problems
from marketplace.plans.common import is_deciding_officer, visible_plan, year_label
from marketplace.plans.costing import Cost, PlanCosts, line_cost, plan_costs
from marketplace.plans.lines import stream_choices
from marketplace.plans.models import SupportPlan
from marketplace.plans.waiting import days_between, days_waiting
from marketplace.plans.workflow import ALLOWED, REVISABLE


@dataclass(frozen=True)
class PlanPage:
    plan: SupportPlan
    access: CareAccess
    costs: PlanCosts
    line_costs: dict[int, Cost]
    streams: list[BudgetStream]  # what a new line may be paid from
    newer: SupportPlan | None  # the latest revision of the year, if not this one
    problems: dict[str, str]  # what stops a draft being submitted, keyed by page anchor
    decision_problems: dict[str, str]  # what stops the deciding officer approving it now
    can_edit: bool
    can_submit: bool
    can_withdraw: bool
    can_revise: bool
    can_decide: bool

    @property
    def year(self) -> str:
        return year_label(self.plan.year_start)

    @property
    def can_refer(self) -> bool:
        return self.can_decide and "referred" in ALLOWED[self.plan.status]

    @property
    def waiting_days(self) -> int | None:
        """Days with the council so far (None unless it is waiting for a decision)."""
        return days_waiting(self.plan)

    @property
    def decided_after_days(self) -> int | None:
        plan = self.plan
        if plan.decided_at is None or plan.submitted_at is None:
            return None
        return days_between(plan.submitted_at, plan.decided_at.date())


def plan_page(session: DbSession, user: Any, plan_id: int) -> PlanPage:
    plan, access = visible_plan(session, user, plan_id)
    latest = session.scalar(
        select(SupportPlan)
        .where(SupportPlan.holder_id == plan.holder_id, SupportPlan.year_start == plan.year_start)
        .order_by(SupportPlan.revision.desc())
        .limit(1)
    )
    is_latest = latest is None or latest.id == plan.id
    planner = access.can_plan
    draft = plan.status == "draft"
    costs = plan_costs(plan)
    problems = submit_problems(session, plan, costs)[0] if draft else {}
    can_decide = is_deciding_officer(session, user, plan) and "approved" in ALLOWED[plan.status]
    return PlanPage(
        plan=plan,
        access=access,
        costs=costs,
        line_costs={line.id: line_cost(line) for line in plan.lines},
        streams=stream_choices(session, plan) if planner and draft else [],
        newer=None if is_latest else latest,
        problems=problems,
        decision_problems=approval_problems(session, plan, costs)[0] if can_decide else {},
        can_edit=planner and draft,
        can_submit=planner and draft,
        can_withdraw=planner and plan.status == "submitted",
        can_revise=planner and is_latest and plan.status in REVISABLE,
        can_decide=can_decide,
    )
