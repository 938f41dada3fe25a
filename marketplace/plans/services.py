"""Support plans: starting one, what matters, outcomes, and reading plans.

Each public function is one transaction: it validates first (``ValidationFailed`` before anything
is written), then commits once. Lines live in ``plans.lines``, the approval workflow in
``plans.workflow`` and the officers' lists in ``plans.queue``; all are re-exported here, so callers
import ``marketplace.plans.services`` alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.audit.services import record
from marketplace.budgets.services import current_budget
from marketplace.clock import financial_year_start, plan_year_end, today
from marketplace.errors import NotFound, ValidationFailed
from marketplace.extensions import DbSession
from marketplace.holders.access import CareAccess, care_access
from marketplace.holders.models import HolderRecord
from marketplace.plans import vocab
from marketplace.plans.common import (
    STATE_WORDS,
    PlanExists,
    commit,
    editable_plan,
    planner_access,
    record_event,
    visible_plan,
    year_label,
)
from marketplace.plans.costing import PlanCosts, plan_costs
from marketplace.plans.lines import LineInput, add_line, remove_line, update_line
from marketplace.plans.models import PlanOutcome, SupportPlan
from marketplace.plans.queue import QueueItem, ReviewItem, officer_queue, reviews_due
from marketplace.plans.waiting import days_waiting
from marketplace.plans.workflow import (
    ALLOWED,
    approve_plan,
    move,
    refer_plan,
    reject_plan,
    start_revision,
    submit_plan,
    withdraw_plan,
)

__all__ = [
    "ALLOWED",
    "LineInput",
    "PlanCosts",
    "PlanExists",
    "QueueItem",
    "ReviewItem",
    "add_line",
    "add_outcome",
    "approve_plan",
    "current_plan",
    "default_year_start",
    "editable_plan",
    "holder_plans",
    "move",
    "officer_queue",
    "plan_costs",
    "plan_years",
    "refer_plan",
    "reject_plan",
    "remove_line",
    "remove_outcome",
    "reviews_due",
    "start_plan",
    "start_revision",
    "submit_plan",
    "update_line",
    "update_outcome",
    "update_plan",
    "visible_plan",
    "withdraw_plan",
]

WHAT_MATTERS_LIMIT = 5000
OUTCOME_TEXT_LIMIT = 300
HOW_MET_LIMIT = 5000
_OUTCOME_CODES = {code for code, _ in vocab.OUTCOMES}


# --- reading ----------------------------------------------------------------------------------


def default_year_start(session: DbSession, holder_id: int, on: date | None = None) -> date:
    """The year a new plan is for: the current budget's year, else the April-to-March year."""
    on = on or today()
    budget = current_budget(session, holder_id, on)
    return budget.year_start if budget is not None else financial_year_start(on)


def _normalised_year(session: DbSession, holder_id: int, year_start: date) -> date:
    """Plans line up with budgets: a date inside a budget's year means that budget's year."""
    budget = current_budget(session, holder_id, year_start)
    return budget.year_start if budget is not None else financial_year_start(year_start)


def _plans_for_year(session: DbSession, holder_id: int, year_start: date) -> list[SupportPlan]:
    """Newest revision first."""
    return list(
        session.scalars(
            select(SupportPlan)
            .where(SupportPlan.holder_id == holder_id, SupportPlan.year_start == year_start)
            .order_by(SupportPlan.revision.desc())
        )
    )


def current_plan(session: DbSession, holder_id: int) -> SupportPlan | None:
    """The latest revision for the current plan year, else the holder's latest plan of any year."""
    year = default_year_start(session, holder_id)
    this_year = _plans_for_year(session, holder_id, year)
    if this_year:
        return this_year[0]
    return session.scalar(
        select(SupportPlan)
        .where(SupportPlan.holder_id == holder_id)
        .order_by(SupportPlan.year_start.desc(), SupportPlan.revision.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class HolderPlans:
    access: CareAccess
    plans: list[SupportPlan]  # newest year first, then newest revision first
    default_year: date
    start_years: list[date]  # the years a new plan may be for: this one and the next

    @staticmethod
    def waited(plan: SupportPlan) -> int | None:
        """Days the plan has waited for the council (None unless it is waiting)."""
        return days_waiting(plan)

    @property
    def years(self) -> list[tuple[date, list[SupportPlan]]]:
        grouped: dict[date, list[SupportPlan]] = {}
        for plan in self.plans:
            grouped.setdefault(plan.year_start, []).append(plan)
        return list(grouped.items())


def holder_plans(session: DbSession, user: Any, holder_id: int) -> HolderPlans:
    """Every plan of the holder, for whoever may see the holder's records (else NotFound)."""
    access = care_access(session, user, holder_id)
    plans = session.scalars(
        select(SupportPlan)
        .where(SupportPlan.holder_id == holder_id)
        .order_by(SupportPlan.year_start.desc(), SupportPlan.revision.desc())
    ).all()
    return HolderPlans(
        access, list(plans), default_year_start(session, holder_id), plan_years(session, holder_id)
    )


# --- starting a plan, what matters --------------------------------------------------------------


def plan_years(session: DbSession, holder_id: int, on: date | None = None) -> list[date]:
    """The years a plan may be started for: the current plan year and the next one (a year
    that has ended is not planned for any more)."""
    on = on or today()
    current = default_year_start(session, holder_id, on)
    budget = current_budget(session, holder_id, on)
    ends = budget.year_end if budget is not None else plan_year_end(current)
    return [current, _normalised_year(session, holder_id, ends + timedelta(days=1))]


def start_plan(
    session: DbSession, actor: Any, holder_id: int, *, year_start: date | None = None
) -> SupportPlan:
    """A new draft for the year (default: the current budget's year, else April to March); only
    the current plan year and the next one may be started (``plan_years``).

    At most one open draft per holder and year: if there is one already, it is returned rather
    than a second started (pressing the button twice, or two people at once, lands on the same
    draft). A year whose plan is already with the council, or decided, is a Conflict
    (``PlanExists``, naming that plan): that plan is withdrawn or revised instead.

    The draft names the council on the holder's record, the one it will go to (set again when
    it is submitted, in case the holder has moved).
    """
    planner_access(session, actor, holder_id)
    years = plan_years(session, holder_id)
    if year_start is None:
        year_start = years[0]
    else:
        year_start = _normalised_year(session, holder_id, year_start)
        if year_start < years[0]:
            raise ValidationFailed(
                {"year_start": "That plan year has ended: choose this plan year or the next one"}
            )
        if year_start not in years:
            raise ValidationFailed({"year_start": "Choose this plan year or the next one"})
    existing = _plans_for_year(session, holder_id, year_start)
    if existing:
        return _open_draft_or_conflict(existing[0], year_start)
    budget = current_budget(session, holder_id, year_start)
    holder_record = session.get(HolderRecord, holder_id)
    plan = SupportPlan(
        holder_id=holder_id,
        year_start=year_start,
        revision=1,
        status="draft",
        created_by_id=actor.id,
        budget_id=budget.id if budget else None,
        council_id=holder_record.council_id if holder_record else None,
    )
    session.add(plan)
    try:
        session.flush()
        record_event(session, plan, actor, None, "draft", "Plan started")
        session.commit()
    except IntegrityError:
        # Someone started this year's plan at the same moment: theirs is the one.
        session.rollback()
        existing = _plans_for_year(session, holder_id, year_start)
        if not existing:
            raise
        return _open_draft_or_conflict(existing[0], year_start)
    return plan


def _open_draft_or_conflict(latest: SupportPlan, year_start: date) -> SupportPlan:
    if latest.status == "draft":
        return latest
    advice = (
        "start a new revision of it to change it"
        if latest.status in {"approved", "rejected"}
        else "withdraw it to change it"
        if latest.status == "submitted"
        else "wait for the council's decision"
    )
    raise PlanExists(
        f"There is already a plan for {year_label(year_start)} (revision {latest.revision}, "
        f"{STATE_WORDS[latest.status]}): {advice}.",
        latest.id,
    )


def update_plan(session: DbSession, actor: Any, plan_id: int, *, what_matters: str) -> SupportPlan:
    """Change what matters to the person (drafts only)."""
    plan = editable_plan(session, actor, plan_id)
    what_matters = (what_matters or "").strip()
    if len(what_matters) > WHAT_MATTERS_LIMIT:
        raise ValidationFailed(
            {"what_matters": f"What matters must be {WHAT_MATTERS_LIMIT:,} characters or fewer"}
        )
    plan.what_matters = what_matters
    record(session, actor, "update", "plan", plan.id, plan.holder_id)
    commit(session)
    return plan


# --- outcomes -------------------------------------------------------------------------------------


def _checked_outcome(code: str, text: str, how_met: str) -> tuple[str, str, str]:
    code, text, how_met = (code or "").strip(), (text or "").strip(), (how_met or "").strip()
    errors = {}
    if code not in _OUTCOME_CODES:
        errors["code"] = "Select an outcome from the list"
    elif code == "other" and not text:
        errors["text"] = "Describe the outcome in your own words"
    if len(text) > OUTCOME_TEXT_LIMIT:
        errors["text"] = f"The description must be {OUTCOME_TEXT_LIMIT} characters or fewer"
    if len(how_met) > HOW_MET_LIMIT:
        errors["how_met"] = f"How it will be met must be {HOW_MET_LIMIT:,} characters or fewer"
    if errors:
        raise ValidationFailed(errors)
    return code, text, how_met


def _refuse_duplicate(plan: SupportPlan, code: str, text: str, outcome_id: int | None) -> None:
    for outcome in plan.outcomes:
        if (
            outcome.id != outcome_id
            and outcome.code == code
            and outcome.text.casefold() == text.casefold()
        ):
            raise ValidationFailed({"code": "The plan already has this outcome"})


def _outcome_of(plan: SupportPlan, outcome_id: int) -> PlanOutcome:
    outcome = next((o for o in plan.outcomes if o.id == outcome_id), None)
    if outcome is None:
        raise NotFound("We could not find that outcome in this plan.")
    return outcome


def add_outcome(
    session: DbSession, actor: Any, plan_id: int, *, code: str, text: str = "", how_met: str = ""
) -> PlanOutcome:
    """Add an outcome (from ``plan_vocab.OUTCOMES``, "other" needs the person's own words)."""
    plan = editable_plan(session, actor, plan_id)
    code, text, how_met = _checked_outcome(code, text, how_met)
    _refuse_duplicate(plan, code, text, None)
    position = max((o.position for o in plan.outcomes), default=-1) + 1
    outcome = PlanOutcome(code=code, text=text, how_met=how_met, position=position)
    plan.outcomes.append(outcome)
    session.flush()
    record(session, actor, "create", "plan_outcome", outcome.id, plan.holder_id)
    commit(session)
    return outcome


def update_outcome(
    session: DbSession,
    actor: Any,
    plan_id: int,
    outcome_id: int,
    *,
    code: str,
    text: str,
    how_met: str,
) -> PlanOutcome:
    plan = editable_plan(session, actor, plan_id)
    outcome = _outcome_of(plan, outcome_id)
    code, text, how_met = _checked_outcome(code, text, how_met)
    _refuse_duplicate(plan, code, text, outcome.id)
    outcome.code, outcome.text, outcome.how_met = code, text, how_met
    record(session, actor, "update", "plan_outcome", outcome.id, plan.holder_id)
    commit(session)
    return outcome


def remove_outcome(session: DbSession, actor: Any, plan_id: int, outcome_id: int) -> None:
    """Remove an outcome; lines that served it stay, without it."""
    plan = editable_plan(session, actor, plan_id)
    outcome = _outcome_of(plan, outcome_id)
    plan.outcomes.remove(outcome)
    record(session, actor, "delete", "plan_outcome", outcome_id, plan.holder_id)
    commit(session)
