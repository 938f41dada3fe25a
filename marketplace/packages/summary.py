"""The package summary: what a plan's package costs by stream and in all, who pays for it, where
the money goes (direct support, coordination, overheads) and which outcomes it serves.

Reads only. Every cost comes from ``plans.costing`` (the one rule for a line's yearly cost and
its weekly figure), so the summary, the plan page, the checks and the API always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.budgets.models import Budget
from marketplace.clock import utcnow
from marketplace.directory.models import Offer
from marketplace.directory.vocab import label
from marketplace.extensions import DbSession
from marketplace.money import format_quantity
from marketplace.plans import vocab as plan_vocab
from marketplace.plans.common import outcome_title, year_label
from marketplace.plans.costing import Cost, line_cost, plan_costs
from marketplace.plans.models import PlanLine, SupportPlan

BASIS = 10_000  # basis points in 100%

# Where a paid line's money goes, in the order pages and the CSV list it.
PARTS = (
    ("direct", "Direct support"),
    ("coordination", "Coordination"),
    ("overheads", "Overheads"),
    ("not_broken_down", "Not broken down"),
)

UNPAID = "Unpaid"
NOT_ASSIGNED = "Not assigned to a stream yet"


@dataclass(frozen=True)
class Split:
    """Yearly pence by where the money goes; the parts of a line sum exactly to its cost."""

    direct: int = 0
    coordination: int = 0
    overheads: int = 0
    not_broken_down: int = 0

    @property
    def total_pence(self) -> int:
        return self.direct + self.coordination + self.overheads + self.not_broken_down

    def pence(self, part: str) -> int:
        value: int = getattr(self, part)
        return value

    def __add__(self, other: Split) -> Split:
        return Split(*(self.pence(key) + other.pence(key) for key, _ in PARTS))


def split_cost(annual_pence: int, kind: str, offer: Offer | None) -> Split:
    """A paid line's yearly cost by its offer's breakdown, rounded down for coordination and
    overheads with the remainder going to direct support. A personal assistant is all direct
    support; a line bought outside the directory has no breakdown to go on."""
    if kind == "pa":
        return Split(direct=annual_pence)
    if kind != "offer" or offer is None:
        return Split(not_broken_down=annual_pence)
    coordination = annual_pence * offer.coordination_bp // BASIS
    overheads = annual_pence * offer.overheads_bp // BASIS
    return Split(
        direct=annual_pence - coordination - overheads,
        coordination=coordination,
        overheads=overheads,
    )


def shares_of(amounts: list[int]) -> list[int]:
    """Each amount's share of their sum in basis points, summing to exactly 100% (largest
    remainder); all 0 when there is nothing to share."""
    total = sum(amounts)
    if total == 0:
        return [0] * len(amounts)
    shares = [amount * BASIS // total for amount in amounts]
    by_remainder = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] * BASIS % total), i))
    for i in by_remainder[: BASIS - sum(shares)]:
        shares[i] += 1
    return shares


def how_often(line: PlanLine) -> str:
    """'6 hours each week', '1 session each fortnight' (as the plan page says it)."""
    unit = label(plan_vocab.LINE_UNITS, line.unit)
    if line.quantity_hundredths == 100 and unit.endswith("s"):
        unit = unit[:-1]
    frequency = label(plan_vocab.FREQUENCIES, line.frequency)
    return f"{format_quantity(line.quantity_hundredths)} {unit} {frequency}"


@dataclass(frozen=True)
class SummaryLine:
    line_id: int
    number: int  # the line's place in the plan, from 1
    kind: str
    description: str
    provider_name: str  # who delivers it ("" when not said)
    how_often: str
    paid_from: str  # the stream's name, "Unpaid" or "Not assigned to a stream yet"
    cost: Cost
    split: Split
    outcome_ids: tuple[int, ...]

    @property
    def paid(self) -> bool:
        return self.kind != "unpaid"


@dataclass(frozen=True)
class StreamSummary:
    stream_id: int
    name: str
    kind: str
    cost: Cost  # what the package's lines ask of it
    holds_pence: int  # the stream's total for the year
    available_pence: int  # what it has left for the year (less committed and spent)
    over_pence: int  # how much the package asks beyond that (0 when it fits)

    @property
    def left_after_pence(self) -> int:
        """What the stream still has once the package is paid (0 when it is over)."""
        return max(0, self.available_pence - self.cost.annual_pence)


@dataclass(frozen=True)
class WhoPays:
    """The budget's own figures, and who meets the package's cost a year. Lines paid from other
    funding (like Access to Work) are that funder's; of the rest, the holder pays their assessed
    contribution (never more than that part costs) and the council pays what is left."""

    budget_total_pence: int
    contribution_pence: int  # the holder's assessed contribution for the year
    council_share_pence: int  # the budget's council share
    other_funding_pence: int  # the budget's other funding (like Access to Work)
    other_pence: Cost  # the package's lines paid from other funding
    holder_pence: Cost  # what the holder pays towards the package
    council_pence: Cost  # what the council pays towards the package


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    cost: Cost
    share_bp: int  # of the package's total, in basis points


@dataclass(frozen=True)
class OutcomeCoverage:
    outcome_id: int
    title: str
    lines: tuple[SummaryLine, ...]  # the lines serving it, in plan order

    @property
    def cost(self) -> Cost:
        return Cost(sum(line.cost.annual_pence for line in self.lines))


@dataclass(frozen=True)
class PackageSummary:
    plan_id: int
    holder_name: str
    year: str  # "2025 to 2026"
    revision: int
    status: str
    status_label: str
    generated_at: datetime
    lines: tuple[SummaryLine, ...]
    streams: tuple[StreamSummary, ...]
    unassigned: Cost  # paid lines no stream pays yet
    total: Cost
    who_pays: WhoPays | None  # None when no budget is recorded for the year
    split: Split  # every paid line's split, added up
    shares: tuple[Share, ...]  # the split as shares of the total (parts with money only)
    outcomes: tuple[OutcomeCoverage, ...]

    @property
    def paid_lines(self) -> tuple[SummaryLine, ...]:
        return tuple(line for line in self.lines if line.paid)

    @property
    def unpaid_lines(self) -> tuple[SummaryLine, ...]:
        return tuple(line for line in self.lines if not line.paid)

    @property
    def unserved_outcomes(self) -> tuple[OutcomeCoverage, ...]:
        return tuple(outcome for outcome in self.outcomes if not outcome.lines)

    @property
    def lines_without_outcome(self) -> tuple[SummaryLine, ...]:
        return tuple(line for line in self.lines if not line.outcome_ids)

    @property
    def over_any_stream(self) -> bool:
        return any(stream.over_pence for stream in self.streams)


def _summary_line(line: PlanLine, number: int) -> SummaryLine:
    cost = line_cost(line)
    if line.kind == "unpaid":
        paid_from, split = UNPAID, Split()
    else:
        paid_from = line.stream.name if line.stream is not None else NOT_ASSIGNED
        split = split_cost(cost.annual_pence, line.kind, line.offer)
    return SummaryLine(
        line_id=line.id,
        number=number,
        kind=line.kind,
        description=line.description,
        provider_name=line.provider_name,
        how_often=how_often(line),
        paid_from=paid_from,
        cost=cost,
        split=split,
        outcome_ids=tuple(outcome.id for outcome in line.outcomes),
    )


def _who_pays(plan_total: int, streams: tuple[StreamSummary, ...], budget: Budget) -> WhoPays:
    other = sum(s.cost.annual_pence for s in streams if s.kind == "other")
    council_funded = plan_total - other
    holder = min(budget.contribution_pence, council_funded)
    return WhoPays(
        budget_total_pence=budget.total_pence,
        contribution_pence=budget.contribution_pence,
        council_share_pence=budget.council_share_pence,
        other_funding_pence=budget.other_funding_pence,
        other_pence=Cost(other),
        holder_pence=Cost(holder),
        council_pence=Cost(council_funded - holder),
    )


def package_summary(session: DbSession, plan: SupportPlan) -> PackageSummary:
    """The summary of a plan's package as it stands (``session`` is the plan's; nothing is
    written). Amounts are yearly integer pence, each with its weekly figure."""
    costs = plan_costs(plan)
    lines = tuple(_summary_line(line, n) for n, line in enumerate(plan.lines, start=1))
    streams = tuple(
        StreamSummary(
            stream_id=item.stream.id,
            name=item.stream.name,
            kind=item.stream.kind,
            cost=item.cost,
            holds_pence=item.stream.total_pence,
            available_pence=item.available_pence,
            over_pence=item.over_pence,
        )
        for item in costs.streams
    )
    split = sum((line.split for line in lines), Split())
    amounts = [split.pence(key) for key, _ in PARTS]
    shares = tuple(
        Share(key, text, Cost(amount), share)
        for (key, text), amount, share in zip(PARTS, amounts, shares_of(amounts), strict=True)
        if amount
    )
    outcomes = tuple(
        OutcomeCoverage(
            outcome_id=outcome.id,
            title=outcome_title(outcome),
            lines=tuple(line for line in lines if outcome.id in line.outcome_ids),
        )
        for outcome in plan.outcomes
    )
    total = costs.total.annual_pence
    return PackageSummary(
        plan_id=plan.id,
        holder_name=plan.holder.name,
        year=year_label(plan.year_start),
        revision=plan.revision,
        status=plan.status,
        status_label=label(plan_vocab.PLAN_STATUSES, plan.status),
        generated_at=utcnow(),
        lines=lines,
        streams=streams,
        unassigned=costs.unassigned,
        total=costs.total,
        who_pays=_who_pays(total, streams, costs.budget) if costs.budget is not None else None,
        split=split,
        shares=shares,
        outcomes=outcomes,
    )
