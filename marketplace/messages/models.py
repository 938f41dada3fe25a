"""Message threads: who takes part, and what they wrote.

A thread is about something (``topic_key``, e.g. "need:12:pa:34"): one thread per topic, so two
clicks on "Start a conversation" open the same thread. Later features (quote requests, bookings)
add their own topics.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.needs.models import NeedAdvert

MAX_MESSAGE_CHARS = 5000


class MessageThread(db.Model):  # type: ignore[name-defined]
    __tablename__ = "message_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_key: Mapped[str] = mapped_column(String(80), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    # What the thread is about, when it is a need advert (quotes and bookings come later).
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("need_adverts.id", ondelete="SET NULL"), index=True
    )
    # The budget holder the thread is about: their planners take part on their side.
    holder_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    need: Mapped[NeedAdvert | None] = relationship()
    participants: Mapped[list[ThreadParticipant]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", order_by="ThreadParticipant.user_id"
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", order_by="Message.id"
    )


class ThreadParticipant(db.Model):  # type: ignore[name-defined]
    __tablename__ = "thread_participants"

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("message_threads.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_read_at: Mapped[datetime | None]

    thread: Mapped[MessageThread] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()


class Message(db.Model):  # type: ignore[name-defined]
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(
            f"length(body) > 0 AND length(body) <= {MAX_MESSAGE_CHARS}", name="body_length"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("message_threads.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    thread: Mapped[MessageThread] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()
