"""A quote request (what is needed, for whom, which plan line) and the quotes it asks for: one
per provider or PA, each moving through ``quotes.states`` with every move recorded.

Prices are integer pence per unit of the request (an hour, a visit …); the breakdown is in basis
points (7700 = 77%) like an offer's, and must add up to 100%.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.budgets.models import BudgetStream
    from marketplace.directory.models import Offer, Organisation, PAProfile
    from marketplace.messages.models import MessageThread
    from marketplace.needs.models import NeedAdvert
    from marketplace.plans.models import PlanLine, SupportPlan

QUOTE_STATUS_VALUES = (
    "requested",
    "offered",
    "countered",
    "accepted",
    "declined",
    "not_chosen",
    "expired",
    "withdrawn",
)
_STATUSES = ", ".join(f"'{s}'" for s in QUOTE_STATUS_VALUES)
# The most any unit may be quoted at (£10,000: an item of equipment); hours are held to the
# lower MAXIMUM_HOURLY_RATE_PENCE of the settings by the service.
MAX_QUOTE_PRICE_PENCE = 1_000_000
MAX_NOTICE_HOURS = 24 * 90


class QuoteRequest(db.Model):  # type: ignore[name-defined]
    """What the holder's side asks for. Sent to one or more providers (a ``Quote`` each)."""

    __tablename__ = "quote_requests"
    __table_args__ = (
        CheckConstraint(
            "frequency IN ('week', 'fortnight', 'month', 'once')", name="frequency_known"
        ),
        CheckConstraint("quantity_hundredths > 0", name="quantity_positive"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The draft plan and line the answer will price (no line: a new line on acceptance).
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("support_plans.id", ondelete="SET NULL"), index=True
    )
    line_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_lines.id", ondelete="SET NULL"), index=True
    )
    stream_id: Mapped[int | None] = mapped_column(
        ForeignKey("budget_streams.id", ondelete="SET NULL")
    )
    # Where the request came from, when it was a need advert's match.
    need_id: Mapped[int | None] = mapped_column(ForeignKey("need_adverts.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[str] = mapped_column(String(10), default="week")
    quantity_hundredths: Mapped[int] = mapped_column(default=100)
    unit: Mapped[str] = mapped_column(String(10), default="hours")
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
    time_bands: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_on: Mapped[date]
    end_on: Mapped[date | None]
    # Where: a postcode district only; providers see the full address once booked (later).
    district: Mapped[str] = mapped_column(String(4))
    # Set once, by the acceptance that wins (a conditional update: two acceptances of quotes of
    # one request cannot both succeed). The quote's id; no foreign key, which would make the two
    # tables depend on each other (the partial unique index on quotes guards the same rule).
    accepted_quote_id: Mapped[int | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    plan: Mapped[SupportPlan | None] = relationship()
    line: Mapped[PlanLine | None] = relationship()
    stream: Mapped[BudgetStream | None] = relationship()
    need: Mapped[NeedAdvert | None] = relationship()
    quotes: Mapped[list[Quote]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="Quote.id",
        foreign_keys="Quote.request_id",
    )


class Quote(db.Model):  # type: ignore[name-defined]
    """One provider's (or PA's) answer to a request, from "requested" to an end state."""

    __tablename__ = "quotes"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        CheckConstraint(
            "(organisation_id IS NOT NULL AND pa_profile_id IS NULL)"
            " OR (organisation_id IS NULL AND pa_profile_id IS NOT NULL)",
            name="one_provider",
        ),
        CheckConstraint(
            f"unit_price_pence IS NULL OR (unit_price_pence > 0"
            f" AND unit_price_pence <= {MAX_QUOTE_PRICE_PENCE})",
            name="price_in_range",
        ),
        CheckConstraint(
            f"counter_price_pence IS NULL OR (counter_price_pence > 0"
            f" AND counter_price_pence <= {MAX_QUOTE_PRICE_PENCE})",
            name="counter_in_range",
        ),
        CheckConstraint(
            "(direct_bp IS NULL AND coordination_bp IS NULL AND overheads_bp IS NULL)"
            " OR (direct_bp >= 0 AND coordination_bp >= 0 AND overheads_bp >= 0"
            " AND direct_bp + coordination_bp + overheads_bp = 10000)",
            name="breakdown_sums_to_100",
        ),
        CheckConstraint(
            f"notice_hours IS NULL OR (notice_hours >= 0 AND notice_hours <= {MAX_NOTICE_HOURS})",
            name="notice_in_range",
        ),
        CheckConstraint(
            "late_cancel_bp IS NULL OR (late_cancel_bp >= 0 AND late_cancel_bp <= 10000)",
            name="late_cancel_in_range",
        ),
        # An offer on the table (or accepted) has every term a comparison shows.
        CheckConstraint(
            "status NOT IN ('offered', 'countered', 'accepted') OR (unit_price_pence IS NOT NULL"
            " AND direct_bp IS NOT NULL AND offered_start_on IS NOT NULL"
            " AND notice_hours IS NOT NULL AND late_cancel_bp IS NOT NULL)",
            name="offer_complete",
        ),
        CheckConstraint(
            "status <> 'countered' OR counter_price_pence IS NOT NULL", name="counter_has_price"
        ),
        # One provider is asked once per request; at most one quote of a request is accepted.
        Index("uq_quotes_request_org", "request_id", "organisation_id", unique=True),
        Index("uq_quotes_request_pa", "request_id", "pa_profile_id", unique=True),
        Index(
            "uq_quotes_one_accepted",
            "request_id",
            unique=True,
            sqlite_where=text("status = 'accepted'"),
            postgresql_where=text("status = 'accepted'"),
        ),
        Index("ix_quotes_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("quote_requests.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    pa_profile_id: Mapped[int | None] = mapped_column(ForeignKey("pa_profiles.id"), index=True)
    # The listing asked about, when there was one (a PA may be asked without one).
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default="requested")
    # The provider's terms (filled in by "offered").
    unit_price_pence: Mapped[int | None]
    direct_bp: Mapped[int | None]
    coordination_bp: Mapped[int | None]
    overheads_bp: Mapped[int | None]
    offered_start_on: Mapped[date | None]
    notice_hours: Mapped[int | None]
    late_cancel_bp: Mapped[int | None]  # of the price of a session cancelled at short notice
    provider_note: Mapped[str] = mapped_column(Text, default="")
    # The requester's counter-offer (a price per unit, and why).
    counter_price_pence: Mapped[int | None]
    counter_note: Mapped[str] = mapped_column(Text, default="")
    # Why it was declined or withdrawn, by whichever side did it.
    closing_reason: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime]
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("message_threads.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    request: Mapped[QuoteRequest] = relationship(back_populates="quotes", foreign_keys=[request_id])
    organisation: Mapped[Organisation | None] = relationship()
    pa_profile: Mapped[PAProfile | None] = relationship()
    offer: Mapped[Offer | None] = relationship()
    thread: Mapped[MessageThread | None] = relationship()
    events: Mapped[list[QuoteEvent]] = relationship(
        back_populates="quote", cascade="all, delete-orphan", order_by="QuoteEvent.id"
    )

    @property
    def provider_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return self.pa_profile.display_name if self.pa_profile is not None else ""


class QuoteEvent(db.Model):  # type: ignore[name-defined]
    """Every move of a quote: from what to what, who (none: the clock, for expiry), when, and the
    price on the table after it. Append-only."""

    __tablename__ = "quote_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    price_pence: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    quote: Mapped[Quote] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
