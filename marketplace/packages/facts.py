"""The facts the package rules read: a line (saved, or described by a form not saved yet) and
the holder it is for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import joinedload

from marketplace.budgets.models import BudgetStream
from marketplace.directory.models import Offer, PAProfile
from marketplace.extensions import DbSession
from marketplace.holders.models import HolderRecord
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.plans.vocab import PERIODS_PER_YEAR

if TYPE_CHECKING:
    from marketplace.plans.lines import LineInput

# The respite category: residential short stays and short breaks.
RESPITE = "respite"
# A direct payment may pay for short stays of up to 4 weeks in any 12 months (England).
RESPITE_LIMIT_HUNDREDTHS = 28 * 100
STAY_UNITS = frozenset({"nights", "days"})
DP_RULES_NATION = "England"


@dataclass(frozen=True)
class Holder:
    """What the rules need to know about the holder."""

    nation: str | None
    district: str
    required_checks: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class LineFacts:
    """A line as the rules see it: a saved ``PlanLine`` or a ``LineInput`` not saved yet."""

    line_id: int | None
    kind: str
    description: str
    offer: Offer | None
    pa: PAProfile | None
    stream: BudgetStream | None
    provider_name: str
    frequency: str
    quantity_hundredths: int
    unit: str
    days: tuple[str, ...]
    time_bands: tuple[str, ...]
    start_on: date
    end_on: date | None = None

    @property
    def name(self) -> str:
        return f"“{self.description}”"

    def checks_needed_on(self, on: date) -> date:
        """The day a PA's checks must be in date on: the line's start, or ``on`` (today) while
        the line is running."""
        running = self.start_on < on and (self.end_on is None or self.end_on >= on)
        return on if running else self.start_on

    @property
    def stays_a_year_hundredths(self) -> int:
        """Nights (or days) of short stay a year when a direct payment buys respite, else 0."""
        if (
            self.stream is None
            or self.stream.kind != "dp"
            or self.offer is None
            or self.offer.category != RESPITE
            or self.unit not in STAY_UNITS
        ):
            return 0
        return self.quantity_hundredths * PERIODS_PER_YEAR.get(self.frequency, 1)


def facts_of_line(line: PlanLine) -> LineFacts:
    return LineFacts(
        line_id=line.id,
        kind=line.kind,
        description=line.description,
        offer=line.offer,
        pa=line.pa_profile,
        stream=line.stream,
        provider_name=line.provider_name,
        frequency=line.frequency,
        quantity_hundredths=line.quantity_hundredths,
        unit=line.unit,
        days=tuple(line.days or ()),
        time_bands=tuple(line.time_bands or ()),
        start_on=line.start_on,
        end_on=line.end_on,
    )


def facts_of_input(
    session: DbSession, plan: SupportPlan, data: LineInput, line_id: int | None = None
) -> LineFacts:
    offer = session.get(Offer, data.offer_id) if data.offer_id is not None else None
    pa = session.get(PAProfile, data.pa_profile_id) if data.pa_profile_id is not None else None
    stream = (
        session.get(BudgetStream, data.stream_id)
        if data.stream_id is not None and data.kind != "unpaid"
        else None
    )
    description = (data.description or "").strip()
    if not description:
        description = offer.title if offer else pa.display_name if pa else "this line"
    return LineFacts(
        line_id=line_id,
        kind=data.kind,
        description=description,
        offer=offer,
        pa=pa,
        stream=stream,
        provider_name=(data.provider_name or "").strip(),
        frequency=data.frequency,
        quantity_hundredths=data.quantity_hundredths or 0,
        unit=data.unit,
        days=tuple(data.days),
        time_bands=tuple(data.time_bands),
        start_on=data.start_on or plan.year_start,
        end_on=data.end_on,
    )


def holder_of(session: DbSession, plan: SupportPlan) -> Holder:
    # One query for the record, its council and the holder (``plan.holder`` then finds them).
    record = session.get(
        HolderRecord,
        plan.holder_id,
        options=[joinedload(HolderRecord.council), joinedload(HolderRecord.user)],
    )
    if record is None:
        return Holder(None, "", (), plan.holder.name)
    nation = record.council.nation if record.council is not None else None
    return Holder(
        nation, record.district or "", tuple(record.required_checks or ()), plan.holder.name
    )
