"""Helpers the plan use cases share: who may see, edit or decide a plan; plan years; history.

None of them commits: the calling service does, once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from marketplace.audit.services import record
from marketplace.directory.vocab import label
from marketplace.errors import Conflict, InvalidTransition, NotFound
from marketplace.extensions import DbSession
from marketplace.holders.access import CareAccess, care_access
from marketplace.holders.models import HolderRecord
from marketplace.permissions import Permission, has_permission
from marketplace.plans import vocab
from marketplace.plans.models import PlanEvent, PlanOutcome, SupportPlan

PLAN_NOT_FOUND = "We could not find that plan, or you cannot see it."

# How a state reads in a sentence: "This plan is a draft and cannot become approved."
STATE_WORDS = {
    "draft": "a draft",
    "submitted": "submitted",
    "referred": "referred to a panel",
    "approved": "approved",
    "rejected": "rejected",
    "superseded": "superseded",
}

# Why a plan that is not a draft cannot be changed, and what to do instead.
LOCKED = {
    "submitted": "This plan is submitted and waiting for the council; withdraw it to change it",
    "referred": "This plan is referred to a panel and cannot be changed until it is decided",
    "approved": "This plan is approved and locked; start a new revision to change it",
    "rejected": "This plan was rejected and is locked; start a new revision to change it",
    "superseded": "This plan has been replaced by a newer revision and cannot be changed",
}


class PlanExists(Conflict):
    """The plan year has a plan already that is with the council or decided (409). Pages send
    the person to that plan (``plan_id``) instead, saying why."""

    def __init__(self, message: str, plan_id: int) -> None:
        super().__init__(message)
        self.plan_id = plan_id


def transition_error(current: str, wanted: str, message: str | None = None) -> InvalidTransition:
    """A 409 that names both states (or says why in ``message``)."""
    now, then = STATE_WORDS.get(current, current), STATE_WORDS.get(wanted, wanted)
    return InvalidTransition(
        now, then, message=message or f"This plan is {now} and cannot become {then}."
    )


def commit(session: DbSession) -> None:
    """The one commit that ends a use case; whatever fails is rolled back."""
    try:
        session.commit()
    except Exception:
        session.rollback()
        raise


def outcome_title(outcome: PlanOutcome) -> str:
    """How an outcome is named: the list's name with the person's words after it ("Feeling safe:
    at home at night"), or their words alone for "something else"."""
    if outcome.code == "other":
        return outcome.text
    name = label(vocab.OUTCOMES, outcome.code)
    return f"{name}: {outcome.text}" if outcome.text else name


# --- plan years -------------------------------------------------------------------------------


def year_label(start: date) -> str:
    """'2025 to 2026' for a year starting in 2025."""
    return f"{start.year} to {start.year + 1}"


# --- who may do what --------------------------------------------------------------------------


def plan_council_id(session: DbSession, plan: SupportPlan) -> int | None:
    """The council that decides the plan: the one it was sent to, else the holder's."""
    if plan.council_id is not None:
        return plan.council_id
    holder_record = session.get(HolderRecord, plan.holder_id)
    return holder_record.council_id if holder_record else None


def is_deciding_officer(session: DbSession, user: Any, plan: SupportPlan) -> bool:
    council_id = plan_council_id(session, plan)
    return (
        has_permission(user, Permission.DECIDE_PLANS)
        and council_id is not None
        and getattr(user, "council_id", None) == council_id
    )


def visible_plan(session: DbSession, user: Any, plan_id: int) -> tuple[SupportPlan, CareAccess]:
    """The plan and the viewer's access to its holder, or NotFound.

    The holder's people see it through the care-access rule. An officer of the council the plan
    was sent to also sees it (and can decide it), even if the holder has since moved council; a
    draft has not been sent anywhere yet (its ``council_id`` is only where it would go).
    """
    plan = session.get(SupportPlan, plan_id)
    if plan is None:
        raise NotFound(PLAN_NOT_FOUND)
    try:
        access = care_access(session, user, plan.holder_id)
    except NotFound:
        if (
            plan.status == "draft"
            or plan.council_id is None
            or not is_deciding_officer(session, user, plan)
        ):
            raise NotFound(PLAN_NOT_FOUND) from None
        access = CareAccess(
            holder=plan.holder, record=session.get(HolderRecord, plan.holder_id), relation="officer"
        )
    return plan, access


def planner_access(
    session: DbSession, actor: Any, holder_id: int, not_found: str = PLAN_NOT_FOUND
) -> CareAccess:
    """The holder, a representative or an active broker; anyone else NotFound with the message
    ``not_found`` (officers too: they decide plans, they do not write them)."""
    access = care_access(session, actor, holder_id)
    if not access.can_plan:
        raise NotFound(not_found)
    return access


def plan_for_planner(session: DbSession, actor: Any, plan_id: int) -> SupportPlan:
    plan = session.get(SupportPlan, plan_id)
    if plan is None:
        raise NotFound(PLAN_NOT_FOUND)
    planner_access(session, actor, plan.holder_id)
    return plan


def editable_plan(session: DbSession, actor: Any, plan_id: int) -> SupportPlan:
    """A draft the actor may change; a plan in any other state is locked (409, saying why)."""
    plan = plan_for_planner(session, actor, plan_id)
    if plan.status != "draft":
        raise transition_error(plan.status, "draft", LOCKED[plan.status])
    return plan


def plan_for_decision(session: DbSession, officer: Any, plan_id: int) -> SupportPlan:
    """Only an officer of the plan's council decides it; anyone else gets NotFound."""
    plan = session.get(SupportPlan, plan_id)
    if plan is None or not is_deciding_officer(session, officer, plan):
        raise NotFound(PLAN_NOT_FOUND)
    return plan


# --- history ------------------------------------------------------------------------------------


def record_event(
    session: DbSession,
    plan: SupportPlan,
    actor: Any,
    from_status: str | None,
    to_status: str,
    reason: str = "",
) -> None:
    """One line of the plan's history, and the matching audit row."""
    plan.events.append(
        PlanEvent(
            from_status=from_status,
            to_status=to_status,
            actor_id=getattr(actor, "id", None),
            reason=reason,
        )
    )
    record(session, actor, to_status, "plan", plan.id, plan.holder_id)
