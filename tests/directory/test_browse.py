"""Browsing the published directory by kind, category and council area, a page at a time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.directory.helpers import page_text, result_titles
from tests.factories import make_council, make_offer, make_organisation, make_pa, make_user


@pytest.fixture
def small_pages(app: Flask) -> Iterator[None]:
    before = app.config["PAGE_SIZE"]
    app.config["PAGE_SIZE"] = 2
    yield
    app.config["PAGE_SIZE"] = before


def test_offers_are_listed_by_title_with_provider_price_category_and_area(client, session):
    make_council()
    org = make_organisation(name="Helping Hands Leeds")
    make_offer(org, title="Bravo home care", price_pence=2250, price_unit="hour")
    make_offer(
        org, title="alpha gardening", category="gardening", price_pence=1500, price_unit="visit"
    )
    make_offer(org, title="Charlie lunch club", category="meals", price_pence=0, price_unit="free")

    response = client.get("/browse")

    assert response.status_code == 200
    assert result_titles(response) == ["alpha gardening", "Bravo home care", "Charlie lunch club"]
    text = page_text(response)
    assert "Browse by category and area" in text
    assert "3 results" in text
    assert "Helping Hands Leeds" in text
    assert "£22.50 per hour" in text
    assert "£15.00 per visit" in text
    assert "Free" in text
    assert "Gardening" in text
    assert "Leeds City Council" in text


def test_equal_titles_are_ordered_by_id(client, session):
    org = make_organisation()
    first = make_offer(org, title="Same title", description="first one")
    second = make_offer(org, title="Same title", description="second one")

    text = page_text(client.get("/browse"))

    assert first.id < second.id
    assert text.index("first one") < text.index("second one")


def test_only_published_offers_of_published_owners_are_listed(client, session):
    published_org = make_organisation()
    suspended_org = make_organisation(status="suspended")
    make_offer(published_org, title="Shown offer")
    make_offer(published_org, title="Draft offer", status="draft")
    make_offer(published_org, title="Pending offer", status="pending")
    make_offer(suspended_org, title="Offer of a suspended provider")
    make_offer(
        pa_profile=make_pa(status="draft"),
        title="Offer of a draft PA",
        category="personal-assistant",
    )
    make_offer(pa_profile=make_pa(), title="Offer of a published PA", category="personal-assistant")

    response = client.get("/browse?kind=offer")

    assert result_titles(response) == ["Offer of a published PA", "Shown offer"]


def test_category_filter_shows_only_that_category(client, session):
    org = make_organisation()
    make_offer(org, title="Gardening help", category="gardening")
    make_offer(org, title="Home care", category="personal-care")

    response = client.get("/browse?category=gardening")

    assert response.status_code == 200
    assert result_titles(response) == ["Gardening help"]
    assert "1 result" in page_text(response)


def test_council_filter_uses_the_areas_listings_serve(client, session):
    make_council()  # Leeds: LS1, LS2, LS6, LS7
    make_council(code="E08000036", name="Wakefield Council", districts=("WF1", "WF2"))
    leeds_org = make_organisation(service_districts=["LS6"])
    wakefield_org = make_organisation(
        base_postcode="WF1 1AA", base_district="WF1", service_districts=["WF1", "WF2"]
    )
    make_offer(leeds_org, title="Leeds visits")
    make_offer(wakefield_org, title="Wakefield visits")

    leeds = client.get("/browse?council=E08000035")
    wakefield = client.get("/browse?council=E08000036")

    assert result_titles(leeds) == ["Leeds visits"]
    assert result_titles(wakefield) == ["Wakefield visits"]
    assert "in Wakefield Council" in page_text(wakefield)


def test_personal_assistants_and_organisations_can_be_browsed(client, session):
    make_council()
    make_pa(make_user("pa", name="Zoe Carer"))
    make_pa(make_user("pa", name="Hidden Draft"), status="draft")
    make_organisation(name="Acme Care")
    make_organisation(name="Pending Org", status="pending")

    pas = client.get("/browse?kind=pa")
    organisations = client.get("/browse?kind=organisation")

    assert result_titles(pas) == ["Zoe Carer"]
    assert "£16.50 per hour" in page_text(pas)
    assert result_titles(organisations) == ["Acme Care"]
    assert "Private company" in page_text(organisations)


def test_results_come_a_page_at_a_time_and_links_keep_the_filters(client, session, small_pages):
    org = make_organisation()
    for letter in "ABCDE":
        make_offer(org, title=f"Garden {letter}", category="gardening")
    make_offer(org, title="Not a garden", category="meals")

    first = client.get("/browse?category=gardening")
    second = client.get("/browse?category=gardening&page=2")
    last = client.get("/browse?category=gardening&page=3")

    assert result_titles(first) == ["Garden A", "Garden B"]
    assert result_titles(second) == ["Garden C", "Garden D"]
    assert result_titles(last) == ["Garden E"]
    text = page_text(first)
    assert "5 results" in text
    assert "Showing 1 to 2 of 5" in text
    assert 'href="/browse?category=gardening&amp;page=2"' in text
    assert 'rel="next"' in text
    assert "page 2 of 3" in page_text(second)
    # Page 1's link drops the page parameter but keeps the filter.
    assert 'href="/browse?category=gardening" rel="prev"' in page_text(second)


@pytest.mark.parametrize("page", ["4", "0", "-1", "two", "99999999999"])
def test_a_page_that_does_not_exist_is_not_found(client, session, small_pages, page):
    org = make_organisation()
    for letter in "ABCDE":
        make_offer(org, title=f"Offer {letter}")

    assert client.get(f"/browse?page={page}").status_code == 404


def test_an_empty_directory_has_a_first_page_but_no_second(client, session):
    first = client.get("/browse")

    assert first.status_code == 200
    assert "No results" in page_text(first)
    assert client.get("/browse?page=2").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("category=underwater-basket-weaving", "We do not know that category"),
        ("council=E99999999", "We do not know that council area"),
        ("kind=spaceship", "Choose what to show from the list"),
    ],
)
def test_unknown_filters_are_refused_with_a_message(client, session, query, message):
    make_council()

    response = client.get(f"/browse?{query}")

    assert response.status_code == 400
    text = page_text(response)
    assert "There is a problem" in text
    assert message in text
