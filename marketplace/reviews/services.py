"""Writing and reading reviews of bookings.

- Each side of a booking writes one review, once at least one of its sessions is delivered and
  confirmed: the holder's side (the holder, a representative, an active broker) reviews the
  provider or personal assistant; the provider's side (the PA, or the organisation's approved
  staff) reviews the working relationship with the holder's side.
- Blind: a review is hidden from the other side, and from the public, until both sides have
  written or ``REVIEW_BLIND_DAYS`` have passed since the first was written. Its own side always
  reads it. Nothing is stored about when a review comes out: it is worked out from the two
  reviews each time it is read, so a change of the setting applies to every review at once.
- Public: only the holder's sides' reviews of providers, and never a name ("A person using the
  service"). The provider's side's review of the relationship is for the holder's side alone:
  it is about a person, not a service anyone can choose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol, TypeVarTuple

from flask import current_app
from sqlalchemy import Select, and_, exists, func, literal_column, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from marketplace.audit.services import record
from marketplace.bookings.access import booking_for
from marketplace.bookings.models import Booking, BookingSession
from marketplace.clock import date_text, utcnow
from marketplace.directory.models import Offer
from marketplace.errors import Conflict, ValidationFailed
from marketplace.extensions import DbSession
from marketplace.notifications.services import notify
from marketplace.plans.workflow import people_to_tell
from marketplace.quotes.access import provider_people
from marketplace.quotes.states import Side
from marketplace.reviews.models import BODY_LIMIT, HIGHEST_RATING, LOWEST_RATING, Review

NOT_DELIVERED_YET = (
    "You can review this booking once one of its sessions has been delivered and confirmed."
)
REVIEWED_ALREADY = "Your side has already reviewed this booking. Each side writes one review."
RATING_WANTED = f"Choose a rating from {LOWEST_RATING} to {HIGHEST_RATING} stars"
BODY_WANTED = "Write your review"
BODY_TOO_LONG = f"Your review must be {BODY_LIMIT:,} characters or fewer"
# The latest reviews a provider's public profile shows.
LATEST_SHOWN = 5


@dataclass(frozen=True)
class ReviewInput:
    rating: int | None  # None: not given, or not a whole number
    body: str


@dataclass(frozen=True)
class Rating:
    """A provider's visible reviews in sum: how many, and their stars added up."""

    count: int
    stars: int

    @property
    def average_text(self) -> str:
        """The average to one decimal place, halves rounded up: 13 stars in 3 reviews is "4.3"."""
        tenths = (self.stars * 20 + self.count) // (2 * self.count)
        return f"{tenths // 10}.{tenths % 10}"


@dataclass(frozen=True)
class PublicReview:
    """A review as the public reads it: no name, no booking."""

    rating: int
    body: str
    written_on: date


@dataclass(frozen=True)
class ProviderReviews:
    rating: Rating | None  # None: no visible review yet
    latest: list[PublicReview]


@dataclass(frozen=True)
class BookingReviews:
    """A booking's reviews as one side reads them. ``theirs`` is the other side's review only
    once it is shown; until then ``theirs_written`` says it exists and ``theirs_shown_from``
    when it comes out if this side writes nothing. ``ours_shown_from`` is set while this side's
    review waits for theirs."""

    booking: Booking
    side: Side
    reviewable: bool  # a session has been delivered and confirmed
    ours: Review | None
    theirs: Review | None
    theirs_written: bool
    theirs_shown_from: date | None
    ours_shown_from: date | None  # ours, still hidden from the other side: when it comes out

    @property
    def may_write(self) -> bool:
        return self.reviewable and self.ours is None


class Listed(Protocol):
    """A search result: what kind of listing ("offer", "pa", "organisation") and its id."""

    @property
    def kind(self) -> str: ...
    @property
    def id(self) -> int: ...


def _other(side: Side) -> Side:
    return Side.PROVIDER if side is Side.REQUESTER else Side.REQUESTER


def _blind_for() -> timedelta:
    return timedelta(days=int(current_app.config["REVIEW_BLIND_DAYS"]))


def _shown_alone(review: Review) -> bool:
    """Written first, and long enough ago to be shown without the other side's."""
    return review.created_at <= utcnow() - _blind_for()


def _reviews_of(session: DbSession, booking_id: int) -> dict[Side, Review]:
    found = session.scalars(select(Review).where(Review.booking_id == booking_id))
    return {Side(review.side): review for review in found}


def has_confirmed_session(session: DbSession, booking_id: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    BookingSession.booking_id == booking_id, BookingSession.status == "confirmed"
                )
            )
        )
    )


def _checked(data: ReviewInput) -> tuple[int, str]:
    """The rating and words to store, or ValidationFailed naming each problem. Line ends are
    counted as one character each, as the page's character count counts them."""
    errors: dict[str, str] = {}
    rating = data.rating
    if rating is None or not LOWEST_RATING <= rating <= HIGHEST_RATING:
        errors["rating"] = RATING_WANTED
    body = data.body.replace("\r\n", "\n").strip()
    if not body:
        errors["body"] = BODY_WANTED
    elif len(body) > BODY_LIMIT:
        errors["body"] = BODY_TOO_LONG
    if errors:
        raise ValidationFailed(errors)
    assert rating is not None
    return rating, body


def booking_reviews(session: DbSession, user: Any, booking_id: int) -> BookingReviews:
    """The booking's reviews as the user's side may read them; NotFound (404) for anyone who
    is on neither side of the booking."""
    booking, side = booking_for(session, user, booking_id)
    reviews = _reviews_of(session, booking.id)
    ours, theirs = reviews.get(side), reviews.get(_other(side))
    shown = theirs is not None and (ours is not None or _shown_alone(theirs))
    waiting = ours is not None and theirs is None and not _shown_alone(ours)
    return BookingReviews(
        booking=booking,
        side=side,
        reviewable=has_confirmed_session(session, booking.id),
        ours=ours,
        theirs=theirs if shown else None,
        theirs_written=theirs is not None,
        theirs_shown_from=(
            (theirs.created_at + _blind_for()).date() if theirs is not None and not shown else None
        ),
        ours_shown_from=(ours.created_at + _blind_for()).date() if waiting and ours else None,
    )


def write_review(session: DbSession, user: Any, booking_id: int, data: ReviewInput) -> Review:
    """The user's side's review of the booking, written and the other side told (that a review
    waits for theirs, or that theirs can now be read). One transaction; refused with nothing
    written: someone else's booking (NotFound), no session delivered and confirmed yet or this
    side's review already written (Conflict, 409), a rating that is not 1 to 5 whole stars or
    words missing or too long (ValidationFailed, 400)."""
    booking, side = booking_for(session, user, booking_id)
    if not has_confirmed_session(session, booking.id):
        raise Conflict(NOT_DELIVERED_YET)
    if side in _reviews_of(session, booking.id):
        raise Conflict(REVIEWED_ALREADY)
    rating, body = _checked(data)
    review = Review(
        booking_id=booking.id, side=side.value, rating=rating, body=body, author_id=user.id
    )
    session.add(review)
    try:
        session.flush()
    except IntegrityError:
        # Someone else on this side wrote theirs between the check above and this insert.
        session.rollback()
        raise Conflict(REVIEWED_ALREADY) from None
    _tell(session, booking, review, _reviews_of(session, booking.id).get(_other(side)), user)
    record(session, user, "create", "review", review.id, booking.holder_id)
    session.commit()
    return review


def _tell(
    session: DbSession, booking: Booking, review: Review, theirs: Review | None, user: Any
) -> None:
    side = Side(review.side)
    if side is Side.REQUESTER:
        people = provider_people(session, booking)
        who = f"{booking.holder.name}'s side"
        what = f"reviewed your work on “{booking.description}”"
    else:
        people = people_to_tell(session, booking.holder_id)
        who = booking.provider_name
        what = f"reviewed working with you on “{booking.description}”"
    if theirs is None:
        shown_from = date_text((review.created_at + _blind_for()).date())
        kind = "review_waiting"
        text = (
            f"{who} {what}. You will see their review once you have written yours, "
            f"or from {shown_from}."
        )
    else:
        kind = "review_shown"
        text = f"{who} {what}. Both reviews can now be read."
    notify(
        session,
        people,
        kind=kind,
        text=text,
        endpoint="reviews.review",
        url_values={"booking_id": booking.id},
        skip=user,
    )


# --- what the public reads -------------------------------------------------------------------

_Columns = TypeVarTuple("_Columns")


def _public(columns: Select[*_Columns]) -> Select[*_Columns]:
    """``columns`` over the holder's sides' reviews of providers that are shown: the provider's
    side has written too, or the blind days have passed."""
    theirs = aliased(Review)
    return (
        columns.select_from(Review)
        .join(Booking, Booking.id == Review.booking_id)
        .outerjoin(
            theirs,
            and_(theirs.booking_id == Review.booking_id, theirs.side == Side.PROVIDER.value),
        )
        .where(
            Review.side == Side.REQUESTER.value,
            or_(theirs.id.is_not(None), Review.created_at <= utcnow() - _blind_for()),
        )
    )


def provider_reviews(
    session: DbSession,
    *,
    organisation_id: int | None = None,
    pa_profile_id: int | None = None,
    latest: int = LATEST_SHOWN,
) -> ProviderReviews:
    """The shown reviews of one organisation or personal assistant: their count and average,
    and the latest few, newest first."""
    if (organisation_id is None) == (pa_profile_id is None):
        raise ValueError("Give an organisation or a personal assistant")
    of_provider = (
        Booking.organisation_id == organisation_id
        if organisation_id is not None
        else Booking.pa_profile_id == pa_profile_id
    )
    count, stars = session.execute(
        _public(select(func.count(Review.id), func.coalesce(func.sum(Review.rating), 0))).where(
            of_provider
        )
    ).one()
    if not count:
        return ProviderReviews(None, [])
    rows = session.execute(
        _public(select(Review.rating, Review.body, Review.created_at))
        .where(of_provider)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(latest)
    )
    shown = [PublicReview(rating, body, written.date()) for rating, body, written in rows]
    return ProviderReviews(Rating(int(count), int(stars)), shown)


def ratings_of(session: DbSession, listings: Iterable[Listed]) -> dict[tuple[str, int], Rating]:
    """The rating of each listing that has shown reviews, by (kind, id), in one query: an
    organisation's or a personal assistant's own, and an offer's provider's. Listings with no
    shown review are left out."""
    wanted: dict[str, set[int]] = {"organisation": set(), "pa": set(), "offer": set()}
    for listing in listings:
        if listing.kind in wanted:
            wanted[listing.kind].add(listing.id)
    if not any(wanted.values()):
        return {}
    rated = _public(
        select(
            Booking.organisation_id.label("organisation_id"),
            Booking.pa_profile_id.label("pa_profile_id"),
            Review.rating,
        )
    ).cte("rated")
    parts: list[Select[*tuple[Any, ...]]] = []
    for kind, column in (("organisation", rated.c.organisation_id), ("pa", rated.c.pa_profile_id)):
        if wanted[kind]:
            parts.append(
                select(
                    literal_column(f"'{kind}'").label("kind"),
                    column.label("id"),
                    func.count(),
                    func.sum(rated.c.rating),
                )
                .where(column.in_(wanted[kind]))
                .group_by(column)
            )
    if wanted["offer"]:
        parts.append(
            select(literal_column("'offer'"), Offer.id, func.count(), func.sum(rated.c.rating))
            .join(
                rated,
                or_(
                    rated.c.organisation_id == Offer.organisation_id,
                    rated.c.pa_profile_id == Offer.pa_profile_id,
                ),
            )
            .where(Offer.id.in_(wanted["offer"]))
            .group_by(Offer.id)
        )
    query = parts[0] if len(parts) == 1 else union_all(*parts)
    return {
        (str(kind), int(listing_id)): Rating(int(count), int(stars))
        for kind, listing_id, count, stars in session.execute(query)
    }
