"""The plain records a demo budget holder is made of: record, links, budgets, support plans.

People are named by email (the natural key) and providers by name, so the plan needs no ids;
the loader resolves them. Amounts are annual pence, as the models keep them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from marketplace.demo.records import UserPlan
from marketplace.money import annual_cost
from marketplace.plans.vocab import PERIODS_PER_YEAR

DECISIONS = ("approved", "rejected")


@dataclass
class StreamPlan:
    kind: str  # dp | managed | isf | other
    total_pence: int
    entered_weekly: bool
    label: str = ""  # names an "other" stream
    organisation: str | None = None  # the ISF holder, by name


@dataclass
class AssessmentPlan:
    answers: list[dict[str, Any]]
    points: int
    method: str
    working: str
    indicative_pence: int
    completed_by: str  # email
    created_at: datetime


@dataclass
class BudgetPlan:
    year_start: date
    year_end: date
    contribution_pence: int
    streams: list[StreamPlan]
    set_by: str  # the council officer's email
    created_at: datetime
    indicative_pence: int | None = None
    uses_assessment: bool = False
    variance_reason: str = ""

    @property
    def total_pence(self) -> int:
        return sum(s.total_pence for s in self.streams)

    def stream(self, kind: str) -> StreamPlan | None:
        return next((s for s in self.streams if s.kind == kind), None)


@dataclass
class OutcomePlan:
    code: str
    text: str
    how_met: str


@dataclass
class LinePlan:
    kind: str  # offer | pa | text | unpaid
    description: str
    provider_name: str
    frequency: str
    quantity_hundredths: int
    unit: str
    unit_price_pence: int
    stream_kind: str | None  # which of the budget's streams pays (None: unpaid)
    start_on: date
    outcomes: list[int]  # positions of the outcomes it serves
    end_on: date | None = None
    days: list[str] = field(default_factory=list)
    time_bands: list[str] = field(default_factory=list)
    offer: tuple[str, str] | None = None  # (organisation name, offer title)
    pa_email: str | None = None

    @property
    def annual_pence(self) -> int:
        return annual_cost(
            self.unit_price_pence, self.quantity_hundredths, PERIODS_PER_YEAR[self.frequency]
        )


@dataclass
class EventPlan:
    from_status: str | None
    to_status: str
    actor: str  # email
    at: datetime
    reason: str = ""


@dataclass
class SupportPlanPlan:
    year_start: date
    revision: int
    created_by: str  # email
    what_matters: str
    outcomes: list[OutcomePlan]
    lines: list[LinePlan]
    events: list[EventPlan]
    review_due_on: date | None = None

    @property
    def status(self) -> str:
        return self.events[-1].to_status

    def columns(self) -> dict[str, Any]:
        """The plan's status columns, read off its events so the two always agree."""
        submitted = [e for e in self.events if e.to_status == "submitted"]
        decided = [e for e in self.events if e.to_status in DECISIONS]
        last = decided[-1] if decided else None
        return {
            "status": self.status,
            "submitted_at": submitted[-1].at if submitted else None,
            "decided_at": last.at if last else None,
            "decision_reason": last.reason if last else "",
            "review_due_on": self.review_due_on,
            "created_at": self.events[0].at,
            "updated_at": self.events[-1].at,
        }


@dataclass
class RepresentationPlan:
    representative: UserPlan
    relationship_kind: str
    linked_by: str  # email: the holder, or an officer where the holder lacks capacity
    created_at: datetime


@dataclass
class BrokerLinkPlan:
    broker: str  # email
    status: str  # invited | active
    invited_by: str  # email
    created_at: datetime
    accepted_at: datetime | None = None


@dataclass
class HolderPlan:
    user: UserPlan
    council_code: str
    created_at: datetime
    record: dict[str, Any]  # HolderRecord columns
    budgets: list[BudgetPlan]
    plans: list[SupportPlanPlan] = field(default_factory=list)
    assessment: AssessmentPlan | None = None
    representative: RepresentationPlan | None = None
    broker: BrokerLinkPlan | None = None
    persona: str = ""

    def budget_for(self, year_start: date) -> BudgetPlan | None:
        return next((b for b in self.budgets if b.year_start == year_start), None)
