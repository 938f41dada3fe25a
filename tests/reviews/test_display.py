"""Reviews where the public reads them: the organisation's and the personal assistant's profile
(average, count, the latest few with their date, never a name) and each search result's
"★ 4.5 (2 reviews)", found for the whole page in one query. Hidden reviews are in neither; the
provider's review of the holder's side is never public."""

from __future__ import annotations

import re
from datetime import timedelta

from marketplace.clock import date_text
from marketplace.clock import today as clock_today
from tests.conftest import statements_run
from tests.quotes.pages import client_for, page_text, text, words_of
from tests.reviews.world import (
    aged,
    delivered,
    delivered_by_offer,
    make_booking_world,
    pa_offer,
    review,
)

PUBLIC_NAMES = ("Ada Holder", "Bea Broker", "Rita Rep", "Alan Aire")


def _reviews_section(response) -> str:
    """The words of a profile's reviews, from its heading to the next section's."""
    found = re.search(r'<h2 class="govuk-heading-m" id="reviews">.*?(?=<h2)', text(response), re.S)
    assert found, "no reviews section"
    return words_of(found.group(0))


def _card(response, href: str) -> str:
    """The words of the search result that links to ``href``."""
    cards = re.findall(r"<li>\s*<strong class=\"govuk-tag.*?</li>", text(response), re.S)
    found = [card for card in cards if f'href="{href}"' in card]
    assert len(found) == 1, href
    return words_of(found[0])


def _rated_aire(w) -> None:
    """Aire: two shown reviews (5 and 4 stars: the provider answered one, the other is old)
    and one still hidden (1 star, written today, unanswered)."""
    first = delivered_by_offer(w, w.aire_offer, w.aire_staff)
    review(w.holder, first, 5, "Wonderful, patient carers.")
    review(w.aire_staff, first, 1, "The household was difficult to work with.")
    old = review(w.broker, delivered_by_offer(w, w.aire_offer, w.aire_staff), 4, "Mostly on time.")
    aged(old, 20)
    review(w.holder, delivered_by_offer(w, w.aire_offer, w.aire_staff), 1, "Never came back.")


def test_a_profile_shows_no_reviews_until_one_is_shown(app, session):
    w = make_booking_world()
    booking = delivered(w)
    review(w.holder, booking, 2, "Hidden words.")
    response = client_for(app).get(f"/organisations/{w.aire.id}")
    assert response.status_code == 200
    assert _reviews_section(response) == "Reviews No reviews yet."
    assert "Hidden words" not in page_text(response)


def test_an_organisations_profile_shows_its_shown_reviews_without_names(app, session):
    w = make_booking_world()
    _rated_aire(w)
    response = client_for(app).get(f"/organisations/{w.aire.id}")
    section = _reviews_section(response)
    assert section.startswith("Reviews ★ Rated 4.5 out of 5 (2 reviews) Written by people")
    today, older = date_text(clock_today()), date_text(clock_today() - timedelta(days=20))
    assert (
        f"★★★★★ 5 out of 5 stars Wonderful, patient carers. A person using the service, {today}"
        in section
    )
    assert f"★★★★☆ 4 out of 5 stars Mostly on time. A person using the service, {older}" in section
    assert "Never came back" not in section  # hidden: unanswered, written today
    assert "difficult to work with" not in page_text(response)  # the provider's: never public
    for name in PUBLIC_NAMES:
        assert name not in section


def test_a_personal_assistants_profile_shows_their_reviews(app, session):
    w = make_booking_world()
    booking = delivered_by_offer(w, pa_offer(w), w.pa_user)
    review(w.holder, booking, 3, "Good company, sometimes late.")
    review(w.pa_user, booking, 5, "Lovely family.")
    response = client_for(app).get(f"/pas/{w.pa.id}")
    section = _reviews_section(response)
    assert section.startswith("Reviews ★ Rated 3.0 out of 5 (1 review)")
    assert "Good company, sometimes late. A person using the service" in section
    assert "Lovely family" not in page_text(response)
    for name in PUBLIC_NAMES:
        assert name not in section


def test_each_search_result_shows_its_providers_rating(app, session):
    w = make_booking_world()
    _rated_aire(w)
    response = client_for(app).get("/search")
    assert response.status_code == 200
    rated = "★ Rated 4.5 out of 5 (2 reviews)"
    assert rated in _card(response, f"/organisations/{w.aire.id}")
    assert rated in _card(response, f"/offers/{w.aire_offer.id}")
    for href in (f"/organisations/{w.kirk.id}", f"/offers/{w.kirk_offer.id}", f"/pas/{w.pa.id}"):
        assert "★" not in _card(response, href)
    assert (
        '<span aria-hidden="true">★</span> <span class="govuk-visually-hidden">Rated </span>4.5'
        in text(response)
    )


def test_search_results_hide_a_review_until_it_is_shown(app, session):
    w = make_booking_world()
    booking = delivered_by_offer(w, pa_offer(w), w.pa_user)
    lone = review(w.holder, booking, 2, "Hidden for now.")
    assert "★" not in _card(client_for(app).get("/search"), f"/pas/{w.pa.id}")
    aged(lone, 14.1)
    card = _card(client_for(app).get("/search"), f"/pas/{w.pa.id}")
    assert "★ Rated 2.0 out of 5 (1 review)" in card


def test_the_search_page_reads_every_results_rating_in_one_query(app, session):
    w = make_booking_world()
    _rated_aire(w)
    client = client_for(app)
    with statements_run() as seen:
        response = client.get("/search")
    shown = re.findall(r"<li>\s*<strong class=\"govuk-tag", text(response))
    assert len(shown) >= 5  # the organisations, their offers and the PA
    assert len([s for s in seen if "reviews" in s.lower()]) == 1
