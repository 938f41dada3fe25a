"""Reviews of bookings: one by each side of a booking, at most.

The holder's side (``side`` "requester") reviews the provider or personal assistant: that
review is shown, without a name, on the provider's public profile and in search results. The
provider's side ("provider") reviews the working relationship: only the holder's side ever reads
it. Either is hidden from everyone but its own side until both are written or
``REVIEW_BLIND_DAYS`` have passed since the first (see ``reviews.services``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.quotes.states import Side

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.bookings.models import Booking

REVIEW_SIDES = (Side.REQUESTER.value, Side.PROVIDER.value)
LOWEST_RATING = 1
HIGHEST_RATING = 5
BODY_LIMIT = 2000


class Review(db.Model):  # type: ignore[name-defined]
    """One side's rating (whole stars) and words about a booking."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(
            f"side IN ({', '.join(repr(side) for side in REVIEW_SIDES)})", name="side_known"
        ),
        CheckConstraint(
            f"rating >= {LOWEST_RATING} AND rating <= {HIGHEST_RATING}", name="rating_in_range"
        ),
        CheckConstraint(f"length(body) >= 1 AND length(body) <= {BODY_LIMIT}", name="body_length"),
        # One review per booking per side: the second writer of a side is refused here too.
        Index("uq_reviews_booking_side", "booking_id", "side", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(10))
    rating: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    # Who wrote it, for the audit of their own side; never shown to the other side or the public.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    booking: Mapped[Booking] = relationship()
    author: Mapped[User | None] = relationship()
