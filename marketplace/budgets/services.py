"""Personal budgets: officers record and change them; everyone with access reads them.

Each public function that writes is one transaction: every rule is checked first (errors come as
one ValidationFailed naming the fields), then one commit. Keys of the errors: ``year_start``,
``total_pence``, ``contribution_pence``, ``reason`` (why the total differs from the indicative
budget), ``change_reason`` (why a budget changed), ``confirm_large_change``, ``streams`` (the split
as a whole) and ``streams[i].total_pence`` / ``streams[i].label`` / ``streams[i].organisation_id``.

Every recording and change also adds a row to the budget's history (``history``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.audit.services import record
from marketplace.budgets import history, rules
from marketplace.budgets.models import Budget, BudgetStream, RasAssessment
from marketplace.budgets.ras import complete_assessment as complete_assessment
from marketplace.budgets.rules import StreamInput as StreamInput
from marketplace.budgets.rules import describe_year as describe_year
from marketplace.budgets.rules import stream_name
from marketplace.clock import financial_year_start, plan_year_end, today
from marketplace.directory.models import ListingArea, Organisation
from marketplace.errors import Conflict, NotFound, ValidationFailed
from marketplace.extensions import DbSession
from marketplace.holders.access import NOT_FOUND, CareAccess, ensure_record
from marketplace.holders.models import HolderRecord
from marketplace.money import format_pence
from marketplace.permissions import Permission, Role, has_permission

CHANGED_MEANWHILE = (
    "The budget changed while you were editing it (money was committed or spent). "
    "Look at it again and try once more."
)


# --- reading ----------------------------------------------------------------------------------


def current_budget(session: DbSession, holder_id: int, on: date | None = None) -> Budget | None:
    """The holder's budget for the plan year that includes ``on`` (today by default)."""
    day = on or today()
    return session.scalar(
        select(Budget).where(
            Budget.holder_id == holder_id, Budget.year_start <= day, Budget.year_end >= day
        )
    )


def holder_budgets(session: DbSession, holder_id: int) -> list[Budget]:
    """Every budget of the holder, latest plan year first. The caller checks access."""
    return list(
        session.scalars(
            select(Budget).where(Budget.holder_id == holder_id).order_by(Budget.year_start.desc())
        )
    )


def officer_target(session: DbSession, officer: Any, holder_id: int) -> CareAccess:
    """The holder an officer may record a budget for: one of their council, or one with no
    council yet (recording the budget makes them one). NotFound for anything else."""
    if not has_permission(officer, Permission.RECORD_BUDGETS) or officer.council_id is None:
        raise NotFound(NOT_FOUND)
    holder = session.get(User, holder_id)
    if holder is None or holder.role != Role.HOLDER.value:
        raise NotFound(NOT_FOUND)
    record_ = session.get(HolderRecord, holder_id)
    if record_ is not None and record_.council_id not in (None, officer.council_id):
        raise NotFound(NOT_FOUND)
    return CareAccess(holder=holder, record=record_, relation="officer")


def budget_for_editing(
    session: DbSession, officer: Any, holder_id: int, budget_id: int
) -> tuple[Budget, CareAccess]:
    """A budget the officer may change: their council's, of that holder. NotFound otherwise."""
    access = officer_target(session, officer, holder_id)
    budget = session.get(Budget, budget_id)
    if budget is None or budget.holder_id != holder_id or budget.council_id != officer.council_id:
        raise NotFound("We could not find that budget.")
    return budget, access


def next_budget_year_start(session: DbSession, holder_id: int) -> date:
    """The first plan year without a budget: after the latest one, and not before this
    financial year."""
    this_year = financial_year_start(today())
    budgets = holder_budgets(session, holder_id)
    if budgets:
        return max(max(b.year_end for b in budgets) + timedelta(days=1), this_year)
    return this_year


def isf_providers(
    session: DbSession, council_id: int | None, including: Sequence[int] = ()
) -> list[Organisation]:
    """Organisations an officer can pick to hold an ISF: the published ones serving the
    council's area (all published ones if none does), and any already named."""
    published = Organisation.status == "published"
    local = select(ListingArea.listing_id).where(
        ListingArea.kind == "organisation", ListingArea.council_id == council_id
    )
    condition: ColumnElement[bool] = published & Organisation.id.in_(local)
    if session.scalar(select(Organisation.id).where(condition).limit(1)) is None:
        condition = published
    if including:
        condition = condition | Organisation.id.in_(list(including))
    return list(session.scalars(select(Organisation).where(condition).order_by(Organisation.name)))


def _overlapping(session: DbSession, holder_id: int, start: date, end: date) -> Budget | None:
    return session.scalar(
        select(Budget).where(
            Budget.holder_id == holder_id, Budget.year_start <= end, Budget.year_end >= start
        )
    )


def _new_stream(stream: StreamInput) -> BudgetStream:
    return BudgetStream(
        kind=stream.kind,
        label=stream.label.strip() if stream.kind == "other" else "",
        organisation_id=stream.organisation_id if stream.kind == "isf" else None,
        total_pence=stream.total_pence,
        entered_weekly=stream.entered_weekly,
    )


# --- writing ----------------------------------------------------------------------------------


def record_budget(
    session: DbSession,
    officer: Any,
    holder_id: int,
    *,
    year_start: date,
    total_pence: int,
    contribution_pence: int,
    streams: Sequence[StreamInput],
    reason: str = "",
    ras_assessment_id: int | None = None,
) -> Budget:
    """Record a holder's budget for a plan year (one a year). A holder with no council yet
    becomes one of the officer's council. Conflict if the year overlaps another budget."""
    access = officer_target(session, officer, holder_id)
    streams = rules.normalised(streams)
    assessment = None
    if ras_assessment_id is not None:
        assessment = session.get(RasAssessment, ras_assessment_id)
        if assessment is None or assessment.holder_id != holder_id:
            raise NotFound("We could not find that questionnaire.")
    errors = rules.check_budget(
        session,
        total_pence=total_pence,
        contribution_pence=contribution_pence,
        streams=streams,
        reason=reason,
        indicative_pence=assessment.indicative_pence if assessment else None,
    )
    year_message = rules.check_year(year_start)
    if year_message:
        errors["year_start"] = year_message
    if errors:
        raise ValidationFailed(errors)
    year_end = plan_year_end(year_start)
    existing = _overlapping(session, holder_id, year_start, year_end)
    if existing is not None:
        raise Conflict(
            f"{access.holder.name} already has a budget for the plan year "
            f"{describe_year(existing.year_start, existing.year_end)}. Change that budget, "
            "or choose a plan year that does not overlap it.",
            field="year_start",
        )
    holder_record = ensure_record(session, access.holder)
    if holder_record.council_id is None:
        holder_record.council_id = officer.council_id
    budget = Budget(
        holder_id=holder_id,
        council_id=officer.council_id,
        year_start=year_start,
        year_end=year_end,
        total_pence=total_pence,
        contribution_pence=contribution_pence,
        indicative_pence=assessment.indicative_pence if assessment else None,
        ras_assessment_id=assessment.id if assessment else None,
        variance_reason=(reason or "").strip(),
        set_by_id=officer.id,
        streams=[_new_stream(s) for s in streams],
    )
    session.add(budget)
    try:
        session.flush()
        history.add_change(session, budget, officer, None)
        record(session, officer, "create", "budget", budget.id, holder_id)
        session.commit()
    except IntegrityError as error:  # another officer recorded the same year just now
        session.rollback()
        raise Conflict(
            f"{access.holder.name} already has a budget for that plan year.", field="year_start"
        ) from error
    return budget


def update_budget(
    session: DbSession,
    officer: Any,
    budget_id: int,
    *,
    total_pence: int,
    contribution_pence: int,
    streams: Sequence[StreamInput],
    reason: str,
    change_reason: str | None = None,
    confirm_large_change: bool = True,
) -> Budget:
    """Change a budget's amounts and streams. Streams are matched by kind, name and provider;
    none may drop below what is already committed and spent, and one with money committed or
    spent cannot be removed (the database's never_overspent check stands behind this).

    ``reason`` is why the total differs from the indicative budget: left empty, the earlier one
    stays while the total does; a new total that still differs needs it given again.
    ``change_reason`` is why the budget changed, needed when any amount changes (the API sends
    one reason for both, so it defaults to ``reason``). A new total over 3 times the old one, or
    under a third of it, is refused unless ``confirm_large_change`` (a weekly figure typed as
    yearly is the usual cause)."""
    budget = session.get(Budget, budget_id)
    if budget is None:
        raise NotFound("We could not find that budget.")
    budget_for_editing(session, officer, budget.holder_id, budget_id)
    streams = rules.normalised(streams)
    before = history.snapshot(budget)
    variance = _variance_reason(budget, reason, total_pence)
    errors = rules.check_budget(
        session,
        total_pence=total_pence,
        contribution_pence=contribution_pence,
        streams=streams,
        reason=variance,
        indicative_pence=budget.indicative_pence,
    )
    if "reason" in errors and variance == "" and budget.variance_reason:
        errors["reason"] = (
            "The total has changed and is still different from the indicative budget of "
            f"{format_pence(budget.indicative_pence, free_text='')}: enter the reason again"
        )
    why = reason if change_reason is None else change_reason
    if history.amounts_change(before, total_pence, contribution_pence, streams):
        change_message = rules.check_change_reason(why)
        if change_message:
            errors["change_reason"] = change_message
    if (
        not confirm_large_change
        and "total_pence" not in errors
        and history.is_large_change(budget.total_pence, total_pence)
    ):
        errors["confirm_large_change"] = history.large_change_message(
            budget.total_pence, total_pence
        )
    existing = {history.stream_key(s): s for s in budget.streams}
    wanted = {s.key for s in streams}
    for i, stream in enumerate(streams):
        current = existing.get(stream.key)
        used = current.committed_pence + current.spent_pence if current else 0
        at = f"streams[{i}].total_pence"
        if current is not None and at not in errors and stream.total_pence < used:
            errors[at] = (
                f"{stream_name(stream)} has {format_pence(used, free_text='')} committed or "
                f"spent already, so its total cannot be less than that"
            )
    for key, current in existing.items():
        used = current.committed_pence + current.spent_pence
        if key not in wanted and used:
            errors.setdefault(
                "streams",
                f"{stream_name(current)} has {format_pence(used, free_text='')} committed or "
                "spent already, so it cannot be removed",
            )
    if errors:
        raise ValidationFailed(errors)
    kept = []
    for stream in streams:
        current = existing.get(stream.key)
        if current is None:
            current = _new_stream(stream)
        current.total_pence = stream.total_pence
        current.entered_weekly = stream.entered_weekly
        kept.append(current)
    budget.streams = kept
    budget.total_pence = total_pence
    budget.contribution_pence = contribution_pence
    budget.variance_reason = variance
    budget.set_by_id = officer.id
    try:
        session.flush()
        history.add_change(session, budget, officer, before, why)
        record(session, officer, "update", "budget", budget.id, budget.holder_id)
        session.commit()
    except IntegrityError as error:  # the ledger moved between our check and our write
        session.rollback()
        raise Conflict(CHANGED_MEANWHILE) from error
    return budget


def _variance_reason(budget: Budget, reason: str, total_pence: Any) -> str:
    """The reason to keep for the difference from the indicative budget: the one given, or
    while the total stays the same, the earlier one."""
    given = (reason or "").strip()
    if given or budget.indicative_pence is None or total_pence != budget.total_pence:
        return given
    return budget.variance_reason
