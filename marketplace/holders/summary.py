"""The read side of a holder's records: their budget this plan year, their plan and how long it
has waited, what to do next, who acts for them, and the lists (caseload, a council's people).

Budgets and plans are read straight from their models so these pages do not depend on the
budgets and plans services; how long a plan has waited is ``plans.waiting``'s rule, the one the
officers' queue and the plan pages use. Nothing here writes; the views audit the reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.clock import today
from marketplace.extensions import DbSession
from marketplace.holders.access import CareAccess
from marketplace.holders.links import open_broker_link
from marketplace.holders.models import BrokerLink, HolderRecord, Representation
from marketplace.plans import waiting
from marketplace.plans.models import SupportPlan
from marketplace.plans.waiting import WAITING_STATUSES

# --- budgets and plans, many holders at once -----------------------------------------------------


def current_budgets(
    session: DbSession, holder_ids: Iterable[int], on: date | None = None
) -> dict[int, Budget]:
    """Each holder's budget for the plan year containing ``on`` (today), else their latest."""
    ids = list(holder_ids)
    if not ids:
        return {}
    on = on or today()
    budgets = session.scalars(
        select(Budget)
        .where(Budget.holder_id.in_(ids))
        .options(selectinload(Budget.streams).selectinload(BudgetStream.organisation))
        .order_by(Budget.year_start)
    ).all()
    chosen: dict[int, Budget] = {}
    for budget in budgets:  # later years overwrite earlier ones …
        current = chosen.get(budget.holder_id)
        in_year = budget.year_start <= on <= budget.year_end
        if current is None or in_year or not (current.year_start <= on <= current.year_end):
            chosen[budget.holder_id] = budget  # … unless one already covers today
    return chosen


def current_plans(session: DbSession, holder_ids: Iterable[int]) -> dict[int, SupportPlan]:
    """Each holder's newest plan revision that is not superseded (the one being worked on)."""
    ids = list(holder_ids)
    if not ids:
        return {}
    plans = session.scalars(
        select(SupportPlan)
        .where(SupportPlan.holder_id.in_(ids), SupportPlan.status != "superseded")
        .options(selectinload(SupportPlan.outcomes))
        .order_by(SupportPlan.year_start, SupportPlan.revision, SupportPlan.id)
    ).all()
    return {plan.holder_id: plan for plan in plans}


def plans_in_force(session: DbSession, current: dict[int, SupportPlan]) -> dict[int, SupportPlan]:
    """For each holder whose current plan is a newer revision (a draft, or one with the council
    or rejected), the approved revision of the same year that stays in force meanwhile."""
    newer = {holder_id: plan for holder_id, plan in current.items() if plan.status != "approved"}
    if not newer:
        return {}
    approved = session.scalars(
        select(SupportPlan).where(
            SupportPlan.holder_id.in_(list(newer)), SupportPlan.status == "approved"
        )
    ).all()
    return {
        plan.holder_id: plan
        for plan in approved
        if plan.year_start == newer[plan.holder_id].year_start
    }


# --- what to do next -------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One line of "What you can do next": a link (endpoint + values) and its state.

    ``state`` is "todo", "waiting", "done" or "optional".
    """

    text: str
    endpoint: str
    values: dict[str, Any] = field(default_factory=dict)
    state: str = "todo"
    hint: str = ""


def _plan_task(plan: SupportPlan | None, holder_id: int, days_waiting: int | None) -> Task:
    if plan is None:
        return Task("Start your support plan", "plans.holder_plans", {"holder_id": holder_id})
    values = {"plan_id": plan.id}
    if plan.status == "draft" and not plan.outcomes:
        return Task(
            "Add the outcomes you want from your support",
            "plans.plan",
            values,
            hint="For example staying independent, or being part of your community.",
        )
    if plan.status == "draft":
        return Task("Send your support plan to the council", "plans.plan", values)
    if plan.status in WAITING_STATUSES:
        waited = "" if days_waiting is None else f" {_waited(days_waiting)}."
        return Task(
            "Wait for the council's decision on your plan",
            "plans.plan",
            values,
            state="waiting",
            hint=f"You do not need to do anything.{waited}",
        )
    if plan.status == "rejected":
        return Task(
            "Change your support plan and send it again",
            "plans.plan",
            values,
            hint="The council has said why it did not approve the plan.",
        )
    review = (
        f"Review due {plan.review_due_on.day} {plan.review_due_on:%B %Y}."
        if (plan.review_due_on)
        else ""
    )
    return Task("Your support plan is approved", "plans.plan", values, state="done", hint=review)


def _waited(days: int) -> str:
    """ "It was sent today", "It has been waiting 12 days"."""
    words = waiting.describe_wait(days)
    return "It was sent today" if days <= 0 else f"It has been {words}"


def next_tasks(
    access: CareAccess,
    budget: Budget | None,
    plan: SupportPlan | None,
    broker_link: BrokerLink | None,
    days_waiting: int | None,
) -> list[Task]:
    """The few things to do next, in the order of the seven steps."""
    holder_id = access.holder.id
    record = access.record
    if access.is_officer:
        return _officer_tasks(holder_id, budget, plan, broker_link, days_waiting)
    tasks = [
        Task(
            "Tell us your postcode and what you need from personal assistants",
            "holders.requirements",
            {"holder_id": holder_id},
            state="done" if record is not None and record.postcode else "todo",
        )
    ]
    if budget is None:
        tasks.append(
            Task(
                "Find out your indicative budget",
                "budgets.ras_questionnaire",
                {"holder_id": holder_id},
                hint="Answer the council's questions to see an estimate. The council then sets "
                "your personal budget.",
            )
        )
    else:
        tasks.append(
            Task(
                "Check your personal budget",
                "budgets.holder_budget",
                {"holder_id": holder_id},
                state="done",
            )
        )
    tasks.append(_plan_task(plan, holder_id, days_waiting))
    if broker_link is None and access.can_link_people:
        tasks.append(
            Task(
                "Choose a broker to help you plan",
                "holders.people",
                {"holder_id": holder_id},
                state="optional",
            )
        )
    elif broker_link is not None and broker_link.status == "invited":
        tasks.append(
            Task(
                f"Wait for {broker_link.broker.name} to answer your invitation",
                "holders.people",
                {"holder_id": holder_id},
                state="waiting",
            )
        )
    return tasks


def _officer_tasks(
    holder_id: int,
    budget: Budget | None,
    plan: SupportPlan | None,
    broker_link: BrokerLink | None,
    days_waiting: int | None,
) -> list[Task]:
    ids = {"holder_id": holder_id}
    tasks = [
        Task("Record their personal budget", "budgets.new_budget", ids)
        if budget is None
        else Task("Check their personal budget", "budgets.holder_budget", ids, state="done")
    ]
    if plan is not None and plan.status in WAITING_STATUSES:
        waited = "" if days_waiting is None else f"{_waited(days_waiting)}."
        tasks.append(
            Task("Decide on their support plan", "plans.plan", {"plan_id": plan.id}, hint=waited)
        )
    elif plan is not None:
        tasks.append(
            Task("See their support plan", "plans.plan", {"plan_id": plan.id}, state="done")
        )
    if broker_link is None:
        tasks.append(Task("Assign a broker", "holders.people", ids, state="optional"))
    return tasks


# --- one holder's dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    access: CareAccess
    budget: Budget | None
    plan: SupportPlan | None
    days_waiting: int | None
    representatives: list[Representation]
    broker_link: BrokerLink | None
    tasks: list[Task]


def active_representations(session: DbSession, holder_id: int) -> list[Representation]:
    return list(
        session.scalars(
            select(Representation)
            .where(Representation.holder_id == holder_id, Representation.revoked_at.is_(None))
            .options(selectinload(Representation.representative))
            .order_by(Representation.created_at, Representation.id)
        ).all()
    )


def dashboard(session: DbSession, access: CareAccess) -> Dashboard:
    holder_id = access.holder.id
    budget = current_budgets(session, [holder_id]).get(holder_id)
    plan = current_plans(session, [holder_id]).get(holder_id)
    days = waiting.days_waiting(plan) if plan is not None else None
    broker_link = open_broker_link(session, holder_id)
    return Dashboard(
        access=access,
        budget=budget,
        plan=plan,
        days_waiting=days,
        representatives=active_representations(session, holder_id),
        broker_link=broker_link,
        tasks=next_tasks(access, budget, plan, broker_link, days),
    )


# --- lists of holders ------------------------------------------------------------------------


@dataclass(frozen=True)
class HolderRow:
    """One holder in a list: their budget this year and their plan's status. ``plan`` is the
    newest revision; ``in_force`` the approved one it would replace, while there is one."""

    holder: User
    record: HolderRecord | None
    budget: Budget | None
    plan: SupportPlan | None
    days_waiting: int | None = None
    link: BrokerLink | Representation | None = None
    in_force: SupportPlan | None = None


def holder_rows(
    session: DbSession,
    holders: Sequence[tuple[User, HolderRecord | None, BrokerLink | Representation | None]],
) -> list[HolderRow]:
    ids = [holder.id for holder, _, _ in holders]
    budgets = current_budgets(session, ids)
    plans = current_plans(session, ids)
    in_force = plans_in_force(session, plans)
    rows = []
    for holder, record, link in holders:
        plan = plans.get(holder.id)
        days = waiting.days_waiting(plan) if plan is not None else None
        rows.append(
            HolderRow(
                holder, record, budgets.get(holder.id), plan, days, link, in_force.get(holder.id)
            )
        )
    return rows


@dataclass(frozen=True)
class Caseload:
    invitations: list[BrokerLink]
    holders: list[HolderRow]


def caseload(session: DbSession, user: Any) -> Caseload:
    """A broker's invitations and the holders they work for; a representative's holders."""
    if user.role == "broker":
        links = session.scalars(
            select(BrokerLink)
            .where(BrokerLink.broker_id == user.id, BrokerLink.status.in_(("invited", "active")))
            .options(selectinload(BrokerLink.holder))
            .order_by(BrokerLink.created_at, BrokerLink.id)
        ).all()
        invitations = [link for link in links if link.status == "invited"]
        people: list[tuple[User, HolderRecord | None, BrokerLink | Representation | None]] = [
            (link.holder, session.get(HolderRecord, link.holder_id), link)
            for link in links
            if link.status == "active"
        ]
        return Caseload(invitations, holder_rows(session, _by_name(people)))
    representations = session.scalars(
        select(Representation)
        .where(Representation.representative_id == user.id, Representation.revoked_at.is_(None))
        .options(selectinload(Representation.holder))
        .order_by(Representation.id)
    ).all()
    people = [
        (link.holder, session.get(HolderRecord, link.holder_id), link) for link in representations
    ]
    return Caseload([], holder_rows(session, _by_name(people)))


def _by_name(people: list[Any]) -> list[Any]:
    return sorted(people, key=lambda item: (item[0].name.lower(), item[0].id))


def people_rows(session: DbSession, items: Sequence[Any]) -> list[HolderRow]:
    """Rows for a page of ``services.council_people`` ((User, HolderRecord) pairs)."""
    return holder_rows(session, [(holder, record, None) for holder, record in items])
