"""A need advert (what a holder asks of a personal assistant) and PAs' interest in it.

The advert is located only to a postcode district and never names the holder: a PA sees who
posted it only when the holder's side opens a conversation with them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.directory.models import Council, PAProfile
    from marketplace.plans.models import SupportPlan

NEED_STATUSES = ("open", "closed")
# A week has 168 hours; hours are kept in hundredths (7.5 hours = 750).
MAX_HOURS_HUNDREDTHS = 168 * 100


class NeedAdvert(db.Model):  # type: ignore[name-defined]
    __tablename__ = "need_adverts"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        CheckConstraint(
            f"hours_hundredths > 0 AND hours_hundredths <= {MAX_HOURS_HUNDREDTHS}",
            name="hours_in_week",
        ),
        CheckConstraint("rate_pence > 0", name="rate_positive"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="ends_after_start"),
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_has_time"),
        Index("ix_need_adverts_status_district", "status", "district"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The plan a PA found through this advert is added to (the holder's draft, when there is one).
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("support_plans.id", ondelete="SET NULL"), index=True
    )
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # Where: a postcode district only (never the holder's full postcode).
    district: Mapped[str] = mapped_column(String(4))
    # When: "day:band" slots (directory vocab DAYS x TIME_BANDS) and hours a week in hundredths.
    slots: Mapped[list[str]] = mapped_column(JSON, default=list)
    hours_hundredths: Mapped[int]
    # What: tasks and skills wanted (directory vocab PA_SKILLS).
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_gender: Mapped[str] = mapped_column(String(12), default="")
    needs_driver: Mapped[bool] = mapped_column(default=False)
    non_smoker: Mapped[bool] = mapped_column(default=False)
    has_pets: Mapped[bool] = mapped_column(default=False)
    required_checks: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_on: Mapped[date]
    end_on: Mapped[date | None]
    # Hourly pay offered, in pence.
    rate_pence: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    posted_by: Mapped[User] = relationship(foreign_keys=[posted_by_id])
    plan: Mapped[SupportPlan | None] = relationship()
    council: Mapped[Council | None] = relationship()
    interests: Mapped[list[NeedInterest]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedInterest.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class NeedInterest(db.Model):  # type: ignore[name-defined]
    """A PA said they are interested in an advert (withdrawn interest keeps the row)."""

    __tablename__ = "need_interests"
    __table_args__ = (UniqueConstraint("need_id", "pa_profile_id", name="uq_need_interest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need_adverts.id", ondelete="CASCADE"))
    pa_profile_id: Mapped[int] = mapped_column(
        ForeignKey("pa_profiles.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]

    need: Mapped[NeedAdvert] = relationship(back_populates="interests")
    pa_profile: Mapped[PAProfile] = relationship()

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
