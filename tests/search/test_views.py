"""The search page: real listings from the factories, found through the real Whoosh index."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from marketplace.directory.models import ShortlistItem
from marketplace.extensions import db
from marketplace.permissions import Role
from marketplace.search.models import SearchLog
from tests.factories import make_offer, make_organisation, make_user
from tests.search.web_data import add_misspelt_listing, build_directory


def text_of(response) -> str:
    """The page's main content as plain text, whitespace collapsed."""
    html = response.get_data(as_text=True)
    main = re.search(r"<main.*?</main>", html, re.S)
    plain = re.sub(r"<[^>]+>", " ", main.group(0) if main else html)
    return " ".join(unescape(plain).split())


def results_heading(response) -> str:
    html = response.get_data(as_text=True)
    found = re.search(r'id="results">.*?<h2 class="govuk-heading-m">\s*(.*?)\s*</h2>', html, re.S)
    assert found, "no results heading"
    return " ".join(found.group(1).split())


@pytest.fixture
def directory(app_ctx):
    return build_directory()


def test_empty_search_lists_every_published_listing_of_every_kind(client, directory):
    response = client.get("/search")
    assert response.status_code == 200
    # Three offers, one PA, two organisations; never the draft.
    assert results_heading(response) == "6 results"
    page = text_of(response)
    for shown in ("Garden tidy-ups", "Day centre activities", "Asha K", "Green Fingers Leeds"):
        assert shown in page
    assert "Secret gardening club" not in page


def test_results_show_kind_link_provider_price_and_highlighted_snippet(client, directory):
    response = client.get("/search?q=weeding")
    html = response.get_data(as_text=True)
    assert results_heading(response) == "1 result"
    assert f'href="/offers/{directory.garden_offer.id}">Garden tidy-ups</a>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">Service</strong>' in html
    page = text_of(response)
    assert "Green Fingers Leeds \u2013 Gardening" in page
    assert "£15.00 per hour" in page
    assert "<mark>weeding</mark>" in html.lower()


def test_personal_assistants_and_organisations_link_to_their_own_pages(client, directory):
    html = client.get("/search?q=urdu").get_data(as_text=True)
    assert f'href="/pas/{directory.pa.id}"' in html and "Personal assistant</strong>" in html
    html = client.get("/search?q=enterprise&kind=organisation").get_data(as_text=True)
    assert f'href="/organisations/{directory.gardeners.id}"' in html


def test_each_filter_value_shows_how_many_results_it_would_give(client, directory):
    page = text_of(client.get("/search"))
    assert "Gardening (2)" in page  # the offer and its organisation
    assert "Service (3)" in page and "Personal assistant (1)" in page and "Organisation (2)" in page


def test_a_category_filter_narrows_the_results_and_stays_ticked(client, directory):
    response = client.get("/search?category=day-opportunities&kind=offer")
    assert results_heading(response) == "1 result"
    html = response.get_data(as_text=True)
    assert re.search(r'value="day-opportunities" checked', html)
    assert "Day centre activities" in text_of(response)
    assert "Garden tidy-ups" not in text_of(response)


def test_filters_in_use_can_each_be_removed_by_a_link(client, directory):
    html = client.get("/search?q=garden&kind=offer").get_data(as_text=True)
    assert 'href="/search?q=garden">remove' in html


def test_postcode_shows_distance_and_finds_what_serves_that_district(client, directory):
    response = client.get("/search?postcode=LS6+2AB&kind=offer&sort=distance")
    assert response.status_code == 200
    page = text_of(response)
    assert "km away" in page
    assert "Garden tidy-ups" in page and "Day centre activities" in page


def test_a_far_postcode_finds_only_online_support(client, directory):
    response = client.get("/search?postcode=TR1&kind=offer")
    page = text_of(response)
    assert results_heading(response) == "1 result"
    assert "Budget advice by phone" in page


def test_unknown_postcode_is_shown_as_an_error_beside_the_field_with_status_400(client, directory):
    response = client.get("/search?q=garden&postcode=ZZ99+9ZZ")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and 'href="#postcode"' in html
    assert "<title>Error:" in html
    assert 'id="postcode-error"' in html
    assert 'value="ZZ99 9ZZ"' in html  # what they typed is kept


def test_every_refused_parameter_is_listed_in_the_error_summary(client, app_ctx):
    response = client.get("/search?kind=shops&radius_km=5&per_page=1000&day=funday")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for anchor in ("#kind", "#radius_km", "#day"):
        assert f'href="{anchor}"' in html
    assert "from 1 to 100" in html


def test_page_beyond_the_last_is_not_found(client, directory):
    assert client.get("/search?per_page=5&page=2").status_code == 200
    response = client.get("/search?per_page=5&page=3")
    assert response.status_code == 404
    assert "There is no page 3" in text_of(response)


def test_pagination_links_keep_the_search(client, directory):
    html = client.get("/search?q=&kind=offer&per_page=2").get_data(as_text=True)
    assert "govuk-pagination" in html
    assert 'href="/search?q=&amp;kind=offer&amp;per_page=2&amp;page=2"' in html


def test_nothing_found_says_which_filter_narrowed_it_and_what_dropping_it_gives(client, directory):
    response = client.get("/search?q=garden&delivery=online")
    assert results_heading(response) == "No results"
    page = text_of(response)
    assert "Nothing matched “garden” with this filter." in page
    # Without the delivery filter: the garden offer and the organisation that sells it.
    assert "Search without “Where the support happens: Online or by phone” (2 results)" in page
    html = response.get_data(as_text=True)
    assert 'href="/search?q=garden"' in html


def test_nothing_found_far_away_offers_the_search_without_the_postcode(client, directory):
    response = client.get("/search?q=garden&postcode=TR1")
    page = text_of(response)
    assert results_heading(response) == "No results"
    assert "Search without “Within 10 km of TR1”" in page


def test_rare_misspelling_offers_did_you_mean_linking_to_the_same_search(client, directory):
    add_misspelt_listing()
    response = client.get("/search?q=gardning&postcode=LS6")
    assert "Allotment mornings" in text_of(response)  # the listing with the typo is still found
    html = response.get_data(as_text=True)
    match = re.search(r'Did you mean <a class="govuk-link" href="([^"]+)">([^<]+)</a>\?', html)
    assert match, text_of(response)
    href, suggestion = unescape(match.group(1)), match.group(2)
    assert suggestion == "gardening"
    assert href == "/search?postcode=LS6&q=gardening"
    assert "Garden tidy-ups" in text_of(client.get(href))


def test_unknown_word_is_corrected_and_says_what_was_searched_for(client, directory):
    response = client.get("/search?q=weding")
    html = response.get_data(as_text=True)
    assert "Showing results for <strong>weeding</strong>." in html
    assert "Did you mean" not in html  # the results already are for the better spelling
    assert "Garden tidy-ups" in text_of(response)


def test_listing_text_is_escaped_but_highlights_are_marked(client, app_ctx):
    organisation = make_organisation(name="Safe <b>Org</b>")
    make_offer(
        organisation,
        title="Tea <script>alert(1)</script> club",
        description="Tea and <i>cake</i> with friends",
    )
    html = client.get("/search?q=cake").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<i>cake</i>" not in html and "<mark>cake</mark>" in html


def test_search_text_is_escaped_in_the_page(client, app_ctx):
    html = client.get('/search?q=<script>alert("x")</script>').get_data(as_text=True)
    assert "<script>alert(" not in html


@pytest.mark.parametrize(
    "query",
    [
        "q=%22unclosed",
        "q=AND+OR+NOT",
        "q=title:garden",
        "q=garden*",
        "q=(((",
        "q=~~~",
        "q=%E2%80%9Csmart+quotes%E2%80%9D",
        "q=caf%C3%A9+%F0%9F%8C%BB",
        "q=%00",
        "q=a",
        "page=99999999999",
        "per_page=-1",
        "max_price_pence=99999999999999999999",
        "radius_km=1e309&postcode=LS6",
        "postcode=" + "A" * 500,
        "council=" + "%FF" * 20,
        "category=%00",
    ],
)
def test_odd_input_never_breaks_the_page(client, directory, query):
    response = client.get(f"/search?{query}")
    assert response.status_code in {200, 400, 404}


# --- the search log --------------------------------------------------------------------------


def test_every_search_is_logged_with_text_filters_area_and_count(client, directory):
    client.get("/search?q=Garden&postcode=LS6+2AB&category=gardening")
    log = db.session.scalars(select(SearchLog)).one()
    assert log.query_text == "Garden"
    assert log.filters == {"postcode": "LS6", "radius_km": 10, "category": ["gardening"]}
    assert (log.district, log.council_id, log.source) == ("LS6", directory.leeds.id, "page")
    assert log.result_count == 2
    assert log.took_ms >= 0


def test_zero_result_searches_can_be_found_in_the_log(client, directory):
    client.get("/search?q=hydrotherapy+pool")
    client.get("/search?q=garden")
    misses = db.session.scalars(select(SearchLog).where(SearchLog.result_count == 0)).all()
    assert [m.query_text for m in misses] == ["hydrotherapy pool"]


def test_refused_searches_are_not_logged(client, app_ctx):
    client.get("/search?postcode=nowhere")
    assert db.session.scalars(select(SearchLog)).all() == []


# --- shortlist and navigation ----------------------------------------------------------------


def test_shortlist_buttons_only_for_people_who_keep_a_shortlist(client, directory, sign_in_as):
    assert "Shortlist" not in text_of(client.get("/search?q=garden"))
    sign_in_as(make_user(Role.PROVIDER_ADMIN))
    assert "Shortlist Garden tidy-ups" not in text_of(client.get("/search?q=garden"))


def test_shortlisting_from_the_results_comes_back_to_the_same_search(client, directory, sign_in_as):
    holder = make_user(Role.HOLDER)
    sign_in_as(holder)
    html = client.get("/search?q=garden&kind=offer").get_data(as_text=True)
    action = f"/shortlist/offers/{directory.garden_offer.id}"
    assert f'action="{action}"' in html
    assert 'name="next" value="/search?q=garden&amp;kind=offer"' in html
    response = client.post(action, data={"next": "/search?q=garden&kind=offer"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/search?q=garden&kind=offer"
    assert "Added to your shortlist." in text_of(client.get(response.headers["Location"]))
    saved = db.session.scalars(select(ShortlistItem).where(ShortlistItem.user_id == holder.id))
    assert [item.offer_id for item in saved] == [directory.garden_offer.id]


def test_shortlisting_never_redirects_to_another_site(client, directory, sign_in_as):
    sign_in_as(make_user(Role.HOLDER))
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post(f"/shortlist/pas/{directory.pa.id}", data={"next": target})
        assert response.headers["Location"] == f"/pas/{directory.pa.id}"


def test_search_is_first_in_the_navigation_and_on_the_home_page(client, app_ctx):
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', html, re.S)
    assert nav and re.findall(r'href="([^"]+)"', nav.group(0))[0] == "/search"
    assert re.search(r'<form method="get" action="/search"', html)
    assert 'name="q"' in html
