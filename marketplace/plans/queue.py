"""An officer's lists: plans waiting for the council's decision (oldest first, because waiting
harms outcomes), and approved plans whose review is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from marketplace.clock import today
from marketplace.extensions import DbSession
from marketplace.permissions import Permission, has_permission
from marketplace.plans.models import SupportPlan
from marketplace.plans.waiting import WAITING_STATUSES, days_waiting


@dataclass(frozen=True)
class QueueItem:
    plan: SupportPlan
    days_waiting: int

    @property
    def holder_name(self) -> str:
        return self.plan.holder.name

    @property
    def submitted_at(self) -> datetime | None:
        return self.plan.submitted_at

    @property
    def status(self) -> str:
        return self.plan.status


@dataclass(frozen=True)
class ReviewItem:
    plan: SupportPlan
    review_due_on: date
    overdue: bool
    days: int  # until the review, or since it was due when overdue

    @property
    def holder_name(self) -> str:
        return self.plan.holder.name


def _council_id(officer: Any) -> int | None:
    if not has_permission(officer, Permission.DECIDE_PLANS):
        return None
    return getattr(officer, "council_id", None)


def officer_queue(session: DbSession, officer: Any) -> list[QueueItem]:
    """Submitted and referred plans of the officer's council, the one waiting longest first."""
    council_id = _council_id(officer)
    if council_id is None:
        return []
    plans = session.scalars(
        select(SupportPlan)
        .options(joinedload(SupportPlan.holder))
        .where(
            SupportPlan.council_id == council_id,
            SupportPlan.status.in_(sorted(WAITING_STATUSES)),
        )
        .order_by(SupportPlan.submitted_at, SupportPlan.id)
    ).all()
    return [QueueItem(plan, days_waiting(plan) or 0) for plan in plans]


def reviews_due(session: DbSession, officer: Any, within_days: int = 60) -> list[ReviewItem]:
    """Approved plans in force (not superseded) of the officer's council whose review falls
    within ``within_days`` from today, or is overdue; soonest first."""
    council_id = _council_id(officer)
    if council_id is None:
        return []
    now = today()
    plans = session.scalars(
        select(SupportPlan)
        .options(joinedload(SupportPlan.holder))
        .where(
            SupportPlan.council_id == council_id,
            SupportPlan.status == "approved",
            SupportPlan.review_due_on <= now + timedelta(days=within_days),
        )
        .order_by(SupportPlan.review_due_on, SupportPlan.id)
    ).all()
    items = []
    for plan in plans:
        due = plan.review_due_on
        assert due is not None  # approved plans always have one (database check)
        items.append(ReviewItem(plan, due, due < now, abs((due - now).days)))
    return items
