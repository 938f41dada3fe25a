"""The package rules: does a plan's package fit its budget streams, the law on how each stream may
be spent, the plan's outcomes and the holder's requirements of personal assistants?

Reads only; nothing is written. Costs come from ``plans.costing.plan_costs`` (never recomputed).

Severities, the same everywhere:
- "error": the plan cannot go to the council (and a line breaking a legality, deployment or PA
  rule is refused when it is added or changed: ``line_refusals``);
- "warning": shown beside the package; it does not stop anything;
- "info": worth knowing (how an ISF line is delivered).
Two rules depend on the moment: an outcome no line serves, and a paid line with no stream, are
warnings while the package is drafted and errors when it is submitted (``for_submit=True``).
A stream asked for more than it has left is an error at any time (it is never refused line by
line: the broker may add first and rebalance after); 90% or more of it is a warning.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from marketplace import geo
from marketplace.budgets.models import BudgetStream
from marketplace.clock import today
from marketplace.directory import vocab as directory_vocab
from marketplace.directory.models import Offer, PAProfile
from marketplace.extensions import DbSession
from marketplace.packages.facts import (
    DP_RULES_NATION,
    RESPITE_LIMIT_HUNDREDTHS,
    Holder,
    LineFacts,
    facts_of_input,
    facts_of_line,
    holder_of,
)
from marketplace.packages.findings import Finding, PackageChecks, Severity, StreamFigures
from marketplace.plans.checks import is_paid, over_budget, unpaid_for
from marketplace.plans.common import outcome_title
from marketplace.plans.costing import PlanCosts, plan_costs, stream_phrase
from marketplace.plans.models import PlanLine, PlanOutcome, SupportPlan

if TYPE_CHECKING:
    from marketplace.plans.lines import LineInput


RULES: dict[str, str] = {
    "stream_over": "A budget stream cannot pay for more than it has left",
    "stream_near_limit": "A budget stream is at 90% or more of what it has left",
    "line_without_stream": "Every paid line says which budget stream pays for it",
    "dp_long_term_residential": "A direct payment cannot pay for long-term residential care",
    "dp_council_run": "A direct payment cannot pay for a service the council runs",
    "dp_respite_over_4_weeks": "A direct payment pays for at most 4 weeks of short stays a year",
    "dp_respite_ask_council": "Long short stays by direct payment: the council's rules apply",
    "offer_not_payable_by_stream": "An offer is paid only by the deployments it accepts",
    "isf_delivered": "The ISF holder delivers this line itself",
    "isf_bought_in": "The ISF holder buys this line from another provider",
    "outcome_not_served": "Every outcome is served by at least one line",
    "line_serves_no_outcome": "Every line serves at least one outcome",
    "pa_check_missing": "A PA has every check the holder asks for",
    "pa_check_expired": "A PA's checks are in date when the line starts",
    "pa_not_available": "A PA is available on the line's days and times",
    "pa_too_far": "A PA travels as far as the holder's district",
}
# The rules that refuse a line as it is added or changed.
LINE_RULES = frozenset(
    {
        "dp_long_term_residential",
        "dp_council_run",
        "dp_respite_over_4_weeks",
        "offer_not_payable_by_stream",
        "pa_check_missing",
        "pa_check_expired",
        "pa_not_available",
        "pa_too_far",
    }
)
_PAYS_FROM = {
    "dp": "a direct payment",
    "managed": "a council-managed budget",
    "isf": "an Individual Service Fund",
}
_PAY_FLAG = {"dp": "pay_dp", "managed": "pay_managed", "isf": "pay_isf"}


# --- who delivers an ISF line ---------------------------------------------------------------------


def isf_bought_in(
    stream: BudgetStream | None,
    offer: Offer | None,
    pa: PAProfile | None,
    provider_name: str = "",
) -> bool:
    """True when an ISF stream pays and the ISF holder buys from someone else: an offer of
    another organisation (or of a PA), a PA, or something bought from a named other provider."""
    if stream is None or stream.kind != "isf" or stream.organisation_id is None:
        return False
    if offer is not None:
        return offer.organisation_id != stream.organisation_id
    if pa is not None:
        return True
    holder_name = stream.organisation.name if stream.organisation is not None else ""
    return bool(provider_name) and provider_name.casefold() != holder_name.casefold()


def _isf_notes(facts: LineFacts) -> list[Finding]:
    stream = facts.stream
    if stream is None or stream.kind != "isf" or stream.organisation is None:
        return []
    holder = stream.organisation.name
    if isf_bought_in(stream, facts.offer, facts.pa, facts.provider_name):
        seller = (
            facts.offer.provider_name if facts.offer else facts.pa.display_name if facts.pa else ""
        ) or facts.provider_name
        message = f"{holder} (the ISF holder) buys {facts.name} from {seller}"
        return [Finding("isf_bought_in", "info", message, line_id=facts.line_id)]
    message = f"{holder} (the ISF holder) delivers {facts.name} itself"
    return [Finding("isf_delivered", "info", message, line_id=facts.line_id)]


# --- legality and deployment ----------------------------------------------------------------------


def _legality(facts: LineFacts, holder: Holder, other_stays: int) -> list[Finding]:
    stream, offer = facts.stream, facts.offer
    if stream is None or offer is None or stream.kind not in _PAY_FLAG:
        return []
    found: list[Finding] = []
    if stream.kind == "dp":
        if offer.category == directory_vocab.LONG_TERM_RESIDENTIAL:
            found.append(_line_error(facts, "dp_long_term_residential", "stream_id"))
        org = offer.organisation
        if org is not None and org.kind == directory_vocab.COUNCIL_RUN:
            found.append(
                _line_error(
                    facts,
                    "dp_council_run",
                    "stream_id",
                    f"A direct payment cannot pay for a service the council runs: "
                    f"{facts.name} is run by {org.name}",
                )
            )
        found.extend(_respite(facts, holder, other_stays))
    if not getattr(offer, _PAY_FLAG[stream.kind]) and not found:
        found.append(
            _line_error(
                facts,
                "offer_not_payable_by_stream",
                "stream_id",
                f"{facts.name} cannot be paid from {_PAYS_FROM[stream.kind]}",
            )
        )
    return found


def _respite(facts: LineFacts, holder: Holder, other_stays: int) -> list[Finding]:
    stays = facts.stays_a_year_hundredths
    total = stays + other_stays
    if not stays or total <= RESPITE_LIMIT_HUNDREDTHS:
        return []
    nights = _count(total)
    if holder.nation == DP_RULES_NATION:
        message = (
            f"A direct payment pays for at most 4 weeks (28 nights) of short stays in 12 months; "
            f"the short stays paid by the direct payment come to {nights} a year"
        )
        return [_line_error(facts, "dp_respite_over_4_weeks", "quantity_hundredths", message)]
    message = (
        f"The short stays paid by the direct payment come to {nights} a year: ask the council "
        "whether a direct payment may pay for that long"
    )
    return [Finding("dp_respite_ask_council", "warning", message, line_id=facts.line_id)]


def _count(hundredths: int) -> str:
    whole, part = divmod(hundredths, 100)
    return f"{whole}.{part:02d}".rstrip("0").rstrip(".") if part else f"{whole}"


def _line_error(facts: LineFacts, rule: str, field: str, message: str | None = None) -> Finding:
    return Finding(rule, "error", message or RULES[rule], line_id=facts.line_id, field=field)


# --- personal assistants --------------------------------------------------------------------------


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _check_name(kind: str) -> str:
    return directory_vocab.label(directory_vocab.CHECK_KINDS, kind).split(" (")[0]


def _pa_rules(facts: LineFacts, holder: Holder) -> list[Finding]:
    pa = facts.pa or (facts.offer.pa_profile if facts.offer is not None else None)
    if pa is None:
        return []
    found: list[Finding] = []
    held: dict[str, list[Any]] = {}
    for check in pa.checks:
        held.setdefault(check.kind, []).append(check)
    for kind in holder.required_checks:
        checks = held.get(kind, [])
        if not checks:
            message = f"{pa.display_name} has no {_check_name(kind)}, which {holder.name} asks for"
            found.append(_line_error(facts, "pa_check_missing", "pa_profile_id", message))
            continue
        needed_on = facts.checks_needed_on(today())
        if any(c.expires_on is None or c.expires_on >= needed_on for c in checks):
            continue
        last = max(c.expires_on for c in checks)
        when = (
            f"before the line starts on {_day(facts.start_on)}"
            if needed_on == facts.start_on
            else "and the line is running now"
        )
        message = f"{pa.display_name}'s {_check_name(kind)} expired on {_day(last)}, {when}"
        found.append(_line_error(facts, "pa_check_expired", "pa_profile_id", message))
    available = set(pa.availability or ())
    missing = [
        f"{day}:{band}"
        for day in facts.days
        for band in facts.time_bands
        if f"{day}:{band}" not in available
    ]
    if missing:
        message = f"{pa.display_name} is not available on {_slots(missing)}"
        found.append(_line_error(facts, "pa_not_available", "days", message))
    found.extend(_travel(facts, pa, holder))
    return found


def _slots(slots: list[str]) -> str:
    days = dict(directory_vocab.DAYS)
    bands = dict(directory_vocab.TIME_BANDS)
    words = []
    for slot in slots:
        day, band = slot.split(":")
        words.append(f"{days.get(day, day)} {bands.get(band, band).lower()}")
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _travel(facts: LineFacts, pa: PAProfile, holder: Holder) -> list[Finding]:
    places = geo.districts()
    home, there = places.get(pa.home_district), places.get(holder.district)
    if home is None or there is None:
        return []  # an unknown district cannot be measured; the directory validates districts
    distance = geo.distance_km(home, there)
    if distance <= pa.travel_km:
        return []
    shown = f"{round(distance)}" if round(distance) > pa.travel_km else f"{distance:.1f}"
    message = (
        f"{pa.display_name} lives {shown} km away and travels up to {pa.travel_km} km, "
        f"not as far as {holder.district}"
    )
    return [_line_error(facts, "pa_too_far", "pa_profile_id", message)]


# --- the whole package ----------------------------------------------------------------------------


def _line_findings(facts: LineFacts, holder: Holder, other_stays: int) -> list[Finding]:
    return _legality(facts, holder, other_stays) + _pa_rules(facts, holder)


def line_refusals(
    session: DbSession,
    plan: SupportPlan,
    line: LineInput | PlanLine,
    *,
    line_id: int | None = None,
) -> list[Finding]:
    """The errors that refuse a line as it is added or changed (``line_id``: the saved line a
    ``LineInput`` replaces): legality, what the offer's deployments allow, and the PA's checks,
    availability and travel. Not the stream's total: that is the package's check."""
    keep = _preload(session, plan)  # the other lines' offers and streams, for the short stays
    if isinstance(line, PlanLine):
        facts = facts_of_line(line)
    else:
        facts = facts_of_input(session, plan, line, line_id)
    others = sum(
        facts_of_line(other).stays_a_year_hundredths
        for other in plan.lines
        if other.id is None or other.id != facts.line_id
    )
    found = _line_findings(facts, holder_of(session, plan), others)
    del keep
    return [f for f in found if f.severity == "error"]


def _when(for_submit: bool) -> Severity:
    return "error" if for_submit else "warning"


def _stream_findings(costs: PlanCosts) -> tuple[list[Finding], list[StreamFigures]]:
    found: list[Finding] = []
    figures = [StreamFigures(item) for item in costs.streams]
    for figure in figures:
        item = figure.item
        if figure.state == "over":
            found.append(
                Finding("stream_over", "error", over_budget(item), stream_id=item.stream.id)
            )
        elif figure.state == "near":
            share = (figure.used_bp or 0) // 100
            message = (
                f"The lines paid by {stream_phrase(item.stream)} use {share}% of what it has "
                f"left for the year: it is near the limit"
            )
            found.append(Finding("stream_near_limit", "warning", message, stream_id=item.stream.id))
    return found, figures


def _preload(session: DbSession, plan: SupportPlan) -> list[PlanLine]:
    """Every line of the plan with what the rules read of it, in one query for the lines and
    their many-to-ones (offer, its organisation and PA, the line's PA, stream and the stream's
    organisation), one for their outcomes and one for each set of PA checks, however many lines
    there are. ``plan.lines`` is filled with them when it was not loaded yet. The caller keeps
    the list while it reads the lines: the session holds loaded objects only weakly."""
    if plan.id is None:
        return list(plan.lines)
    offer = joinedload(PlanLine.offer)
    lines = list(
        session.scalars(
            select(PlanLine)
            .where(PlanLine.plan_id == plan.id)
            .order_by(PlanLine.position, PlanLine.id)
            .options(
                offer.joinedload(Offer.organisation),
                offer.joinedload(Offer.pa_profile).selectinload(PAProfile.checks),
                joinedload(PlanLine.pa_profile).selectinload(PAProfile.checks),
                joinedload(PlanLine.stream).joinedload(BudgetStream.organisation),
                selectinload(PlanLine.outcomes),
            )
        )
    )
    if "lines" in inspect(plan).unloaded:
        set_committed_value(plan, "lines", lines)
    return lines


def check_package(
    session: DbSession,
    plan: SupportPlan,
    *,
    for_submit: bool = False,
    costs: PlanCosts | None = None,
) -> PackageChecks:
    """Every rule over the whole package: findings (lines in plan order, then streams, then
    outcomes) and each stream's figures. ``costs``: ``plan_costs(plan)`` if already computed."""
    keep = _preload(session, plan)
    costs = costs or plan_costs(plan)
    holder = holder_of(session, plan)
    found: list[Finding] = []
    every = [facts_of_line(line) for line in plan.lines]
    stays = sum(f.stays_a_year_hundredths for f in every)
    served: set[PlanOutcome] = set()
    for line, facts in zip(plan.lines, every, strict=True):
        served.update(line.outcomes)
        found.extend(_line_findings(facts, holder, stays - facts.stays_a_year_hundredths))
        found.extend(_isf_notes(facts))
        if is_paid(line) and line.stream_id is None:
            found.append(
                Finding("line_without_stream", _when(for_submit), unpaid_for(line), line_id=line.id)
            )
        if not line.outcomes:
            message = f"{facts.name} does not serve any of the plan's outcomes"
            found.append(Finding("line_serves_no_outcome", "warning", message, line_id=line.id))
    stream_found, figures = _stream_findings(costs)
    found.extend(stream_found)
    for outcome in plan.outcomes:
        # Read from the lines' side, already loaded: ``outcome.lines`` is a query per outcome.
        if outcome not in served:
            message = f"No line of the package serves “{outcome_title(outcome)}”"
            found.append(
                Finding("outcome_not_served", _when(for_submit), message, outcome_id=outcome.id)
            )
    del keep
    return PackageChecks(findings=found, streams=figures, costs=costs)
