"""What the search feature keeps in the database: pending index updates and the search log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import utcnow
from marketplace.extensions import db


class IndexJob(db.Model):  # type: ignore[name-defined]
    """A listing whose search document must be rebuilt (or removed).

    Written in the same transaction as the change itself, so an index update can never be lost:
    the row stays until the index has taken the listing's current state.
    """

    __tablename__ = "index_jobs"
    __table_args__ = (
        CheckConstraint("kind IN ('offer', 'pa', 'organisation')", name="kind_known"),
        CheckConstraint("attempts >= 0", name="attempts_positive"),
        Index("ix_index_jobs_kind_listing", "kind", "listing_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    listing_id: Mapped[int]
    queued_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


class SearchLog(db.Model):  # type: ignore[name-defined]
    """One search someone ran: what they asked, where, and how much they found.

    The council's market-gap view reads this (zero-result searches especially). No user is
    recorded: demand is counted, people are not tracked.
    """

    __tablename__ = "search_log"
    __table_args__ = (
        CheckConstraint("result_count >= 0", name="result_count_positive"),
        Index("ix_search_log_council_results", "council_id", "result_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    query_text: Mapped[str] = mapped_column(String(200), default="")
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    council_id: Mapped[int | None] = mapped_column(
        ForeignKey("councils.id", ondelete="SET NULL"), index=True
    )
    district: Mapped[str | None] = mapped_column(String(4))
    result_count: Mapped[int]
    took_ms: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(10), default="page")  # page | api
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
