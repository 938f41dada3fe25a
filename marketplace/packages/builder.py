"""The package builder's use cases: the package beside its checks and suggested alternatives,
the line a search result becomes, and swapping a line's offer for a suggested one. The directory
searched in place is ``builder_search``.

Reads are plain reads (the views record them in the audit log). The one write here,
``swap_offer``, goes through ``plans.lines.update_line``: one transaction, refused whole (nothing
saved) when the swap breaks a rule. Lines are added with ``plans.lines.add_line`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marketplace.budgets.models import BudgetStream
from marketplace.directory import vocab as directory_vocab
from marketplace.directory.models import Offer, PAProfile
from marketplace.directory.services import public_listing
from marketplace.errors import NotFound, ValidationFailed
from marketplace.extensions import MAX_ID, DbSession
from marketplace.holders.access import CareAccess
from marketplace.packages.alternatives import Alternative, alternatives_for, alternatives_for_plan
from marketplace.packages.builder_search import Area, holder_area
from marketplace.packages.candidates import Candidate
from marketplace.packages.findings import Finding, PackageChecks
from marketplace.packages.rules import check_package
from marketplace.plans.common import LOCKED, editable_plan, planner_access, year_label
from marketplace.plans.lines import LineInput, stream_choices, update_line
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.plans.presenting import PlanPage, plan_page

# A line counts in the units of its offer's price (a per-week or per-item price counts items).
LINE_UNIT_OF_PRICE = {
    "hour": "hours",
    "session": "sessions",
    "visit": "visits",
    "day": "days",
    "night": "nights",
    "week": "items",
    "item": "items",
    "free": "sessions",
}
NOT_SUGGESTED = "That service is no longer suggested for this line: search again"
VIEW_ONLY = (
    "You can see this package and its checks. The person, their representative or their "
    "broker change it."
)


# --- the package -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuilderPage:
    """The plan's package beside its checks and, while it may be changed, the alternatives
    suggested for each paid service line."""

    page: PlanPage
    checks: PackageChecks
    alternatives: dict[int, list[Alternative]]
    area: Area
    locked: str | None  # why the package cannot be changed here; None when it can

    @property
    def plan(self) -> SupportPlan:
        return self.page.plan

    @property
    def access(self) -> CareAccess:
        return self.page.access

    @property
    def can_edit(self) -> bool:
        return self.page.can_edit

    @property
    def streams(self) -> list[BudgetStream]:
        """What a line may be paid from (the holder's streams for the plan year)."""
        return self.page.streams

    def stream(self, stream_id: int | None) -> BudgetStream | None:
        return next((s for s in self.streams if s.id == stream_id), None)

    def line_findings(self, line_id: int) -> list[Finding]:
        return self.checks.for_line(line_id)

    @property
    def outcome_findings(self) -> dict[int, list[Finding]]:
        found: dict[int, list[Finding]] = {}
        for finding in self.checks.findings:
            if finding.outcome_id is not None:
                found.setdefault(finding.outcome_id, []).append(finding)
        return found

    @property
    def lines_serving_nothing(self) -> list[Finding]:
        return [f for f in self.checks.findings if f.rule == "line_serves_no_outcome"]

    @property
    def to_look_at(self) -> list[Finding]:
        """Errors, then warnings: the list at the top of the package."""
        return self.checks.errors + self.checks.warnings


def _locked_reason(page: PlanPage) -> str | None:
    if page.can_edit:
        return None
    if not page.access.can_plan:
        return VIEW_ONLY
    return f"{LOCKED.get(page.plan.status, 'This plan cannot be changed')}."


def builder_page(session: DbSession, user: Any, plan_id: int) -> BuilderPage:
    """The package builder for whoever may see the plan (else NotFound). Reads only."""
    page = plan_page(session, user, plan_id)
    checks = check_package(session, page.plan, costs=page.costs)
    alternatives = alternatives_for_plan(session, page.plan) if page.can_edit else {}
    return BuilderPage(
        page=page,
        checks=checks,
        alternatives=alternatives,
        area=holder_area(page.access.record),
        locked=_locked_reason(page),
    )


# --- adding a line ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddTarget:
    """What a new line is for: a published offer, a published PA, or unpaid support."""

    kind: str  # offer | pa | unpaid
    offer: Offer | None = None
    pa: PAProfile | None = None


def _listing_id(text: str) -> int:
    if not text.isdigit() or len(text) > 10 or not 1 <= int(text) <= MAX_ID:
        raise NotFound("Page not found. The listing may have been removed.")
    return int(text)


def add_target(session: DbSession, args: Mapping[str, str]) -> AddTarget:
    """``?offer=<id>``, ``?pa=<id>`` or ``?kind=unpaid`` (exactly one); anything else, or a
    listing that is not published, is NotFound."""
    given = {name: args[name] for name in ("offer", "pa", "kind") if name in args}
    if len(given) != 1:
        raise NotFound("Page not found. Choose a service or a personal assistant to add.")
    name, value = next(iter(given.items()))
    if name == "kind":
        if value != "unpaid":
            raise NotFound("Page not found.")
        return AddTarget("unpaid")
    if name == "offer":
        offer = public_listing(session, "offer", _listing_id(value))
        assert isinstance(offer, Offer)
        return AddTarget("offer", offer=offer)
    pa = public_listing(session, "pa_profile", _listing_id(value))
    assert isinstance(pa, PAProfile)
    return AddTarget("pa", pa=pa)


@dataclass(frozen=True)
class AddPage:
    plan: SupportPlan
    access: CareAccess
    streams: list[BudgetStream]
    target: AddTarget

    @property
    def year(self) -> str:
        return year_label(self.plan.year_start)

    @property
    def payable_stream_ids(self) -> set[int] | None:
        """The streams that may pay for the offer (its deployments; never a council-run
        service from a direct payment); None when the line is not for an offer."""
        offer = self.target.offer
        if offer is None:
            return None
        facts = Candidate.of(offer)
        return {s.id for s in self.streams if facts.payable_by(s.kind)}

    @property
    def default_unit(self) -> str:
        offer = self.target.offer
        return LINE_UNIT_OF_PRICE.get(offer.price_unit, "hours") if offer else "hours"

    @property
    def shows_days(self) -> bool:
        """PA lines say their days and times; so do offers that run on set days or times."""
        offer = self.target.offer
        return self.target.kind == "pa" or bool(offer and (offer.days or offer.time_bands))

    @property
    def availability(self) -> str:
        """When the PA is available, in words: "Wednesday (morning), Saturday (morning,
        sleep-in)"; "" for anything but a PA line."""
        pa = self.target.pa
        if pa is None:
            return ""
        slots = set(pa.availability or ())
        days = []
        for day, day_name in directory_vocab.DAYS:
            bands = [
                name.lower()
                for band, name in directory_vocab.TIME_BANDS
                if f"{day}:{band}" in slots
            ]
            if bands:
                days.append(f"{day_name} ({', '.join(bands)})")
        return ", ".join(days)

    @property
    def price_pence(self) -> int | None:
        if self.target.offer is not None:
            return self.target.offer.price_pence
        return self.target.pa.hourly_rate_pence if self.target.pa is not None else None

    def default_stream_id(self, wanted: int | None) -> int | None:
        """The stream asked for when it may pay, else the first that may (a PA: the first
        direct payment); None for unpaid support, a free offer, or when none may."""
        if self.target.kind == "unpaid" or self.price_pence == 0:
            return None
        ids = [s.id for s in self.streams]
        payable = self.payable_stream_ids
        if payable is None:
            payable = set(ids)
            preferred = [s.id for s in self.streams if s.kind == "dp"]
        else:
            preferred = [i for i in ids if i in payable]
        if wanted in payable:
            return wanted
        return preferred[0] if preferred else None


def add_page(session: DbSession, user: Any, plan_id: int, target: AddTarget) -> AddPage:
    """The form for one new line: a draft plan its planner may change (NotFound for anyone
    else; InvalidTransition, saying why, when the plan is not a draft). Reads only."""
    plan = editable_plan(session, user, plan_id)
    access = planner_access(session, user, plan.holder_id)
    return AddPage(plan, access, stream_choices(session, plan), target)


# --- swapping a line's offer ---------------------------------------------------------------------


def swap_offer(
    session: DbSession, actor: Any, plan_id: int, line_id: int, offer_id: int
) -> PlanLine:
    """Put a suggested offer in place of the line's: its title, provider and price replace the
    line's; quantity, frequency, stream, outcomes, dates, days and times stay. Only an offer
    ``alternatives_for`` suggests for the line now may come in (else ValidationFailed, and so
    for a swap that breaks a package rule); nothing is saved unless all is well. One commit."""
    plan = editable_plan(session, actor, plan_id)
    line = next((item for item in plan.lines if item.id == line_id), None)
    if line is None:
        raise NotFound("We could not find that line in this plan.")
    suggested = {a.offer.id: a.offer for a in alternatives_for(session, plan, line)}
    offer = suggested.get(offer_id)
    if offer is None:
        raise ValidationFailed({"offer_id": NOT_SUGGESTED})
    data = LineInput(
        kind="offer",
        offer_id=offer.id,
        description=offer.title,
        provider_name=offer.provider_name,
        frequency=line.frequency,
        quantity_hundredths=line.quantity_hundredths,
        unit=line.unit,
        unit_price_pence=offer.price_pence,
        stream_id=line.stream_id,
        outcome_ids=[outcome.id for outcome in line.outcomes],
        start_on=line.start_on,
        end_on=line.end_on,
        days=list(line.days or ()),
        time_bands=list(line.time_bands or ()),
    )
    return update_line(session, actor, plan_id, line_id, data)
