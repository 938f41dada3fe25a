"""A notification: one line for one person about something that happened, with a link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import utcnow
from marketplace.extensions import db


class Notification(db.Model):  # type: ignore[name-defined]
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # What kind of event, e.g. "quote_offered", "message" (stable; for filtering later).
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(300), default="")  # a path in this site
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
