"""Support plans: what matters, outcomes, the lines that meet them, and every decision."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.budgets.models import Budget, BudgetStream
    from marketplace.directory.models import Council, Offer, PAProfile

PLAN_STATUS_VALUES = ("draft", "submitted", "referred", "approved", "rejected", "superseded")
_STATUSES = ", ".join(f"'{s}'" for s in PLAN_STATUS_VALUES)

plan_line_outcomes = Table(
    "plan_line_outcomes",
    db.metadata,
    Column("line_id", ForeignKey("plan_lines.id", ondelete="CASCADE"), primary_key=True),
    Column("outcome_id", ForeignKey("plan_outcomes.id", ondelete="CASCADE"), primary_key=True),
)


class SupportPlan(db.Model):  # type: ignore[name-defined]
    """One revision of a holder's plan for a plan year. Approved revisions are locked: a change
    starts the next revision (``previous_id``), which supersedes this one when approved."""

    __tablename__ = "support_plans"
    __table_args__ = (
        UniqueConstraint("holder_id", "year_start", "revision", name="uq_support_plans_revision"),
        CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        CheckConstraint("revision >= 1", name="revision_positive"),
        CheckConstraint(
            "status NOT IN ('submitted', 'referred', 'approved', 'rejected')"
            " OR (submitted_at IS NOT NULL AND council_id IS NOT NULL)",
            name="submitted_has_council",
        ),
        CheckConstraint(
            "status <> 'approved' OR review_due_on IS NOT NULL", name="approved_has_review"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    budget_id: Mapped[int | None] = mapped_column(ForeignKey("budgets.id"), index=True)
    year_start: Mapped[date]
    revision: Mapped[int] = mapped_column(default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("support_plans.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    what_matters: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    review_due_on: Mapped[date | None] = mapped_column(index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    council: Mapped[Council | None] = relationship()
    budget: Mapped[Budget | None] = relationship()
    previous: Mapped[SupportPlan | None] = relationship(remote_side=[id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    outcomes: Mapped[list[PlanOutcome]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanOutcome.position"
    )
    lines: Mapped[list[PlanLine]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanLine.position"
    )
    events: Mapped[list[PlanEvent]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanEvent.id"
    )

    @property
    def editable(self) -> bool:
        return self.status == "draft"


class PlanOutcome(db.Model):  # type: ignore[name-defined]
    __tablename__ = "plan_outcomes"
    __table_args__ = (CheckConstraint("code <> 'other' OR text <> ''", name="other_described"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("support_plans.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(30))  # plans.vocab.OUTCOMES
    text: Mapped[str] = mapped_column(String(300), default="")  # the person's own words
    how_met: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    plan: Mapped[SupportPlan] = relationship(back_populates="outcomes")
    lines: Mapped[list[PlanLine]] = relationship(
        secondary=plan_line_outcomes, back_populates="outcomes"
    )


class PlanLine(db.Model):  # type: ignore[name-defined]
    """One thing the plan pays for (or arranges unpaid). Quantity is kept in hundredths
    (1.5 hours → 150) so that no float ever reaches money."""

    __tablename__ = "plan_lines"
    __table_args__ = (
        CheckConstraint("kind IN ('offer', 'pa', 'text', 'unpaid')", name="kind_known"),
        CheckConstraint(
            "frequency IN ('week', 'fortnight', 'month', 'once')", name="frequency_known"
        ),
        CheckConstraint("quantity_hundredths > 0", name="quantity_positive"),
        CheckConstraint("unit_price_pence >= 0", name="price_nn"),
        CheckConstraint(
            "kind <> 'unpaid' OR (unit_price_pence = 0 AND stream_id IS NULL)",
            name="unpaid_is_free",
        ),
        CheckConstraint("kind <> 'offer' OR offer_id IS NOT NULL", name="offer_line_has_offer"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("support_plans.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"), index=True)
    pa_profile_id: Mapped[int | None] = mapped_column(ForeignKey("pa_profiles.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    provider_name: Mapped[str] = mapped_column(String(160), default="")  # who delivers it
    frequency: Mapped[str] = mapped_column(String(10), default="week")
    quantity_hundredths: Mapped[int] = mapped_column(default=100)
    unit: Mapped[str] = mapped_column(String(10), default="hours")
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
    time_bands: Mapped[list[str]] = mapped_column(JSON, default=list)
    unit_price_pence: Mapped[int] = mapped_column(default=0)
    # True once a quote's agreed price replaced the listed one (quotes issue).
    price_agreed: Mapped[bool] = mapped_column(default=False)
    # An ISF holder buys this from another provider (False: the ISF holder delivers it, or the
    # line is not paid from an ISF). Set by plans.lines from packages.rules.isf_bought_in.
    isf_bought_in: Mapped[bool] = mapped_column(default=False)
    stream_id: Mapped[int | None] = mapped_column(
        ForeignKey("budget_streams.id", ondelete="SET NULL"), index=True
    )
    start_on: Mapped[date]
    end_on: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)
    # The line of the earlier revision this one was copied from: bookings made for that line
    # are this line's bookings when the revision is costed (plans.costing).
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_lines.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[SupportPlan] = relationship(back_populates="lines")
    offer: Mapped[Offer | None] = relationship()
    pa_profile: Mapped[PAProfile | None] = relationship()
    stream: Mapped[BudgetStream | None] = relationship()
    outcomes: Mapped[list[PlanOutcome]] = relationship(
        secondary=plan_line_outcomes, back_populates="lines"
    )


class PlanEvent(db.Model):  # type: ignore[name-defined]
    """Every state change: who, when, from what to what, and why. Append-only."""

    __tablename__ = "plan_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("support_plans.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[SupportPlan] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
