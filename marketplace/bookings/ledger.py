"""The one place money moves on a budget stream.

Every movement is a single conditional UPDATE of the stream (it succeeds only if the stream can
take it: never negative, never committed + spent beyond the total) and one append-only ledger
entry, in the caller's transaction. The stream's CHECK constraint stands behind the UPDATE, so
however many requests race, a budget is never overspent. Stream balances can always be derived
from the ledger: ``check`` proves they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from marketplace.bookings.models import LedgerEntry
from marketplace.budgets.models import BudgetStream
from marketplace.errors import InsufficientBudget
from marketplace.extensions import DbSession, affected_rows
from marketplace.money import format_money
from marketplace.plans.costing import stream_phrase


@dataclass(frozen=True)
class Movement:
    """What an entry does to a stream: pence added to (or, negative, taken from) committed and
    spent. Commit +c; release -c; spend -c +s (committed money paid out); refund -s;
    adjustment either."""

    kind: str
    committed: int = 0
    spent: int = 0


def commit(amount: int) -> Movement:
    return Movement("commit", committed=amount)


def release(amount: int) -> Movement:
    return Movement("release", committed=-amount)


def spend(amount: int) -> Movement:
    return Movement("spend", committed=-amount, spent=amount)


def move(
    session: DbSession,
    stream_id: int,
    movement: Movement,
    *,
    booking_id: int | None = None,
    session_id: int | None = None,
    actor_id: int | None = None,
    note: str = "",
) -> LedgerEntry | None:
    """Apply ``movement`` to the stream and record it; None when it moves nothing. Raises
    InsufficientBudget (nothing written) when the stream cannot take it. Not committed."""
    if not apply(session, stream_id, movement):
        return None
    return record(
        session,
        stream_id,
        movement,
        booking_id=booking_id,
        session_id=session_id,
        actor_id=actor_id,
        note=note,
    )


def apply(session: DbSession, stream_id: int, movement: Movement) -> bool:
    """The stream's half of a movement: one conditional UPDATE, or InsufficientBudget. False
    when it moves nothing. Follow it with ``record`` in the same transaction."""
    if movement.committed == 0 and movement.spent == 0:
        return False
    more = movement.committed + movement.spent
    conditions = [BudgetStream.id == stream_id]
    if more > 0:
        conditions.append(
            BudgetStream.committed_pence + BudgetStream.spent_pence + more
            <= BudgetStream.total_pence
        )
    if movement.committed < 0:
        conditions.append(BudgetStream.committed_pence + movement.committed >= 0)
    if movement.spent < 0:
        conditions.append(BudgetStream.spent_pence + movement.spent >= 0)
    done = affected_rows(
        session.execute(
            update(BudgetStream)
            .where(*conditions)
            .values(
                committed_pence=BudgetStream.committed_pence + movement.committed,
                spent_pence=BudgetStream.spent_pence + movement.spent,
            )
            .execution_options(synchronize_session=False)
        )
    )
    if done != 1:
        raise refusal(session, stream_id, more)
    # A copy of the stream already loaded in this session now reads the new balances.
    loaded = session.identity_map.get(session.identity_key(BudgetStream, stream_id))
    if loaded is not None:
        session.expire(loaded, ["committed_pence", "spent_pence"])
    return True


def record(
    session: DbSession,
    stream_id: int,
    movement: Movement,
    *,
    booking_id: int | None = None,
    session_id: int | None = None,
    actor_id: int | None = None,
    note: str = "",
) -> LedgerEntry:
    """The ledger's half of a movement ``apply`` made: an entry, never changed afterwards."""
    entry = LedgerEntry(
        stream_id=stream_id,
        booking_id=booking_id,
        session_id=session_id,
        kind=movement.kind,
        committed_delta=movement.committed,
        spent_delta=movement.spent,
        actor_id=actor_id,
        note=note[:300],
    )
    session.add(entry)
    return entry


def refusal(session: DbSession, stream_id: int, needed: int) -> InsufficientBudget:
    """Why the stream could not take ``needed`` pence, by how much, read as it is now."""
    stream = session.get(BudgetStream, stream_id, populate_existing=True)
    if stream is None:
        return InsufficientBudget("That budget stream no longer exists.")
    over = needed - stream.remaining_pence
    if over <= 0:  # a release or refund larger than what is held: a bug, said plainly
        return InsufficientBudget(f"{stream_phrase(stream).capitalize()} does not hold that much.")
    return InsufficientBudget(
        f"This would exceed {stream_phrase(stream)} by {format_money(over)} "
        f"({format_money(max(stream.remaining_pence, 0))} is left for the plan year)."
    )


@dataclass(frozen=True)
class Mismatch:
    stream_id: int
    committed_pence: int
    spent_pence: int
    ledger_committed: int
    ledger_spent: int


def check(session: DbSession) -> tuple[int, list[Mismatch]]:
    """(streams checked, those whose balances differ from the sums of their ledger entries)."""
    sums = (
        select(
            LedgerEntry.stream_id,
            func.coalesce(func.sum(LedgerEntry.committed_delta), 0).label("committed"),
            func.coalesce(func.sum(LedgerEntry.spent_delta), 0).label("spent"),
        )
        .group_by(LedgerEntry.stream_id)
        .subquery()
    )
    rows = session.execute(
        select(
            BudgetStream.id,
            BudgetStream.committed_pence,
            BudgetStream.spent_pence,
            func.coalesce(sums.c.committed, 0),
            func.coalesce(sums.c.spent, 0),
        )
        .outerjoin(sums, sums.c.stream_id == BudgetStream.id)
        .order_by(BudgetStream.id)
    ).all()
    wrong = [
        Mismatch(row[0], row[1], row[2], int(row[3]), int(row[4]))
        for row in rows
        if (row[1], row[2]) != (int(row[3]), int(row[4]))
    ]
    return len(rows), wrong
