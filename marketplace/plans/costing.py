"""What a plan costs: each line over the plan year, and the totals for each budget stream.

One rule for every page and the API: a line's yearly cost is ``money.annual_cost`` (price x
quantity, rounded up to the penny, times how often it happens in a year); the weekly figure shown
is that yearly cost divided by 52 and rounded down, with the remainder shown over the year.
A stream fits when the plan's lines it pays for cost no more than it has left for the year;
submitting and approving a plan check exactly this.

What a stream has left *for the plan* is its total less what is committed or spent, except money
on bookings made for the plan's own lines (or for the lines of an earlier revision they were
copied from): that money is the line's cost being paid, not something beside it, so counting it
again would put a fully booked plan over its budget. A line whose bookings already hold more
than its yearly cost asks for what they hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import object_session

from marketplace import money
from marketplace.bookings.models import Booking, LedgerEntry
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.budgets.services import current_budget
from marketplace.extensions import DbSession
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.plans.vocab import PERIODS_PER_YEAR


def line_annual_pence(line: PlanLine) -> int:
    """A line's cost over the plan year; unpaid support costs nothing."""
    if line.kind == "unpaid":
        return 0
    return money.annual_cost(
        line.unit_price_pence, line.quantity_hundredths, PERIODS_PER_YEAR[line.frequency]
    )


@dataclass(frozen=True)
class Cost:
    annual_pence: int

    @property
    def weekly_pence(self) -> int:
        return money.annual_to_weekly(self.annual_pence)[0]

    @property
    def weekly_remainder_pence(self) -> int:
        return money.annual_to_weekly(self.annual_pence)[1]

    def as_dict(self) -> dict[str, int]:
        return {
            "annual_pence": self.annual_pence,
            "weekly_pence": self.weekly_pence,
            "weekly_remainder_pence": self.weekly_remainder_pence,
        }


def line_cost(line: PlanLine) -> Cost:
    return Cost(line_annual_pence(line))


@dataclass(frozen=True)
class StreamCost:
    """What the plan asks of one stream, beside what the stream holds."""

    stream: BudgetStream
    cost: Cost
    # Money committed or spent on the stream by bookings of the plan's own lines, up to each
    # line's yearly cost: already inside ``cost``, so not taken from what is available.
    booked_for_lines_pence: int = 0

    @property
    def available_pence(self) -> int:
        """What the stream has left for the plan's lines this year: its total less what is
        committed or spent on anything but those lines."""
        return self.stream.remaining_pence + self.booked_for_lines_pence

    @property
    def used_elsewhere(self) -> bool:
        """Whether money is committed or spent on the stream beyond the plan's own lines."""
        return self.available_pence != self.stream.total_pence

    @property
    def over_pence(self) -> int:
        """How much the plan asks beyond what the stream has left (0 when it fits)."""
        return max(0, self.cost.annual_pence - self.available_pence)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stream_id": self.stream.id,
            "kind": self.stream.kind,
            "name": self.stream.name,
            "stream_total_pence": self.stream.total_pence,
            "over_pence": self.over_pence,
            **self.cost.as_dict(),
        }


@dataclass(frozen=True)
class PlanCosts:
    streams: list[StreamCost] = field(default_factory=list)
    # Paid lines that do not yet say which stream pays for them.
    unassigned: Cost = Cost(0)
    total: Cost = Cost(0)
    budget: Budget | None = None  # what the plan is costed against

    @property
    def over_any_stream(self) -> bool:
        return any(s.over_pence for s in self.streams)

    @property
    def streams_over(self) -> list[StreamCost]:
        """The streams asked for more than they have left."""
        return [s for s in self.streams if s.over_pence]

    def as_dict(self) -> dict[str, Any]:
        return {
            "streams": [s.as_dict() for s in self.streams],
            "unassigned": self.unassigned.as_dict(),
            "total": self.total.as_dict(),
            "budget_id": self.budget.id if self.budget is not None else None,
        }


def stream_phrase(stream: BudgetStream) -> str:
    """How a stream reads inside a sentence: "the direct payment", "Access to Work"."""
    if stream.kind == "dp":
        return "the direct payment"
    if stream.kind == "managed":
        return "the council-managed budget"
    if stream.kind == "isf":
        return f"the {stream.name}"
    return stream.name


def _budget_of(plan: SupportPlan) -> Budget | None:
    """The budget a plan is costed against: the one it was submitted with; for a draft, the
    holder's budget for the plan year as it is now (it may be recorded after the draft began)."""
    session = object_session(plan)
    if plan.status == "draft" and session is not None:
        return current_budget(session, plan.holder_id, plan.year_start)
    return plan.budget


def booked_for_lines(session: DbSession, plan: SupportPlan) -> dict[tuple[int, int], int]:
    """Money committed or spent by bookings of each of the plan's lines, by (line, stream).

    A line's bookings are those made for it or for the earlier revisions' lines it was copied
    from; the sums come from the ledger, so they are what the stream's balances hold.
    """
    lines = [line for line in plan.lines if line.id is not None]
    if not lines:
        return {}
    on_lines = (
        select(
            Booking.line_id,
            LedgerEntry.stream_id,
            func.sum(LedgerEntry.committed_delta + LedgerEntry.spent_delta).label("pence"),
        )
        .join(LedgerEntry, LedgerEntry.booking_id == Booking.id)
        .where(Booking.holder_id == plan.holder_id, Booking.line_id.is_not(None))
        .group_by(Booking.line_id, LedgerEntry.stream_id)
        .subquery()
    )
    # Every line of the holder's plans for the year (to follow copies back through revisions),
    # with the money on its bookings: one statement.
    rows = session.execute(
        select(PlanLine.id, PlanLine.copied_from_id, on_lines.c.stream_id, on_lines.c.pence)
        .join(SupportPlan, SupportPlan.id == PlanLine.plan_id)
        .outerjoin(on_lines, on_lines.c.line_id == PlanLine.id)
        .where(SupportPlan.holder_id == plan.holder_id, SupportPlan.year_start == plan.year_start)
    ).all()
    parents = {line_id: parent for line_id, parent, _stream, _pence in rows}
    owner: dict[int, int] = {}  # a line of any revision → the plan's line it became
    for line in lines:
        ancestor: int | None = line.id
        while ancestor is not None and ancestor not in owner:
            owner[ancestor] = line.id
            ancestor = parents.get(ancestor)
    booked: dict[tuple[int, int], int] = {}
    for line_id, _parent, stream_id, pence in rows:
        if line_id in owner and stream_id is not None:
            key = (owner[line_id], stream_id)
            booked[key] = booked.get(key, 0) + int(pence or 0)
    return booked


def plan_costs(plan: SupportPlan) -> PlanCosts:
    """Per stream (every stream of the plan's budget, and any other a line names) and in all."""
    by_stream: dict[int, int] = {}
    covered: dict[int, int] = {}
    streams: dict[int, BudgetStream] = {}
    budget = _budget_of(plan)
    if budget is not None:
        for stream in budget.streams:
            streams[stream.id] = stream
            by_stream[stream.id] = 0
    session = object_session(plan)
    booked = booked_for_lines(session, plan) if session is not None else {}
    unassigned = total = 0
    for line in plan.lines:
        annual = line_annual_pence(line)
        total += annual
        if line.stream is None:
            unassigned += annual
            continue
        streams.setdefault(line.stream.id, line.stream)
        by_stream[line.stream.id] = by_stream.get(line.stream.id, 0) + annual
        on_line = booked.get((line.id, line.stream.id), 0)
        covered[line.stream.id] = covered.get(line.stream.id, 0) + min(max(on_line, 0), annual)
    return PlanCosts(
        streams=[
            StreamCost(streams[i], Cost(by_stream[i]), covered.get(i, 0)) for i in sorted(streams)
        ],
        unassigned=Cost(unassigned),
        total=Cost(total),
        budget=budget,
    )
