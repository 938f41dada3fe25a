"""The approval workflow: an explicit state machine, one ``move`` that every change goes through.

    draft ──submit──▶ submitted ──approve──▶ approved ──(a later revision approved)──▶ superseded
      ▲                 │  │  └──reject──▶ rejected
      └────withdraw─────┘  └──refer──▶ referred ──approve / reject──▶
    approved or rejected ──start_revision──▶ a new draft (revision + 1)

Every move is one conditional UPDATE (``WHERE status = <the state we saw>``), so two people
acting at once cannot both win; it writes a PlanEvent (from, to, who, why) and an audit row.
The holder, their active representatives and active broker are emailed when the council
decides (approves, rejects or refers), and nobody else is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts.models import User
from marketplace.budgets.services import current_budget
from marketplace.clock import add_months, today, utcnow
from marketplace.errors import Conflict, RuleBroken, ValidationFailed
from marketplace.extensions import DbSession, affected_rows
from marketplace.holders.models import BrokerLink, HolderRecord, Representation
from marketplace.mail.services import queue_mail
from marketplace.plans.checks import approval_problems, submit_problems
from marketplace.plans.common import (
    STATE_WORDS,
    commit,
    plan_for_decision,
    plan_for_planner,
    record_event,
    transition_error,
    year_label,
)
from marketplace.plans.costing import plan_costs
from marketplace.plans.models import PlanLine, PlanOutcome, SupportPlan
from marketplace.plans.vocab import REVIEW_MONTHS_DEFAULT
from marketplace.urls import absolute_url

ALLOWED: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted"}),
    "submitted": frozenset({"draft", "approved", "rejected", "referred"}),
    "referred": frozenset({"approved", "rejected"}),
    "approved": frozenset({"superseded"}),
    "rejected": frozenset(),
    "superseded": frozenset(),
}
# Plans a new revision may start from (the new revision is a new plan, not a move of this one).
REVISABLE = frozenset({"approved", "rejected"})

REASON_LIMIT = 2000
REVIEW_MONTHS_RANGE = (1, 24)


_RELATIONS = {"council_id": "council", "budget_id": "budget", "decided_by_id": "decided_by"}


def ensure_allowed(current: str, to: str) -> None:
    if to not in ALLOWED.get(current, frozenset()):
        raise transition_error(current, to)


def move(
    session: DbSession,
    plan: SupportPlan,
    to: str,
    actor: Any,
    reason: str = "",
    **values: Any,
) -> None:
    """Change the plan's status (and ``values`` with it, in the same UPDATE, so the database's
    checks see them together), or raise InvalidTransition naming both states. Does not commit."""
    current = plan.status
    ensure_allowed(current, to)
    done = affected_rows(
        session.execute(
            update(SupportPlan)
            .where(SupportPlan.id == plan.id, SupportPlan.status == current)
            .values(status=to, **values)
            .execution_options(synchronize_session=False)
        )
    )
    if done != 1:
        # Someone else moved it first: report the state it is really in now.
        now = session.scalar(select(SupportPlan.status).where(SupportPlan.id == plan.id))
        session.rollback()
        raise transition_error(now or current, to)
    for name, value in {"status": to, **values}.items():
        set_committed_value(plan, name, value)
    # Relationships over the changed keys load afresh when next read.
    stale = [rel for key, rel in _RELATIONS.items() if key in values]
    if stale:
        session.expire(plan, stale)
    record_event(session, plan, actor, current, to, reason)


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationFailed({"reason": "Enter the reason"})
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed(
            {"reason": f"The reason must be {REASON_LIMIT:,} characters or fewer"}
        )
    return reason


# --- the holder's side ------------------------------------------------------------------------------


def submit_plan(session: DbSession, actor: Any, plan_id: int) -> SupportPlan:
    """Send a draft to the holder's council. It needs at least one outcome, each saying how it
    will be met, a council on the holder's record, a stream for every paid line, every line
    inside the plan year, and no stream asked for more than it has left (``plans.checks``).
    Links the budget of the plan year (the one the plan was costed against)."""
    plan = plan_for_planner(session, actor, plan_id)
    ensure_allowed(plan.status, "submitted")
    costs = plan_costs(plan)
    errors, council_id = submit_problems(session, plan, costs)
    if errors:
        raise ValidationFailed(errors)
    budget = costs.budget
    move(
        session,
        plan,
        "submitted",
        actor,
        submitted_at=utcnow(),
        council_id=council_id,
        budget_id=budget.id if budget else plan.budget_id,
    )
    commit(session)
    return plan


def withdraw_plan(session: DbSession, actor: Any, plan_id: int, *, reason: str = "") -> SupportPlan:
    """Take a submitted plan back to draft, to change it."""
    plan = plan_for_planner(session, actor, plan_id)
    ensure_allowed(plan.status, "draft")
    move(session, plan, "draft", actor, _reason(reason, required=False), submitted_at=None)
    commit(session)
    return plan


def start_revision(session: DbSession, actor: Any, plan_id: int) -> SupportPlan:
    """A new draft (revision + 1) copying what matters, the outcomes and the lines with their
    outcome links. The approved plan stays in force until the new revision is approved.

    If the newest revision is already an open draft, that draft is returned; if it is with the
    council, a Conflict says so.
    """
    plan = plan_for_planner(session, actor, plan_id)
    if plan.status not in REVISABLE:
        raise transition_error(
            plan.status,
            "draft",
            f"This plan is {STATE_WORDS[plan.status]} and cannot become a new draft revision: "
            "only an approved or rejected plan is revised.",
        )
    latest = session.scalar(
        select(SupportPlan)
        .where(SupportPlan.holder_id == plan.holder_id, SupportPlan.year_start == plan.year_start)
        .order_by(SupportPlan.revision.desc())
        .limit(1)
    )
    if latest is not None and latest.id != plan.id:
        if latest.status == "draft":
            return latest
        raise Conflict(
            f"Revision {latest.revision} of the plan for {year_label(plan.year_start)} is "
            f"{STATE_WORDS[latest.status]}: work from that one."
        )
    budget = current_budget(session, plan.holder_id, plan.year_start)
    revision = _copy(plan, actor.id, budget.id if budget else plan.budget_id)
    # The council it will go to: the holder's now (set again when it is submitted).
    holder_record = session.get(HolderRecord, plan.holder_id)
    revision.council_id = holder_record.council_id if holder_record else None
    session.add(revision)
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(
            "Someone started a new revision at the same time. Reload the page."
        ) from error
    record_event(session, revision, actor, None, "draft", f"Revision {revision.revision} started")
    commit(session)
    return revision


def _copy(plan: SupportPlan, actor_id: int, budget_id: int | None) -> SupportPlan:
    revision = SupportPlan(
        holder_id=plan.holder_id,
        year_start=plan.year_start,
        revision=plan.revision + 1,
        previous_id=plan.id,
        status="draft",
        what_matters=plan.what_matters,
        budget_id=budget_id,
        created_by_id=actor_id,
    )
    copies: dict[int, PlanOutcome] = {}
    for outcome in plan.outcomes:
        copies[outcome.id] = PlanOutcome(
            code=outcome.code, text=outcome.text, how_met=outcome.how_met, position=outcome.position
        )
        revision.outcomes.append(copies[outcome.id])
    for line in plan.lines:
        revision.lines.append(
            PlanLine(
                kind=line.kind,
                offer_id=line.offer_id,
                pa_profile_id=line.pa_profile_id,
                description=line.description,
                provider_name=line.provider_name,
                frequency=line.frequency,
                quantity_hundredths=line.quantity_hundredths,
                unit=line.unit,
                days=list(line.days),
                time_bands=list(line.time_bands),
                unit_price_pence=line.unit_price_pence,
                price_agreed=line.price_agreed,
                isf_bought_in=line.isf_bought_in,
                stream_id=line.stream_id,
                start_on=line.start_on,
                end_on=line.end_on,
                position=line.position,
                copied_from_id=line.id,
                outcomes=[copies[o.id] for o in line.outcomes if o.id in copies],
            )
        )
    return revision


# --- the council's decisions --------------------------------------------------------------------


def approve_plan(
    session: DbSession,
    officer: Any,
    plan_id: int,
    *,
    reason: str = "",
    review_months: int = REVIEW_MONTHS_DEFAULT,
) -> SupportPlan:
    """Approve (from submitted or referred); the plan is reviewed ``review_months`` from today.
    An earlier approved revision of the same year becomes superseded.

    The streams and the package's line rules are checked again first (``plans.checks.
    approval_problems``): the budget may have been lowered since the plan was submitted, or a
    PA's check may have expired, and such a plan is not approved (``RuleBroken`` when a package
    rule is among the reasons, naming it)."""
    plan = plan_for_decision(session, officer, plan_id)
    ensure_allowed(plan.status, "approved")
    low, high = REVIEW_MONTHS_RANGE
    if (
        isinstance(review_months, bool)
        or not isinstance(review_months, int)
        or not low <= review_months <= high
    ):
        raise ValidationFailed(
            {"review_months": f"Choose a review between {low} and {high} months from now"}
        )
    reason = _reason(reason, required=False)
    problems, broken = approval_problems(session, plan, plan_costs(plan))
    if broken:
        raise RuleBroken(problems, broken)
    if problems:
        raise ValidationFailed(problems)
    earlier = session.scalars(
        select(SupportPlan).where(
            SupportPlan.holder_id == plan.holder_id,
            SupportPlan.year_start == plan.year_start,
            SupportPlan.status == "approved",
            SupportPlan.id != plan.id,
        )
    ).all()
    move(
        session,
        plan,
        "approved",
        officer,
        reason,
        decided_at=utcnow(),
        decided_by_id=officer.id,
        decision_reason=reason,
        review_due_on=add_months(today(), review_months),
    )
    for old in earlier:
        move(session, old, "superseded", officer, f"Replaced by revision {plan.revision}")
    _tell_people(session, plan, "approved", reason)
    commit(session)
    return plan


def reject_plan(session: DbSession, officer: Any, plan_id: int, *, reason: str) -> SupportPlan:
    """Reject (from submitted or referred), saying why."""
    plan = plan_for_decision(session, officer, plan_id)
    ensure_allowed(plan.status, "rejected")
    reason = _reason(reason, required=True)
    move(
        session,
        plan,
        "rejected",
        officer,
        reason,
        decided_at=utcnow(),
        decided_by_id=officer.id,
        decision_reason=reason,
    )
    _tell_people(session, plan, "rejected", reason)
    commit(session)
    return plan


def refer_plan(session: DbSession, officer: Any, plan_id: int, *, reason: str) -> SupportPlan:
    """Refer a submitted plan to a risk or funding panel, saying why; it is decided later."""
    plan = plan_for_decision(session, officer, plan_id)
    ensure_allowed(plan.status, "referred")
    reason = _reason(reason, required=True)
    move(session, plan, "referred", officer, reason, decision_reason=reason)
    _tell_people(session, plan, "referred", reason)
    commit(session)
    return plan


def people_to_tell(session: DbSession, holder_id: int) -> list[User]:
    """The holder, their active representatives and their active broker (active accounts only)."""
    representatives = select(Representation.representative_id).where(
        Representation.holder_id == holder_id, Representation.revoked_at.is_(None)
    )
    brokers = select(BrokerLink.broker_id).where(
        BrokerLink.holder_id == holder_id, BrokerLink.status == "active"
    )
    return list(
        session.scalars(
            select(User)
            .where(
                (User.id == holder_id) | User.id.in_(representatives) | User.id.in_(brokers),
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


_DECISION_WORDS = {
    "approved": ("Support plan approved", "has approved"),
    "rejected": ("Support plan not approved", "has not approved"),
    "referred": ("Support plan referred to a panel", "has referred to a panel"),
}


def _tell_people(session: DbSession, plan: SupportPlan, decision: str, reason: str) -> None:
    subject, verb = _DECISION_WORDS[decision]
    council = plan.council.name if plan.council else "The council"
    lines = [
        f"{council} {verb} the support plan for {plan.holder.name} "
        f"for {year_label(plan.year_start)} (revision {plan.revision}).",
    ]
    if reason:
        lines.append(f"The reason they gave:\n\n{reason}")
    if decision == "approved" and plan.review_due_on is not None:
        lines.append(f"The plan will be reviewed by {plan.review_due_on:%d %B %Y}.")
    lines.append(f"See the plan: {absolute_url('plans.plan', plan_id=plan.id)}")
    for person in people_to_tell(session, plan.holder_id):
        queue_mail(
            session, person.email, subject, f"Hello {person.name},\n\n" + "\n\n".join(lines) + "\n"
        )
