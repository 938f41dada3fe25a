"""Bookings, their dated sessions, and the append-only ledger of money on budget streams.

A booking is made from an accepted quote or a fixed-price offer, for a holder's budget stream:
one-off (one session) or weekly (a pattern of weekdays from a start date, producing a session on
each of those days up to the end date or the end of the plan year). Money moves only through
``bookings.ledger``: every change to a stream's committed or spent pence is one conditional
UPDATE of the stream and one ledger entry, in the same transaction. The stream's CHECK
constraint (``never_overspent``) stands behind the UPDATE, whatever the code does.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.budgets.models import BudgetStream
    from marketplace.directory.models import Offer, Organisation, PAProfile
    from marketplace.plans.models import PlanLine, SupportPlan
    from marketplace.quotes.models import Quote

BOOKING_KINDS = ("one_off", "weekly")
BOOKING_STATUSES = ("active", "cancelled")
SESSION_STATUSES = ("scheduled", "delivered", "confirmed", "missed", "cancelled")
LEDGER_KINDS = ("commit", "release", "spend", "refund", "adjustment")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Booking(db.Model):  # type: ignore[name-defined]
    """What was booked, with whom, at what price, paid from which stream."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint(_one_of("kind", BOOKING_KINDS), name="kind_known"),
        CheckConstraint(_one_of("status", BOOKING_STATUSES), name="status_known"),
        CheckConstraint(
            "(organisation_id IS NOT NULL AND pa_profile_id IS NULL)"
            " OR (organisation_id IS NULL AND pa_profile_id IS NOT NULL)",
            name="one_provider",
        ),
        CheckConstraint("quote_id IS NOT NULL OR offer_id IS NOT NULL", name="has_source"),
        CheckConstraint("unit_price_pence > 0", name="price_positive"),
        CheckConstraint("quantity_hundredths > 0", name="quantity_positive"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="ends_after_start"),
        CheckConstraint("notice_hours >= 0", name="notice_not_negative"),
        CheckConstraint("late_cancel_bp >= 0 AND late_cancel_bp <= 10000", name="late_in_range"),
        # An accepted quote is booked once (amend the booking to change it).
        Index("uq_bookings_quote", "quote_id", unique=True),
        Index("ix_bookings_holder", "holder_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    stream_id: Mapped[int] = mapped_column(
        ForeignKey("budget_streams.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("support_plans.id", ondelete="SET NULL"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("plan_lines.id", ondelete="SET NULL"))
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id", ondelete="SET NULL"))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    pa_profile_id: Mapped[int | None] = mapped_column(ForeignKey("pa_profiles.id"), index=True)
    provider_name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str] = mapped_column(String(10))
    unit_price_pence: Mapped[int]
    quantity_hundredths: Mapped[int]  # of the unit, each session
    days: Mapped[list[str]] = mapped_column(JSON, default=list)  # weekly: "mon" … "sun"
    start_time: Mapped[time]  # UK time each session starts: notice counts back from it
    start_on: Mapped[date]
    end_on: Mapped[date | None]  # weekly: the last day it may run (None: the plan year's end)
    notice_hours: Mapped[int] = mapped_column(default=0)
    late_cancel_bp: Mapped[int] = mapped_column(default=0)  # of a session cancelled late
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    stream: Mapped[BudgetStream] = relationship()
    plan: Mapped[SupportPlan | None] = relationship()
    line: Mapped[PlanLine | None] = relationship()
    quote: Mapped[Quote | None] = relationship()
    offer: Mapped[Offer | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    pa_profile: Mapped[PAProfile | None] = relationship()
    sessions: Mapped[list[BookingSession]] = relationship(
        back_populates="booking", order_by="BookingSession.day", cascade="all, delete-orphan"
    )


class BookingSession(db.Model):  # type: ignore[name-defined]
    """One dated occurrence of a booking and what became of it. Its price is committed on the
    stream while scheduled or delivered, spent once confirmed, released if missed or cancelled
    (less any late-cancellation charge, which is spent)."""

    __tablename__ = "booking_sessions"
    __table_args__ = (
        CheckConstraint(_one_of("status", SESSION_STATUSES), name="status_known"),
        CheckConstraint("price_pence >= 0", name="price_not_negative"),
        CheckConstraint(
            "charge_pence >= 0 AND charge_pence <= price_pence", name="charge_within_price"
        ),
        Index("uq_booking_sessions_day", "booking_id", "day", unique=True),
        Index("ix_booking_sessions_due", "status", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    day: Mapped[date]
    quantity_hundredths: Mapped[int]
    price_pence: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    charge_pence: Mapped[int] = mapped_column(default=0)  # a late cancellation's charge
    delivered_at: Mapped[datetime | None]
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    settled_at: Mapped[datetime | None]  # confirmed, missed or cancelled
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: lapsed
    note: Mapped[str] = mapped_column(Text, default="")

    booking: Mapped[Booking] = relationship(back_populates="sessions")


class LedgerEntry(db.Model):  # type: ignore[name-defined]
    """One movement of money on a stream. Never changed once written (a trigger refuses an
    UPDATE); a stream's committed and spent pence equal the sums of its entries' deltas."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(_one_of("kind", LEDGER_KINDS), name="kind_known"),
        CheckConstraint("committed_delta <> 0 OR spent_delta <> 0", name="moves_money"),
        Index("ix_ledger_entries_stream", "stream_id", "id"),
        Index("ix_ledger_entries_booking", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stream_id: Mapped[int] = mapped_column(ForeignKey("budget_streams.id", ondelete="CASCADE"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking_sessions.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(10))
    committed_delta: Mapped[int] = mapped_column(default=0)
    spent_delta: Mapped[int] = mapped_column(default=0)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(String(300), default="")

    actor: Mapped[User | None] = relationship()
