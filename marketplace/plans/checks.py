"""What stops a plan going to the council, or being approved. Reads only; nothing is written.

Each problem is keyed by the anchor of the part of the plan page that fixes it, so the page's
error summary (and its list "Before the council can look at it") links straight there:
"outcomes", "outcome-<id>", "council", "line-<id>-stream", "line-<id>-dates", "stream-<id>".
The money comes from ``plans.costing.plan_costs``: the same numbers the page's tables show.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from marketplace.clock import plan_year_end
from marketplace.extensions import DbSession
from marketplace.holders.models import HolderRecord
from marketplace.money import format_pence
from marketplace.plans.common import outcome_title
from marketplace.plans.costing import PlanCosts, StreamCost, stream_phrase
from marketplace.plans.models import PlanLine, SupportPlan

if TYPE_CHECKING:
    from marketplace.packages.findings import Finding

PAID_KINDS = frozenset({"offer", "pa", "text"})


def _pounds(pence: int) -> str:
    return format_pence(pence, free_text="")


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def plan_year(plan: SupportPlan, costs: PlanCosts) -> tuple[date, date]:
    """The first and last day of the plan's year: the budget's year when there is one."""
    end = costs.budget.year_end if costs.budget is not None else plan_year_end(plan.year_start)
    return plan.year_start, end


def is_paid(line: PlanLine) -> bool:
    """A line someone pays for: a service, a PA or something bought, with a price."""
    return line.kind in PAID_KINDS and line.unit_price_pence > 0


def _name(line: PlanLine) -> str:
    return f"“{line.description}”"


def unpaid_for(line: PlanLine) -> str:
    return f"Choose which budget stream pays for {_name(line)}"


def date_problem(line: PlanLine, first: date, last: date) -> str | None:
    """Why the line's dates fall outside the plan year, or None when they are inside it."""
    parts = []
    if line.start_on < first:
        parts.append(f"starts before the plan year begins on {_day(first)}")
    elif line.start_on > last:
        parts.append(f"starts after the plan year ends on {_day(last)}")
    if line.start_on <= last and line.end_on is not None and line.end_on > last:
        parts.append(f"ends after the plan year ends on {_day(last)}")
    if not parts:
        return None
    return f"{_name(line)} {' and '.join(parts)}"


def over_budget(item: StreamCost) -> str:
    stream = item.stream
    holds = (
        f"it holds {_pounds(item.available_pence)}"
        if not item.used_elsewhere
        else f"it has {_pounds(item.available_pence)} left after what is committed or spent"
    )
    return (
        f"The lines paid by {stream_phrase(stream)} cost {_pounds(item.cost.annual_pence)} a year "
        f"but {holds}: {_pounds(item.over_pence)} over"
    )


def money_problems(plan: SupportPlan, costs: PlanCosts) -> dict[str, str]:
    """Paid lines without a stream, lines outside the plan year, streams asked for too much."""
    errors: dict[str, str] = {}
    first, last = plan_year(plan, costs)
    for line in plan.lines:
        if is_paid(line) and line.stream_id is None:
            errors[f"line-{line.id}-stream"] = unpaid_for(line)
        problem = date_problem(line, first, last)
        if problem:
            errors[f"line-{line.id}-dates"] = problem
    for item in costs.streams_over:
        errors[f"stream-{item.stream.id}"] = over_budget(item)
    return errors


# Package rules that ``money_problems`` already reports in its own words, under its own anchors.
_SAID_ALREADY = frozenset({"stream_over", "line_without_stream"})


def package_problems(
    session: DbSession, plan: SupportPlan, costs: PlanCosts, already: dict[str, str]
) -> dict[str, str]:
    """The package rules' errors at submission (``packages.rules``: outcomes no line serves,
    legality, deployments, PA checks, availability and travel), keyed by the anchor of the
    part of the page that fixes them; several on one anchor are joined (and added to what
    ``already`` says there)."""
    # packages builds on plans: imported here, when it is used, so that plans loads first.
    from marketplace.packages.rules import check_package

    errors: dict[str, str] = {}
    for finding in check_package(session, plan, for_submit=True, costs=costs).errors:
        if finding.rule in _SAID_ALREADY:
            continue
        anchor = finding.anchor
        said = errors.get(anchor) or already.get(anchor)
        errors[anchor] = f"{said}; {finding.message}" if said else finding.message
    return errors


def submit_problems(
    session: DbSession, plan: SupportPlan, costs: PlanCosts
) -> tuple[dict[str, str], int | None]:
    """What stops the plan going to the council, and the council it goes to (the holder's)."""
    errors: dict[str, str] = {}
    if not plan.outcomes:
        errors["outcomes"] = "Add at least one outcome before you submit the plan"
    for outcome in plan.outcomes:
        if not outcome.how_met.strip():
            errors[f"outcome-{outcome.id}"] = f"Say how “{outcome_title(outcome)}” will be met"
    errors.update(money_problems(plan, costs))
    errors.update(package_problems(session, plan, costs, errors))
    holder_record = session.get(HolderRecord, plan.holder_id)
    council_id = holder_record.council_id if holder_record else None
    if council_id is None:
        errors["council"] = (
            "We do not know which council supports this person yet: ask the council to add "
            "them to its records, then submit the plan"
        )
    return errors, council_id


def approval_problems(
    session: DbSession, plan: SupportPlan, costs: PlanCosts
) -> tuple[dict[str, str], list[Finding]]:
    """What stops an officer approving the plan now, keyed by page anchor, and the package rules
    broken among them (each ``field`` its anchor). The world may have changed since the plan
    was submitted, so it is checked again: the budget (a stream lowered or removed), and the
    package rules about each line and the directory (``packages.rules.LINE_RULES``: a PA's check
    expired, an offer no longer payable by its stream, an offer now run by the council …).
    The plan itself is locked: what it says (its outcomes, which line serves which) was checked
    when it was submitted and cannot have changed."""
    from marketplace.packages.rules import LINE_RULES, check_package  # as package_problems

    advice = (
        "Reject the plan so that it can be changed, or refer it to a panel"
        if plan.status == "submitted"
        else "Reject the plan so that it can be changed"
    )
    errors: dict[str, str] = {}
    for line in plan.lines:
        if is_paid(line) and line.stream_id is None:
            errors[f"line-{line.id}-stream"] = (
                f"No budget stream pays for {_name(line)} any more. {advice}."
            )
    for item in costs.streams_over:
        errors[f"stream-{item.stream.id}"] = f"{over_budget(item)}. {advice}."
    said: dict[str, list[str]] = {}
    broken: list[Finding] = []
    for finding in check_package(session, plan, for_submit=True, costs=costs).errors:
        if finding.rule in LINE_RULES:
            said.setdefault(finding.anchor, []).append(finding.message)
            broken.append(replace(finding, field=finding.anchor))
    for anchor, messages in said.items():
        errors[anchor] = f"{'; '.join(messages)}. {advice}."
    return errors, broken
