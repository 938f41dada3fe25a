"""The JSON API: /api/v1/search and the public records of offers, PAs and organisations."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.permissions import Role
from marketplace.search.models import SearchLog
from tests.factories import make_offer, make_organisation, make_pa, make_user
from tests.search.web_data import build_directory, expire_check

RESULT_KEYS = {
    "id",
    "kind",
    "title",
    "provider",
    "category",
    "price_pence",
    "unit",
    "distance_km",
    "snippet",
    "url",
}


@pytest.fixture
def directory(app_ctx):
    return build_directory()


def facet(body: dict, name: str) -> dict[str, int]:
    return {f["value"]: f["count"] for f in body["facets"][name]}


def test_search_answers_exactly_the_documented_shape(client, directory):
    response = client.get("/api/v1/search?q=garden")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"total", "page", "per_page", "results", "facets", "suggestion"}
    assert (body["total"], body["page"], body["per_page"]) == (2, 1, 20)
    for result in body["results"]:
        assert set(result) == RESULT_KEYS
    offer = next(r for r in body["results"] if r["kind"] == "offer")
    assert offer == {
        "id": directory.garden_offer.id,
        "kind": "offer",
        "title": "Garden tidy-ups",
        "provider": "Green Fingers Leeds",
        "category": "gardening",
        "price_pence": 1500,
        "unit": "hour",
        "distance_km": None,
        "snippet": offer["snippet"],
        "url": f"http://localhost/offers/{directory.garden_offer.id}",
    }
    assert "<mark>" in offer["snippet"].lower()
    for name, counts in body["facets"].items():
        for entry in counts:
            assert set(entry) == {"value", "label", "count"}, name
    assert {"value": "gardening", "label": "Gardening", "count": 2} in body["facets"]["category"]


def test_facet_counts_ignore_their_own_filter_but_obey_the_others(client, directory):
    body = client.get("/api/v1/search?category=gardening&kind=offer").get_json()
    assert body["total"] == 1
    # The category facet counts offers of every category (its own filter left out) …
    assert facet(body, "category")["day-opportunities"] == 1
    assert facet(body, "category")["gardening"] == 1
    # … and the kind facet counts gardening listings of every kind.
    assert facet(body, "kind") == {"offer": 1, "organisation": 1}


def test_labels_come_from_the_vocabularies(client, directory):
    body = client.get("/api/v1/search").get_json()
    labels = {(name, f["value"]): f["label"] for name, fs in body["facets"].items() for f in fs}
    assert labels[("kind", "pa")] == "Personal assistant"
    assert labels[("language", "ur")] == "Urdu"
    assert labels[("pa_check", "dbs")] == "Enhanced DBS check"
    assert labels[("delivery", "online")] == "Online or by phone"


def test_postcode_gives_distances_in_km(client, directory):
    body = client.get("/api/v1/search?postcode=LS6+2AB&kind=offer&sort=distance").get_json()
    distances = {r["title"]: r["distance_km"] for r in body["results"]}
    assert distances["Day centre activities"] == 0.0
    assert distances["Garden tidy-ups"] == 0.0  # measured from the provider's base, LS6
    measured = [r["distance_km"] for r in body["results"] if r["distance_km"] is not None]
    assert measured == sorted(measured)


def test_online_only_offers_match_anywhere_with_no_distance(client, directory):
    body = client.get("/api/v1/search?postcode=TR1&kind=offer").get_json()
    assert [(r["title"], r["distance_km"]) for r in body["results"]] == [
        ("Budget advice by phone", None)
    ]


def test_pages_and_page_size(client, directory):
    first = client.get("/api/v1/search?per_page=4").get_json()
    second = client.get("/api/v1/search?per_page=4&page=2").get_json()
    assert (first["total"], len(first["results"]), len(second["results"])) == (6, 4, 2)
    ids = {(r["kind"], r["id"]) for r in first["results"] + second["results"]}
    assert len(ids) == 6


def test_page_beyond_the_last_is_a_json_404(client, directory):
    response = client.get("/api/v1/search?per_page=4&page=3")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("kind=shop", ["kind"]),
        ("postcode=ZZ99+9ZZ", ["postcode"]),
        ("radius_km=5", ["radius_km"]),
        ("max_price_pence=12.50", ["max_price_pence"]),
        ("sort=distance", ["sort"]),
        ("per_page=0&page=0", ["page", "per_page"]),
        ("free=yes&vacancies=1", ["free", "vacancies"]),
    ],
)
def test_bad_parameters_are_a_400_naming_each_parameter(client, app_ctx, query, names):
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter"
    for name in names:
        assert f"{name}:" in error["message"]


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "x" * 5000,
        "q=%22%22%22",
        "q=NOT",
        "q=*:*",
        "q=%5Bx+TO+y%5D",
        "page=1" + "0" * 30,
        "radius_km=NaN&postcode=LS6",
        "min_rating=" + "9" * 50,
        "language=%F0%9F%98%80",
    ],
)
def test_odd_input_never_gives_a_500(client, directory, query):
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code in {200, 400, 404}
    assert "error" in response.get_json() or "results" in response.get_json()


def test_api_searches_are_logged_as_api(client, directory):
    client.get("/api/v1/search?q=nothing+like+this&council=E08000035")
    log = db.session.scalars(select(SearchLog)).one()
    assert (log.source, log.result_count, log.council_id) == ("api", 0, directory.leeds.id)
    assert log.filters == {"council": "E08000035"}


# --- public records --------------------------------------------------------------------------


def test_offer_record_has_money_in_pence_and_the_price_breakdown(client, directory):
    response = client.get(f"/api/v1/offers/{directory.day_centre.id}")
    assert response.status_code == 200
    record = response.get_json()
    assert record["kind"] == "offer" and record["title"] == "Day centre activities"
    assert record["price_pence"] == 3500 and isinstance(record["price_pence"], int)
    assert record["unit"] == {"value": "day", "label": "per day"}
    assert [p["pence"] for p in record["price_breakdown"]] == [2695, 473, 332]
    assert sum(p["pence"] for p in record["price_breakdown"]) == 3500
    assert record["provider"]["name"] == "Meanwood Community Hub"
    assert record["venue"]["postcode"] == "LS6 4LD"
    assert record["vacancies"] == 3
    assert {"value": "step-free", "label": "Step-free access"} in record["accessibility"]


def test_pa_record_never_says_more_than_the_home_district(client, directory):
    expire_check(directory.pa, "right_to_work")
    response = client.get(f"/api/v1/pas/{directory.pa.id}")
    assert response.status_code == 200
    record = response.get_json()
    assert record["district"] == "LS6" and record["name"] == "Asha K"
    text = json.dumps(record)
    for private in ("Asha Khan", "asha.khan@example.com", "user_id", "postcode", "reference"):
        assert private not in text
    checks = {c["kind"]: c for c in record["checks"]}
    assert checks["enhanced_dbs"]["expired"] is False
    assert checks["right_to_work"]["expired"] is True
    assert checks["right_to_work"]["expires_on"] and checks["right_to_work"]["issued_on"]
    assert record["hourly_rate_pence"] == 1650


def test_a_pas_venue_offer_shows_only_the_district(client, app_ctx):
    pa = make_pa()
    offer = make_offer(
        pa_profile=pa,
        title="Baking at my kitchen table",
        category="learning",
        deliver_home=False,
        deliver_venue=True,
        venue_address="12 Private Road, Leeds",
        venue_postcode="LS6 1AA",
        venue_district="LS6",
    )
    record = client.get(f"/api/v1/offers/{offer.id}").get_json()
    assert record["venue"] == {"address": None, "postcode": None, "district": "LS6"}
    assert "Private Road" not in json.dumps(record)
    assert record["provider"] == {
        "kind": "pa",
        "id": pa.id,
        "name": pa.display_name,
        "url": f"http://localhost/pas/{pa.id}",
    }


def test_organisation_record_lists_areas_regulator_and_published_offers(client, directory):
    record = client.get(f"/api/v1/organisations/{directory.gardeners.id}").get_json()
    assert record["name"] == "Green Fingers Leeds"
    assert record["service_districts"] == ["LS6", "LS7"]
    assert record["regulator"] is None
    assert [o["title"] for o in record["offers"]] == ["Garden tidy-ups"]  # not the draft


def test_regulated_organisation_record_has_its_rating(client, app_ctx):
    organisation = make_organisation(
        regulator="cqc", regulator_id="1-234", rating="good", name="Caring Homes"
    )
    record = client.get(f"/api/v1/organisations/{organisation.id}").get_json()
    assert record["regulator"]["rating"] == {"value": "good", "label": "Good"}


def test_unknown_or_unpublished_listings_are_a_json_404(client, directory):
    hidden_org = make_organisation(status="suspended")
    offer_of_hidden_org = make_offer(hidden_org)
    hidden_pa = make_pa(make_user(Role.PA), status="pending")
    for path in (
        f"/api/v1/offers/{directory.draft_offer.id}",
        f"/api/v1/offers/{offer_of_hidden_org.id}",
        f"/api/v1/organisations/{hidden_org.id}",
        f"/api/v1/pas/{hidden_pa.id}",
        "/api/v1/offers/999999",
        "/api/v1/pas/0",
        "/api/v1/organisations/99999999999999999999",
        "/api/v1/offers/abc",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "not_found", path
