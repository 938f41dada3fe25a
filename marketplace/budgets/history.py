"""A budget's history: one ``BudgetChange`` row when it is recorded and one for each change,
saying who, when, what changed (in words) and why. The services write them with the change,
in the same transaction; nothing edits them afterwards."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from marketplace.budgets.models import Budget, BudgetChange, BudgetStream
from marketplace.budgets.rules import StreamInput
from marketplace.money import format_pence

# A new total more than this many times the old one, or less than the old one divided by it,
# is more likely a slip (weekly figures typed as annual) than a decision: it needs confirming.
LARGE_CHANGE_FACTOR = 3

StreamKey = tuple[str, str, int | None]


def stream_key(stream: StreamInput | BudgetStream) -> StreamKey:
    """What makes two streams the same stream: kind, name (any case) and provider."""
    return (stream.kind, stream.label.strip().casefold(), stream.organisation_id)


@dataclass(frozen=True)
class Snapshot:
    """A budget's amounts at one moment, to compare before and after a change."""

    total_pence: int
    contribution_pence: int
    streams: tuple[tuple[StreamKey, str, int], ...]  # (key, name, annual pence)
    variance_reason: str

    @property
    def amounts(self) -> tuple[int, int, dict[StreamKey, int]]:
        return (
            self.total_pence,
            self.contribution_pence,
            {key: total for key, _, total in self.streams},
        )


def snapshot(budget: Budget) -> Snapshot:
    return Snapshot(
        total_pence=budget.total_pence,
        contribution_pence=budget.contribution_pence,
        streams=tuple((stream_key(s), s.name, s.total_pence) for s in budget.streams),
        variance_reason=budget.variance_reason,
    )


def amounts_change(
    before: Snapshot, total_pence: int, contribution_pence: int, streams: Sequence[StreamInput]
) -> bool:
    """Whether saving these amounts would change the total, the contribution or any stream."""
    wanted = {stream_key(s): s.total_pence for s in streams}
    return before.amounts != (total_pence, contribution_pence, wanted)


def is_large_change(old_total: int, new_total: int) -> bool:
    return (
        new_total > old_total * LARGE_CHANGE_FACTOR or new_total * LARGE_CHANGE_FACTOR < old_total
    )


def large_change_message(old_total: int, new_total: int) -> str:
    return (
        f"This changes the yearly budget from {_money(old_total)} to {_money(new_total)}. "
        "If you meant weekly amounts, check 'Weekly'. Tick to confirm the change"
    )


def _money(pence: int) -> str:
    return format_pence(pence, free_text="")


def describe_recording(after: Snapshot) -> str:
    parts = [
        f"Recorded: total {_money(after.total_pence)}",
        f"holder's contribution {_money(after.contribution_pence)}",
    ]
    parts += [f"{name} {_money(total)}" for _, name, total in after.streams]
    return "; ".join(parts)


def describe_change(before: Snapshot, after: Snapshot) -> str:
    """'Total £15,600.00 → £16,640.00; Direct payment £9,360.00 → £10,400.00', or '' when
    nothing changed. Amounts are yearly."""
    parts: list[str] = []
    if before.total_pence != after.total_pence:
        parts.append(f"Total {_money(before.total_pence)} → {_money(after.total_pence)}")
    if before.contribution_pence != after.contribution_pence:
        parts.append(
            f"Holder's contribution {_money(before.contribution_pence)} → "
            f"{_money(after.contribution_pence)}"
        )
    parts += _stream_changes(before.streams, after.streams)
    if before.variance_reason != after.variance_reason:
        parts.append("Reason for the difference from the indicative budget changed")
    return "; ".join(parts)


def _stream_changes(
    before: Iterable[tuple[StreamKey, str, int]], after: Iterable[tuple[StreamKey, str, int]]
) -> list[str]:
    old = {key: (name, total) for key, name, total in before}
    parts = []
    seen = set()
    for key, name, total in after:
        seen.add(key)
        if key not in old:
            parts.append(f"{name} added: {_money(total)}")
        elif old[key][1] != total:
            parts.append(f"{name} {_money(old[key][1])} → {_money(total)}")
    for key, (name, total) in old.items():
        if key not in seen:
            parts.append(f"{name} removed, was {_money(total)}")
    return parts


def add_change(
    session: Any, budget: Budget, officer: Any, before: Snapshot | None, reason: str = ""
) -> BudgetChange | None:
    """Add the history row for what was just flushed (``before`` is None for the recording).
    Nothing is added when nothing changed."""
    after = snapshot(budget)
    summary = describe_recording(after) if before is None else describe_change(before, after)
    if not summary:
        return None
    change = BudgetChange(
        changed_by_id=officer.id,
        old_total_pence=before.total_pence if before else None,
        new_total_pence=after.total_pence,
        old_contribution_pence=before.contribution_pence if before else None,
        new_contribution_pence=after.contribution_pence,
        reason=reason.strip(),
        summary=summary,
    )
    budget.changes.insert(0, change)  # latest first, like the relationship's order
    session.flush()
    return change
