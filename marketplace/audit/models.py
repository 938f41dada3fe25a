"""Who read or changed whose care data, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import utcnow
from marketplace.extensions import db


class AuditEvent(db.Model):  # type: ignore[name-defined]
    """Append-only. ``holder_id`` is whose data it was; ``subject`` names the record."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_holder_at", "holder_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))  # read, create, update, decide …
    subject_type: Mapped[str] = mapped_column(String(30))  # budget, plan, holder_record …
    subject_id: Mapped[int | None]
    via: Mapped[str] = mapped_column(String(10), default="web")  # web or api
    at: Mapped[datetime] = mapped_column(default=utcnow)
