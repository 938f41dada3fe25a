"""Writing reviews: who writes which, when (a session delivered and confirmed), one per side,
the rating and words refused with nothing written; the blind rule both ways, and the days after
which a lone review is shown; what the public reads (only the holder's sides' reviews of
providers, in sum and by the latest) and the search results' ratings in one query."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.audit.models import AuditEvent
from marketplace.bookings import sessions
from marketplace.errors import Conflict, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.reviews import services
from marketplace.reviews.models import Review
from marketplace.reviews.services import (
    NOT_DELIVERED_YET,
    REVIEWED_ALREADY,
    Rating,
    ReviewInput,
    booking_reviews,
    provider_reviews,
    ratings_of,
    write_review,
)
from tests.conftest import statements_run
from tests.racing import race
from tests.reviews.world import (
    aged,
    booked_today,
    delivered,
    delivered_by_offer,
    make_booking_world,
    pa_offer,
    review,
    written,
)


def _told(kind: str) -> dict[int, str]:
    db.session.expire_all()
    found = db.session.scalars(select(Notification).where(Notification.kind == kind))
    return {n.user_id: n.text for n in found}


# --- who writes, and when -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["holder", "representative", "broker"])
def test_the_holders_side_reviews_the_provider(session, who):
    w = make_booking_world()
    booking = delivered(w)
    made = review(getattr(w, who), booking, 5, "  Always on time and kind.  ")
    assert (made.side, made.rating, made.body) == ("requester", 5, "Always on time and kind.")
    assert made.author_id == getattr(w, who).id and made.booking_id == booking.id
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "review"))
    assert [(e.action, e.subject_id, e.holder_id) for e in audit] == [
        ("create", made.id, w.holder.id)
    ]


def test_the_providers_side_reviews_the_working_relationship(session):
    w = make_booking_world()
    booking = delivered(w)
    made = review(w.aire_staff, booking, 3, "Good to work with; the key safe was often locked.")
    assert (made.side, made.author_id) == ("provider", w.aire_staff.id)


def test_a_pa_reviews_their_booking(session):
    w = make_booking_world()
    booking = delivered_by_offer(w, pa_offer(w), w.pa_user)
    assert review(w.pa_user, booking, 4).side == "provider"
    assert review(w.holder, booking, 5).side == "requester"


def test_the_first_review_tells_the_other_side_one_waits_for_theirs(session):
    w = make_booking_world()
    booking = delivered(w)
    review(w.broker, booking)
    shown_from = (
        f"{(date.today() + timedelta(days=14)).day} {date.today() + timedelta(days=14):%B %Y}"
    )
    told = _told("review_waiting")
    assert set(told) == {w.aire_staff.id}
    assert told[w.aire_staff.id] == (
        "Ada Holder's side reviewed your work on “Help getting up each morning”. You will see "
        f"their review once you have written yours, or from {shown_from}."
    )
    link = db.session.scalar(select(Notification.link).where(Notification.kind == "review_waiting"))
    assert link == f"/bookings/{booking.id}/review"


def test_the_providers_review_tells_the_holders_side_and_the_second_tells_the_first(session):
    w = make_booking_world()
    booking = delivered(w)
    review(w.aire_staff, booking)
    # The holder, the representative and the broker; never the writer.
    assert set(_told("review_waiting")) == {w.holder.id, w.representative.id, w.broker.id}
    review(w.representative, booking)
    told = _told("review_shown")
    assert set(told) == {w.aire_staff.id}
    assert told[w.aire_staff.id].endswith("Both reviews can now be read.")


def test_a_booking_with_no_session_confirmed_cannot_be_reviewed(session):
    w = make_booking_world()
    booking = booked_today(w)
    before = written()
    for who in (w.holder, w.aire_staff):
        with pytest.raises(Conflict) as refused:
            review(who, booking)
        assert refused.value.message == NOT_DELIVERED_YET and refused.value.status_code == 409
    assert written() == before
    # Delivered but not yet confirmed (the holder's side is told so): still not.
    sessions.deliver(db.session, w.aire_staff, booking.sessions[0].id)
    before = written()
    with pytest.raises(Conflict):
        review(w.holder, booking)
    assert written() == before


def test_each_side_writes_one_review(session):
    w = make_booking_world()
    booking = delivered(w)
    review(w.broker, booking)
    review(w.aire_staff, booking)
    before = written()
    for who in (w.holder, w.representative, w.aire_staff):
        with pytest.raises(Conflict) as refused:
            review(who, booking, 1, "Changed my mind.")
        assert refused.value.message == REVIEWED_ALREADY
    assert written() == before


def test_the_database_refuses_a_second_review_of_one_side(session):
    w = make_booking_world()
    booking = delivered(w)
    review(w.broker, booking)
    db.session.add(Review(booking_id=booking.id, side="requester", rating=2, body="Again"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_people_of_one_side_writing_at_once_write_one_review(app, session):
    w = make_booking_world()
    booking = delivered(w)
    people = [w.holder, w.representative, w.broker] * 2

    def writer(person):
        return lambda s: write_review(s, person, booking.id, ReviewInput(4, "At once."))

    assert race(app, [writer(person) for person in people]) == ["conflict"] * 5 + ["ok"]
    db.session.expire_all()
    assert written()[0] == 1


@pytest.mark.parametrize("who", ["stranger_broker", "other_holder", "kirk_staff", "pa_user"])
def test_someone_elses_booking_is_not_found(session, who):
    w = make_booking_world()
    booking = delivered(w)
    before = written()
    with pytest.raises(NotFound):
        review(getattr(w, who), booking)
    with pytest.raises(NotFound):
        booking_reviews(db.session, getattr(w, who), booking.id)
    with pytest.raises(NotFound):
        review(w.holder, SimpleNamespace(id=999999))
    assert written() == before


@pytest.mark.parametrize("rating", [None, 0, 6, -1, 50])
def test_a_rating_that_is_not_one_to_five_stars_is_refused(session, rating):
    w = make_booking_world()
    booking = delivered(w)
    before = written()
    with pytest.raises(ValidationFailed) as refused:
        write_review(db.session, w.holder, booking.id, ReviewInput(rating, "Fine."))
    assert refused.value.errors == {"rating": "Choose a rating from 1 to 5 stars"}
    assert refused.value.status_code == 400
    assert written() == before


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write your review"),
        (" \r\n\t ", "Write your review"),
        ("x" * 2001, "Your review must be 2,000 characters or fewer"),
    ],
)
def test_missing_or_overlong_words_are_refused(session, body, error):
    w = make_booking_world()
    booking = delivered(w)
    before = written()
    with pytest.raises(ValidationFailed) as refused:
        write_review(db.session, w.aire_staff, booking.id, ReviewInput(None, body))
    assert refused.value.errors == {"rating": "Choose a rating from 1 to 5 stars", "body": error}
    assert written() == before


def test_two_thousand_characters_are_accepted_counting_each_line_end_once(session):
    w = make_booking_world()
    booking = delivered(w)
    assert len(review(w.holder, booking, 3, "x" * 2000).body) == 2000
    # 1,000 lines sent with browsers' CRLF line ends: 1,999 characters once stored.
    made = review(w.aire_staff, booking, 3, "x\r\n" * 1000)
    assert made.body == "\n".join(["x"] * 1000)


# --- the blind rule --------------------------------------------------------------------------------


def test_the_holders_review_is_hidden_from_the_provider_and_the_public_until_theirs(session):
    w = make_booking_world()
    booking = delivered(w)
    ours = review(w.broker, booking, 5, "Brilliant.")
    holder_view = booking_reviews(db.session, w.holder, booking.id)
    assert holder_view.ours.id == ours.id and holder_view.theirs is None
    assert holder_view.ours_shown_from == date.today() + timedelta(days=14)
    provider_view = booking_reviews(db.session, w.aire_staff, booking.id)
    assert provider_view.theirs is None and provider_view.theirs_written
    assert provider_view.theirs_shown_from == date.today() + timedelta(days=14)
    assert provider_view.may_write
    assert provider_reviews(db.session, organisation_id=w.aire.id).rating is None

    theirs = review(w.aire_staff, booking, 2, "Often not ready.")
    provider_view = booking_reviews(db.session, w.aire_staff, booking.id)
    assert provider_view.theirs.id == ours.id and not provider_view.may_write
    holder_view = booking_reviews(db.session, w.holder, booking.id)
    assert holder_view.theirs.id == theirs.id and holder_view.ours_shown_from is None
    assert provider_reviews(db.session, organisation_id=w.aire.id).rating == Rating(1, 5)


def test_the_providers_review_is_hidden_from_the_holders_side_until_theirs(session):
    w = make_booking_world()
    booking = delivered(w)
    theirs = review(w.aire_staff, booking, 4, "Welcoming household.")
    for who in (w.holder, w.representative, w.broker):
        view = booking_reviews(db.session, who, booking.id)
        assert view.theirs is None and view.theirs_written and view.ours is None
    review(w.holder, booking, 4)
    assert booking_reviews(db.session, w.broker, booking.id).theirs.id == theirs.id


def test_a_lone_review_is_shown_once_fourteen_days_have_passed(session):
    w = make_booking_world()
    booking = delivered(w)
    ours = review(w.holder, booking, 4, "Reliable.")
    aged(ours, 13.9)
    assert booking_reviews(db.session, w.aire_staff, booking.id).theirs is None
    assert provider_reviews(db.session, organisation_id=w.aire.id).rating is None
    aged(ours, 0.2)  # 14.1 days
    assert booking_reviews(db.session, w.aire_staff, booking.id).theirs.id == ours.id
    assert booking_reviews(db.session, w.holder, booking.id).ours_shown_from is None
    assert provider_reviews(db.session, organisation_id=w.aire.id).rating == Rating(1, 4)


def test_the_providers_lone_review_is_shown_to_the_holders_side_after_the_days(session):
    w = make_booking_world()
    booking = delivered(w)
    theirs = review(w.aire_staff, booking, 3, "Fine.")
    aged(theirs, 14.1)
    assert booking_reviews(db.session, w.holder, booking.id).theirs.id == theirs.id


def test_the_blind_days_are_a_setting(app, session):
    w = make_booking_world()
    booking = delivered(w)
    ours = review(w.holder, booking, 4)
    aged(ours, 3.1)
    assert booking_reviews(db.session, w.aire_staff, booking.id).theirs is None
    app.config["REVIEW_BLIND_DAYS"] = 3
    try:
        assert booking_reviews(db.session, w.aire_staff, booking.id).theirs.id == ours.id
        assert provider_reviews(db.session, organisation_id=w.aire.id).rating == Rating(1, 4)
    finally:
        app.config["REVIEW_BLIND_DAYS"] = 14


# --- what the public reads -------------------------------------------------------------------------


def test_the_public_reads_only_reviews_of_the_provider_without_names(session):
    w = make_booking_world()
    booking = delivered(w)
    review(w.aire_staff, booking, 1, "The household was difficult.")
    review(w.broker, booking, 5, "Wonderful carers.")
    shown = provider_reviews(db.session, organisation_id=w.aire.id)
    assert shown.rating == Rating(1, 5)
    assert [(r.rating, r.body, r.written_on) for r in shown.latest] == [
        (5, "Wonderful carers.", date.today())
    ]
    assert not hasattr(shown.latest[0], "author_id")
    assert provider_reviews(db.session, organisation_id=w.kirk.id) == services.ProviderReviews(
        None, []
    )


def test_a_profile_shows_the_latest_few_newest_first_and_the_average_of_all(session):
    w = make_booking_world()
    stars = [5, 4, 4, 3, 5, 2, 4]
    for n, rating in enumerate(stars):
        booking = delivered_by_offer(w, w.aire_offer, w.aire_staff)
        made = review(w.holder, booking, rating, f"Review {n}")
        aged(made, 20 + len(stars) - n)  # each older than the blind days; the last newest
    shown = provider_reviews(db.session, organisation_id=w.aire.id, latest=3)
    assert shown.rating == Rating(7, 27) and shown.rating.average_text == "3.9"
    assert [r.body for r in shown.latest] == ["Review 6", "Review 5", "Review 4"]


def test_pa_reviews_belong_to_the_pa_and_organisations_to_the_organisation(session):
    w = make_booking_world()
    by_pa = delivered_by_offer(w, pa_offer(w), w.pa_user)
    review(w.holder, by_pa, 2)
    review(w.pa_user, by_pa, 5)
    assert provider_reviews(db.session, pa_profile_id=w.pa.id).rating == Rating(1, 2)
    assert provider_reviews(db.session, organisation_id=w.aire.id).rating is None
    with pytest.raises(ValueError):
        provider_reviews(db.session)


@pytest.mark.parametrize(
    ("count", "stars", "shown"),
    [(1, 5, "5.0"), (2, 9, "4.5"), (3, 13, "4.3"), (8, 30, "3.8"), (6, 23, "3.8"), (3, 3, "1.0")],
)
def test_the_average_is_shown_to_one_place_halves_rounded_up(count, stars, shown):
    assert Rating(count, stars).average_text == shown


def test_search_results_get_their_ratings_in_one_query(session):
    w = make_booking_world()
    for rating in (5, 4):
        ours = review(w.holder, delivered_by_offer(w, w.aire_offer, w.aire_staff), rating)
        aged(ours, 15)
    review(w.holder, delivered_by_offer(w, w.aire_offer, w.aire_staff), 1)  # still hidden
    sitting = pa_offer(w)
    both = delivered_by_offer(w, sitting, w.pa_user)
    review(w.holder, both, 3)
    review(w.pa_user, both, 5)

    class Hit:
        def __init__(self, kind, id):
            self.kind, self.id = kind, id

    hits = [
        Hit("organisation", w.aire.id),
        Hit("offer", w.aire_offer.id),
        Hit("pa", w.pa.id),
        Hit("offer", sitting.id),
        Hit("organisation", w.kirk.id),
        Hit("offer", w.kirk_offer.id),
    ]
    with statements_run() as seen:
        found = ratings_of(db.session, hits)
    assert len(seen) == 1
    assert found == {
        ("organisation", w.aire.id): Rating(2, 9),
        ("offer", w.aire_offer.id): Rating(2, 9),
        ("pa", w.pa.id): Rating(1, 3),
        ("offer", sitting.id): Rating(1, 3),
    }
    assert found[("organisation", w.aire.id)].average_text == "4.5"
    # Each kind alone is one query too, and a page with no results asks nothing.
    assert ratings_of(db.session, hits[2:3]) == {("pa", w.pa.id): Rating(1, 3)}
    with statements_run() as seen:
        assert ratings_of(db.session, []) == {}
    assert seen == []
