"""The rules a budget must keep, checked before anything is written (see ``services``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from marketplace.budgets.models import BudgetStream
from marketplace.budgets.vocab import MAX_BUDGET_PENCE, STREAM_KINDS
from marketplace.clock import today
from marketplace.directory.models import Organisation
from marketplace.directory.vocab import label as vocab_label
from marketplace.extensions import DbSession
from marketplace.money import format_pence

REASON_LIMIT = 2000
LABEL_LIMIT = 80
# A plan year may be recorded ahead, or late, within reason; further is a typing slip.
YEARS_AHEAD = 2
YEARS_BEHIND = 6


@dataclass(frozen=True)
class StreamInput:
    kind: str  # dp | managed | isf | other
    total_pence: int  # annual
    label: str = ""  # names an "other" stream (budget_vocab.OTHER_FUNDING or free text)
    organisation_id: int | None = None  # the ISF holder
    entered_weekly: bool = False

    @property
    def key(self) -> tuple[str, str, int | None]:
        """What makes two streams the same stream."""
        return (self.kind, self.label.strip().casefold(), self.organisation_id)


def describe_year(start: date, end: date) -> str:
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


def stream_name(stream: StreamInput | BudgetStream) -> str:
    if stream.kind == "other":
        return stream.label.strip() or "The other funding"
    if stream.kind == "isf":
        return "The Individual Service Fund"
    return vocab_label(STREAM_KINDS, stream.kind)


def amount_error(pence: Any, what: str) -> str:
    if not isinstance(pence, int) or isinstance(pence, bool):
        return f"Enter {what[0].lower()}{what[1:]} in pounds and pence"
    if pence < 0:
        return f"{what} cannot be negative"
    if pence > MAX_BUDGET_PENCE:
        return f"{what} must be {format_pence(MAX_BUDGET_PENCE)} a year or less"
    return ""


def stream_errors(
    session: DbSession, streams: Sequence[StreamInput], errors: dict[str, str]
) -> bool:
    """Adds each stream's errors; True when every amount is a sensible number."""
    amounts_ok = True
    seen: set[tuple[str, str, int | None]] = set()
    kinds = dict(STREAM_KINDS)
    if not streams:
        errors["streams"] = "Enter how the budget is held: at least one stream"
        return False
    for i, stream in enumerate(streams):
        at = f"streams[{i}]"
        if stream.kind not in kinds:
            errors[f"{at}.kind"] = "Select how this part of the budget is held"
            amounts_ok = False
            continue
        message = amount_error(stream.total_pence, stream_name(stream))
        if message:
            errors[f"{at}.total_pence"] = message
            amounts_ok = False
        if stream.kind == "other":
            if not stream.label.strip():
                errors[f"{at}.label"] = "Enter the name of the other funding, like Access to Work"
            elif len(stream.label.strip()) > LABEL_LIMIT:
                errors[f"{at}.label"] = f"The name must be {LABEL_LIMIT} characters or fewer"
        if stream.kind == "isf":
            if stream.organisation_id is None:
                errors[f"{at}.organisation_id"] = (
                    "Select the provider that holds the Individual Service Fund"
                )
            elif session.get(Organisation, stream.organisation_id) is None:
                errors[f"{at}.organisation_id"] = "Select a provider from the list"
        elif stream.organisation_id is not None:
            errors[f"{at}.organisation_id"] = (
                "Only an Individual Service Fund is held by a provider"
            )
        if stream.key in seen:
            errors.setdefault(
                f"{at}.total_pence",
                f"{stream_name(stream)} is there twice: put its money in one stream",
            )
        seen.add(stream.key)
    return amounts_ok


def check_budget(
    session: DbSession,
    *,
    total_pence: int,
    contribution_pence: int,
    streams: Sequence[StreamInput],
    reason: str,
    indicative_pence: int | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    total_message = amount_error(total_pence, "The total budget")
    if total_message:
        errors["total_pence"] = total_message
    contribution_message = amount_error(contribution_pence, "The holder's contribution")
    if contribution_message:
        errors["contribution_pence"] = contribution_message
    elif not total_message and contribution_pence > total_pence:
        errors["contribution_pence"] = (
            "The holder's contribution cannot be more than the total budget"
        )
    streams_ok = stream_errors(session, streams, errors)
    if streams_ok and not total_message:
        added = sum(s.total_pence for s in streams)
        if added != total_pence:
            errors["streams"] = split_error(added, total_pence)
        other = sum(s.total_pence for s in streams if s.kind == "other")
        if (
            other
            and "contribution_pence" not in errors
            and contribution_pence > total_pence - other
        ):
            errors["contribution_pence"] = (
                "The holder's contribution cannot be more than the total budget less other "
                f"funding, which is not the council's: {format_pence(total_pence - other, free_text='')}"
            )
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        errors["reason"] = f"The reason must be {REASON_LIMIT:,} characters or fewer"
    elif (
        not total_message
        and indicative_pence is not None
        and total_pence != indicative_pence
        and not reason
    ):
        errors["reason"] = (
            f"The total is different from the indicative budget of "
            f"{format_pence(indicative_pence, free_text='')}: enter the reason"
        )
    return errors


def split_error(added: int, total_pence: int) -> str:
    difference = abs(total_pence - added)
    return (
        f"The streams add up to {format_pence(added, free_text='')} but the total is "
        f"{format_pence(total_pence, free_text='')}: {format_pence(difference, free_text='')} "
        f"{'short' if added < total_pence else 'over'}. Change a stream or the total."
    )


def check_change_reason(reason: str) -> str:
    """Why a budget's amounts changed: needed for every change, kept in its history."""
    reason = (reason or "").strip()
    if not reason:
        return "Say why the budget changed"
    if len(reason) > REASON_LIMIT:
        return f"The reason for the change must be {REASON_LIMIT:,} characters or fewer"
    return ""


def check_year(year_start: Any) -> str:
    if not isinstance(year_start, date):
        return "Enter the date the plan year starts"
    now = today()
    if not now.year - YEARS_BEHIND <= year_start.year <= now.year + YEARS_AHEAD:
        return (
            f"The plan year must start between {now.year - YEARS_BEHIND} "
            f"and {now.year + YEARS_AHEAD}"
        )
    return ""


def normalised(streams: Sequence[StreamInput]) -> list[StreamInput]:
    """Labels only name "other" streams; trim them so the duplicate check sees what is kept."""
    return [
        StreamInput(
            kind=s.kind,
            total_pence=s.total_pence,
            label=s.label.strip() if s.kind == "other" else "",
            organisation_id=s.organisation_id,
            entered_weekly=s.entered_weekly,
        )
        for s in streams
    ]
