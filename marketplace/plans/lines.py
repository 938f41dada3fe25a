"""Plan lines: what the plan pays for (or arranges unpaid), how often, from which stream, for
which outcomes. Free-text and unpaid lines are complete here; lines for a directory service or a
personal assistant are taken by id (the package builder that finds them comes later).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select, update

from marketplace.audit.services import record
from marketplace.budgets.models import BudgetStream
from marketplace.budgets.services import current_budget
from marketplace.clock import utcnow
from marketplace.directory import vocab as directory_vocab
from marketplace.directory.models import Offer, PAProfile
from marketplace.errors import NotFound, RuleBroken, ValidationFailed
from marketplace.extensions import DbSession, affected_rows
from marketplace.money import (
    MAX_PRICE_PENCE,
    MAX_QUANTITY_HUNDREDTHS,
    format_pence,
    format_quantity,
)
from marketplace.packages.rules import isf_bought_in, line_refusals
from marketplace.plans import vocab
from marketplace.plans.common import (
    LOCKED,
    PLAN_NOT_FOUND,
    commit,
    editable_plan,
    transition_error,
)
from marketplace.plans.models import PlanLine, SupportPlan

DESCRIPTION_LIMIT = 300
PROVIDER_LIMIT = 160
NOT_THEIR_STREAM = "That budget stream is not one of this person's"

_KINDS = {kind for kind, _ in vocab.LINE_KINDS}
_FREQUENCIES = {value for value, _ in vocab.FREQUENCIES}
_UNITS = {value for value, _ in vocab.LINE_UNITS}
_DAYS = tuple(value for value, _ in directory_vocab.DAYS)  # in week order
_TIME_BANDS = tuple(value for value, _ in directory_vocab.TIME_BANDS)


@dataclass
class LineInput:
    """A line as a form or the API describes it. Money in pence, quantity in hundredths."""

    kind: str = "text"  # offer | pa | text | unpaid
    description: str = ""
    provider_name: str = ""
    frequency: str = "week"  # week | fortnight | month | once
    quantity_hundredths: int | None = 100
    unit: str = "hours"
    unit_price_pence: int | None = None
    stream_id: int | None = None
    outcome_ids: list[int] = field(default_factory=list)
    start_on: date | None = None  # default: the start of the plan year
    end_on: date | None = None
    offer_id: int | None = None
    pa_profile_id: int | None = None
    days: list[str] = field(default_factory=list)
    time_bands: list[str] = field(default_factory=list)


def stream_choices(session: DbSession, plan: SupportPlan) -> list[BudgetStream]:
    """The streams a line of this plan may be paid from: those of the holder's budget for the
    plan year."""
    budget = current_budget(session, plan.holder_id, plan.year_start)
    return list(budget.streams) if budget is not None else []


def _check_kind(
    session: DbSession, data: LineInput, errors: dict[str, str]
) -> tuple[Offer | None, PAProfile | None]:
    offer = pa = None
    if data.kind not in _KINDS:
        errors["kind"] = "Choose what kind of support this is"
    if data.kind == "offer":
        if data.offer_id is None:
            errors["offer_id"] = "Choose a service from the directory"
        else:
            offer = session.get(Offer, data.offer_id)
            if offer is None:
                errors["offer_id"] = "That service is not in the directory"
    elif data.offer_id is not None:
        errors["offer_id"] = "Only a line for a directory service names a service"
    if data.kind == "pa":
        if data.pa_profile_id is None:
            errors["pa_profile_id"] = "Choose a personal assistant"
        else:
            pa = session.get(PAProfile, data.pa_profile_id)
            if pa is None:
                errors["pa_profile_id"] = "That personal assistant is not in the directory"
    elif data.pa_profile_id is not None:
        errors["pa_profile_id"] = "Only a line for a personal assistant names one"
    return offer, pa


def _check_price(data: LineInput, default: int | None, errors: dict[str, str]) -> int:
    price = data.unit_price_pence
    if data.kind == "unpaid":
        if price:
            errors["unit_price_pence"] = "Unpaid support costs nothing: leave the price empty"
        if data.stream_id is not None:
            errors["stream_id"] = "Unpaid support is not paid from a budget stream"
        return 0
    if price is None:
        price = default
    if price is None:
        errors["unit_price_pence"] = "Enter the price for each, in pounds, like 18.50"
        return 0
    if price < 0:
        errors["unit_price_pence"] = "The price cannot be negative"
    elif price > MAX_PRICE_PENCE:
        errors["unit_price_pence"] = f"The price must be {format_pence(MAX_PRICE_PENCE)} or less"
    return price


def _checked(session: DbSession, plan: SupportPlan, data: LineInput) -> dict[str, Any]:
    """The line's values (columns, and "outcomes"), checking every rule at once so the person sees
    every problem. Nothing is written here."""
    errors: dict[str, str] = {}
    offer, pa = _check_kind(session, data, errors)
    description = (data.description or "").strip()
    provider_name = (data.provider_name or "").strip()
    if offer is not None:
        description = description or offer.title
        provider_name = provider_name or offer.provider_name
    if pa is not None:
        description = description or f"Personal assistant: {pa.display_name}"
        provider_name = provider_name or pa.display_name
    if not description:
        errors["description"] = "Describe the support"
    elif len(description) > DESCRIPTION_LIMIT:
        errors["description"] = f"The description must be {DESCRIPTION_LIMIT} characters or fewer"
    if len(provider_name) > PROVIDER_LIMIT:
        errors["provider_name"] = f"Who provides it must be {PROVIDER_LIMIT} characters or fewer"
    if data.frequency not in _FREQUENCIES:
        errors["frequency"] = "Choose how often"
    if data.unit not in _UNITS:
        errors["unit"] = "Choose what the number counts (hours, sessions …)"
    quantity = data.quantity_hundredths
    if quantity is None:
        errors["quantity_hundredths"] = "Enter how many, like 6 or 1.5"
    elif quantity <= 0:
        errors["quantity_hundredths"] = "The number must be more than 0"
    elif quantity > MAX_QUANTITY_HUNDREDTHS:
        errors["quantity_hundredths"] = (
            f"The number must be {format_quantity(MAX_QUANTITY_HUNDREDTHS)} or less"
        )
    default_price = (
        offer.price_pence if offer is not None else pa.hourly_rate_pence if pa is not None else None
    )
    price = _check_price(data, default_price, errors)
    streams = {s.id: s for s in stream_choices(session, plan)} if data.kind != "unpaid" else {}
    if data.stream_id is not None and data.kind != "unpaid" and data.stream_id not in streams:
        errors["stream_id"] = NOT_THEIR_STREAM
    outcomes = {o.id: o for o in plan.outcomes}
    if any(i not in outcomes for i in data.outcome_ids):
        errors["outcome_ids"] = "Choose outcomes from this plan"
    start_on = data.start_on or plan.year_start
    if data.end_on is not None and data.end_on < start_on:
        errors["end_on"] = "The end date must be the same as or after the start date"
    if not set(data.days) <= set(_DAYS):
        errors["days"] = "Choose days from the list"
    if not set(data.time_bands) <= set(_TIME_BANDS):
        errors["time_bands"] = "Choose times of day from the list"
    if errors:
        raise ValidationFailed(errors)
    stream = streams.get(data.stream_id) if data.stream_id is not None else None
    return {
        "kind": data.kind,
        "offer_id": offer.id if offer else None,
        "pa_profile_id": pa.id if pa else None,
        "description": description,
        "provider_name": provider_name,
        "frequency": data.frequency,
        "quantity_hundredths": quantity,
        "unit": data.unit,
        "unit_price_pence": price,
        "stream_id": data.stream_id if data.kind != "unpaid" else None,
        "isf_bought_in": data.kind != "unpaid" and isf_bought_in(stream, offer, pa, provider_name),
        "start_on": start_on,
        "end_on": data.end_on,
        "days": [d for d in _DAYS if d in data.days],
        "time_bands": [b for b in _TIME_BANDS if b in data.time_bands],
        "outcomes": [outcomes[i] for i in dict.fromkeys(data.outcome_ids)],
    }


def line_of(plan: SupportPlan, line_id: int) -> PlanLine:
    """The plan's line with that id; NotFound (404) for a line of another plan or none."""
    line = next((line for line in plan.lines if line.id == line_id), None)
    if line is None:
        raise NotFound("We could not find that line in this plan.")
    return line


def _refuse_what_breaks_a_rule(
    session: DbSession, plan: SupportPlan, data: LineInput, line_id: int | None = None
) -> None:
    """The package rules a line must keep (legality, the offer's deployments, a PA's checks,
    availability and travel): each broken one refuses the line, named, under its form field
    (``RuleBroken``: the API lists the rules' codes too)."""
    errors: dict[str, str] = {}
    broken = []
    for finding in line_refusals(session, plan, data, line_id=line_id):
        field_name = finding.field or "kind"
        errors[field_name] = "; ".join(filter(None, (errors.get(field_name), finding.message)))
        broken.append(replace(finding, field=field_name))
    if errors:
        raise RuleBroken(errors, broken)


def _apply(line: PlanLine, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(line, name, value)


def _add(session: DbSession, actor: Any, plan: SupportPlan, data: LineInput) -> PlanLine:
    values = _checked(session, plan, data)
    _refuse_what_breaks_a_rule(session, plan, data)
    line = PlanLine(position=max((item.position for item in plan.lines), default=-1) + 1)
    _apply(line, values)
    plan.lines.append(line)
    session.flush()
    record(session, actor, "create", "plan_line", line.id, plan.holder_id)
    return line


# What a quote agreed: a price per unit, from one provider. Changing any of these ends the
# agreement (the hours, days or words of the line may change and the price per unit still holds).
_AGREED_TERMS = ("kind", "offer_id", "pa_profile_id", "provider_name", "unit", "unit_price_pence")


def _update(
    session: DbSession, actor: Any, plan: SupportPlan, line: PlanLine, data: LineInput
) -> PlanLine:
    values = _checked(session, plan, data)
    _refuse_what_breaks_a_rule(session, plan, data, line.id)
    if any(getattr(line, name) != values[name] for name in _AGREED_TERMS):
        line.price_agreed = False  # a quote's price no longer applies to a changed line
    _apply(line, values)
    record(session, actor, "update", "plan_line", line.id, plan.holder_id)
    return line


def add_line(session: DbSession, actor: Any, plan_id: int, data: LineInput) -> PlanLine:
    """Add a line to a draft plan; refused whole (nothing saved) if any rule is broken."""
    line = _add(session, actor, editable_plan(session, actor, plan_id), data)
    commit(session)
    return line


def update_line(
    session: DbSession, actor: Any, plan_id: int, line_id: int, data: LineInput
) -> PlanLine:
    plan = editable_plan(session, actor, plan_id)
    line = _update(session, actor, plan, line_of(plan, line_id), data)
    commit(session)
    return line


def _hold_draft(session: DbSession, plan: SupportPlan) -> None:
    """Keep the plan a draft until the caller commits: one conditional update of its row (which
    a submission, itself a conditional update of that row, then waits for). A plan submitted
    since it was read is refused (409), so an agreed price never lands in a submitted plan."""
    done = affected_rows(
        session.execute(
            update(SupportPlan)
            .where(SupportPlan.id == plan.id, SupportPlan.status == "draft")
            .values(updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    if done != 1:
        status = session.scalar(select(SupportPlan.status).where(SupportPlan.id == plan.id))
        if status is None:  # deleted meanwhile
            raise NotFound(PLAN_NOT_FOUND)
        raise transition_error(status, "draft", LOCKED.get(status))


def agree_price(
    session: DbSession, actor: Any, plan_id: int, line_id: int | None, data: LineInput
) -> PlanLine:
    """Put an accepted quote into the draft plan: the line ``line_id`` takes the quote's provider
    and price (its schedule, stream and outcomes as ``data`` gives them), or, with no line, a new
    line is added. Marked ``price_agreed``. The same rules as any change; not committed (the
    acceptance that calls this commits, or rolls back if a rule refuses the line)."""
    plan = editable_plan(session, actor, plan_id)
    _hold_draft(session, plan)
    if line_id is None:
        line = _add(session, actor, plan, data)
    else:
        line = _update(session, actor, plan, line_of(plan, line_id), data)
    line.price_agreed = True
    return line


def remove_line(session: DbSession, actor: Any, plan_id: int, line_id: int) -> None:
    plan = editable_plan(session, actor, plan_id)
    line = line_of(plan, line_id)
    plan.lines.remove(line)
    record(session, actor, "delete", "plan_line", line_id, plan.holder_id)
    commit(session)
