"""A stream's statement for its plan year, worked out from the ledger: money in (the stream's
total for the year), what was spent and what is still committed on each line of the support
plan (or each booking with no line), every ledger movement with the balance after it, and the
balance. For an Individual Service Fund it is the statement the holding provider gives the
holder and the council.

Who may read one: the holder's side and the council (``holders.access.care_access``), and for an
ISF the staff of the provider holding it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.bookings.models import Booking, LedgerEntry
from marketplace.budgets.models import BudgetStream
from marketplace.errors import NotFound
from marketplace.extensions import DbSession
from marketplace.holders.access import care_access
from marketplace.money import pence_to_input
from marketplace.packages.summary_csv import safe_cell
from marketplace.quotes.access import PROVIDER_ROLES

STATEMENT_NOT_FOUND = "We could not find that statement."
KIND_WORDS = {
    "commit": "Booked",
    "release": "Released",
    "spend": "Spent",
    "refund": "Refunded",
    "adjustment": "Adjusted",
}


@dataclass(frozen=True)
class StatementLine:
    """What one line of the plan (or one booking with no line) spent and still commits."""

    label: str
    provider: str
    spent_pence: int
    committed_pence: int


@dataclass(frozen=True)
class Movement:
    at: datetime
    what: str
    booking: str
    committed_pence: int  # the change
    spent_pence: int  # the change
    balance_pence: int  # money in less spent, after this movement
    available_pence: int  # … less committed too


@dataclass(frozen=True)
class Statement:
    stream: BudgetStream
    lines: list[StatementLine]
    movements: list[Movement]

    @property
    def money_in_pence(self) -> int:
        return self.stream.total_pence

    @property
    def spent_pence(self) -> int:
        return sum(m.spent_pence for m in self.movements)

    @property
    def committed_pence(self) -> int:
        return sum(m.committed_pence for m in self.movements)

    @property
    def balance_pence(self) -> int:
        return self.money_in_pence - self.spent_pence

    @property
    def available_pence(self) -> int:
        return self.balance_pence - self.committed_pence


def may_read(session: DbSession, user: Any, stream: BudgetStream) -> bool:
    if stream.kind == "isf" and stream.organisation_id is not None:
        holds = user.role in PROVIDER_ROLES and user.acts_for(stream.organisation_id)
        if holds:
            return True
    try:
        care_access(session, user, stream.budget.holder_id)
    except NotFound:
        return False
    return True


def stream_for(session: DbSession, user: Any, stream_id: int) -> BudgetStream:
    stream = session.get(BudgetStream, stream_id)
    if stream is None or not may_read(session, user, stream):
        raise NotFound(STATEMENT_NOT_FOUND)
    return stream


def statement(session: DbSession, stream: BudgetStream) -> Statement:
    entries = list(
        session.scalars(
            select(LedgerEntry).where(LedgerEntry.stream_id == stream.id).order_by(LedgerEntry.id)
        )
    )
    bookings = {
        b.id: b
        for b in session.scalars(
            select(Booking)
            .where(Booking.stream_id == stream.id)
            .options(selectinload(Booking.line))
            .order_by(Booking.id)
        )
    }
    per_line: dict[tuple[str, str], list[int]] = {}
    movements = []
    committed = spent = 0
    for entry in entries:
        booking = bookings.get(entry.booking_id) if entry.booking_id else None
        label = _line_label(booking)
        provider = booking.provider_name if booking else ""
        totals = per_line.setdefault((label, provider), [0, 0])
        totals[0] += entry.spent_delta
        totals[1] += entry.committed_delta
        committed += entry.committed_delta
        spent += entry.spent_delta
        movements.append(
            Movement(
                at=entry.at,
                what=_what(entry),
                booking=f"{booking.description} ({booking.provider_name})" if booking else "",
                committed_pence=entry.committed_delta,
                spent_pence=entry.spent_delta,
                balance_pence=stream.total_pence - spent,
                available_pence=stream.total_pence - spent - committed,
            )
        )
    lines = [
        StatementLine(label, provider, totals[0], totals[1])
        for (label, provider), totals in per_line.items()
    ]
    return Statement(stream=stream, lines=lines, movements=movements)


def _what(entry: LedgerEntry) -> str:
    """'Spent: Delivered and confirmed'; the kind alone when the note only repeats it."""
    word = KIND_WORDS[entry.kind]
    return f"{word}: {entry.note}" if entry.note and entry.note != word else word


def _line_label(booking: Booking | None) -> str:
    if booking is None:
        return "Not linked to a booking"
    if booking.line is not None:
        return booking.line.description
    return booking.description


CSV_HEADER = (
    "Date",
    "What",
    "Booking",
    "Committed change (pounds)",
    "Spent change (pounds)",
    "Balance (pounds)",
    "Available (pounds)",
)


def statement_csv(found: Statement) -> str:
    """The movements, then the summary and the spending per line, as CSV (money in pounds)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for m in found.movements:
        writer.writerow(
            [
                m.at.date().isoformat(),
                safe_cell(m.what),
                safe_cell(m.booking),
                pence_to_input(m.committed_pence),
                pence_to_input(m.spent_pence),
                pence_to_input(m.balance_pence),
                pence_to_input(m.available_pence),
            ]
        )
    writer.writerow([])
    writer.writerow(["Summary", "Money in", "Spent", "Committed", "Balance", "Available"])
    writer.writerow(
        [
            safe_cell(found.stream.name),
            pence_to_input(found.money_in_pence),
            pence_to_input(found.spent_pence),
            pence_to_input(found.committed_pence),
            pence_to_input(found.balance_pence),
            pence_to_input(found.available_pence),
        ]
    )
    writer.writerow([])
    writer.writerow(["Line", "Provider", "Spent (pounds)", "Committed (pounds)"])
    for line in found.lines:
        writer.writerow(
            [
                safe_cell(line.label),
                safe_cell(line.provider),
                pence_to_input(line.spent_pence),
                pence_to_input(line.committed_pence),
            ]
        )
    return out.getvalue()
