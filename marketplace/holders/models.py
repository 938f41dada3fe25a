"""A budget holder's record, and who may act for them (representatives, a broker)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.directory.models import Council


class HolderRecord(db.Model):  # type: ignore[name-defined]
    """What the service keeps about one budget holder beyond their account: council, area and
    the requirements the package builder and PA matching respect. Care data: reads are audited."""

    __tablename__ = "holder_records"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    postcode: Mapped[str] = mapped_column(String(8), default="")
    district: Mapped[str] = mapped_column(String(4), default="")
    # Recorded by an officer: the holder cannot link representatives themselves.
    lacks_capacity: Mapped[bool] = mapped_column(default=False)
    # Requirements of personal assistants (CHECK_KINDS values, e.g. "enhanced_dbs").
    required_checks: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_gender: Mapped[str] = mapped_column(String(12), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs_driver: Mapped[bool] = mapped_column(default=False)
    non_smoker: Mapped[bool] = mapped_column(default=False)
    has_pets: Mapped[bool] = mapped_column(default=False)
    other_preferences: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    council: Mapped[Council | None] = relationship()


class Representation(db.Model):  # type: ignore[name-defined]
    """A representative may act for a holder while the link is not revoked."""

    __tablename__ = "representations"
    __table_args__ = (
        CheckConstraint("holder_id <> representative_id", name="not_self"),
        Index("ix_representations_pair", "holder_id", "representative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    representative_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    relationship_kind: Mapped[str] = mapped_column(String(20))
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    representative: Mapped[User] = relationship(foreign_keys=[representative_id])
    linked_by: Mapped[User] = relationship(foreign_keys=[linked_by_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class BrokerLink(db.Model):  # type: ignore[name-defined]
    """A holder's broker: invited by the holder (the broker accepts) or assigned by an officer."""

    __tablename__ = "broker_links"
    __table_args__ = (
        CheckConstraint(
            "status IN ('invited', 'active', 'declined', 'ended')", name="status_known"
        ),
        CheckConstraint("holder_id <> broker_id", name="not_self"),
        Index("ix_broker_links_pair", "holder_id", "broker_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    broker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="invited")
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    broker: Mapped[User] = relationship(foreign_keys=[broker_id])
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])
