"""How long a plan has waited for the council: one rule for the officers' queue, the plan pages,
a holder's dashboard, a caseload and a council's list of people.

Reads the plan only (no queries), so any page can use it for many plans at once.
"""

from __future__ import annotations

from datetime import date, datetime

from marketplace.clock import today
from marketplace.plans.models import SupportPlan

# The states in which a plan waits for the council's decision.
WAITING_STATUSES = frozenset({"submitted", "referred"})


def days_between(start: datetime | date | None, end: date | None = None) -> int:
    """Whole calendar days from ``start`` to ``end`` (default today, UTC); 0 when there is no
    start, never negative."""
    if start is None:
        return 0
    first = start.date() if isinstance(start, datetime) else start
    return max(0, ((end or today()) - first).days)


def waiting_since(plan: SupportPlan) -> datetime | None:
    """When the plan started waiting for the council's decision, or None when it is not waiting.

    That is when it was sent to the council (``submitted_at``), for a submitted plan and for a
    referred one alike: referring a plan to a panel is part of the council deciding it, so the
    person's wait does not start again. (A plan withdrawn and sent again waits from the second
    sending: withdrawing clears ``submitted_at``.)
    """
    if plan.status not in WAITING_STATUSES:
        return None
    return plan.submitted_at


def days_waiting(plan: SupportPlan, on: date | None = None) -> int | None:
    """Whole days the plan has waited for the council (0 on the day it was sent), or None when
    it is not waiting."""
    since = waiting_since(plan)
    return None if since is None else days_between(since, on)


def describe_wait(days: int) -> str:
    """'sent today', 'waiting 1 day', 'waiting 12 days' (``plans/_parts.html`` ``waited`` says
    the same in templates)."""
    if days <= 0:
        return "sent today"
    return "waiting 1 day" if days == 1 else f"waiting {days} days"
