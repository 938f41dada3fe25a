"""Every filter, the facet counts and distance, checked against a plain Python reference."""

from __future__ import annotations

import math

import pytest

from search_index.interface import FACET_FIELDS, SearchQuery
from search_index.whoosh_backend import WhooshBackend
from tests.search_index.corpus import (
    BRADFORD,
    BY_KEY,
    CARDIFF,
    CORPUS,
    DISTRICTS,
    LEEDS,
    facet_counts,
    geo,
    km,
    passes,
)

FILTERS: list[dict[str, object]] = [
    {"kind": "pa"},
    {"kind": "organisation"},
    {"categories": ("gardening",)},
    {"categories": ("gardening", "respite")},  # any of
    {"council": BRADFORD},
    {"council": CARDIFF},
    {"deployment": "isf"},
    {"unit": "hour"},
    {"max_price_pence": 1600},
    {"max_price_pence": 0},
    {"free": True},
    {"days": ("sat",)},
    {"days": ("sat", "sun")},  # any of
    {"time_bands": ("night",)},
    {"time_bands": ("evening", "sleep_in")},
    {"delivery": "online"},
    {"delivery": "venue"},
    {"for_age": "children"},
    {"accessibility": ("step-free",)},
    {"accessibility": ("step-free", "changing-places")},  # all of
    {"language": "ur"},
    {"min_rating_score": 75},
    {"min_rating_score": 100},
    {"pa_checks": ("dbs",)},
    {"pa_checks": ("dbs", "right_to_work")},  # all of
    {"gender": "female"},
    {"vacancies": True},
    {"geo": geo("LS6", 3)},
    {"geo": geo("LS6", 10)},
    {"geo": geo("BD1", 5)},
    {"kind": "offer", "days": ("sat",), "geo": geo("LS6", 10), "max_price_pence": 2000},
    {"categories": ("personal-assistant",), "language": "ur", "pa_checks": ("driving",)},
    {"council": LEEDS, "delivery": "home", "time_bands": ("morning",), "vacancies": True},
]


def _expected(query: SearchQuery, text_keys: set[str] | None = None) -> set[str]:
    return {d.key for d in CORPUS if passes(d, query) and (text_keys is None or d.key in text_keys)}


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(sorted(f)))
def test_each_filter_keeps_exactly_the_matching_listings(
    corpus_backend: WhooshBackend, filters: dict[str, object]
) -> None:
    query = SearchQuery(per_page=100, **filters)  # type: ignore[arg-type]
    results = corpus_backend.search(query)
    found = {f"{h.kind}:{h.id}" for h in results.hits}
    assert found == _expected(query)
    assert results.total == len(found)


def test_filters_apply_to_text_matches(corpus_backend: WhooshBackend) -> None:
    everything = corpus_backend.search(SearchQuery(text="care", per_page=100))
    text_keys = {f"{h.kind}:{h.id}" for h in everything.hits}
    query = SearchQuery(text="care", kind="offer", council=LEEDS, per_page=100)
    found = {f"{h.kind}:{h.id}" for h in corpus_backend.search(query).hits}
    assert found == _expected(query, text_keys)
    assert found and found < text_keys


def test_documents_without_a_price_never_pass_a_price_limit(
    corpus_backend: WhooshBackend,
) -> None:
    found = corpus_backend.search(SearchQuery(max_price_pence=10**9, per_page=100))
    assert "offer:14" not in {f"{h.kind}:{h.id}" for h in found.hits}  # offer:14 has no price
    assert found.total == len(CORPUS) - sum(d.price_pence is None for d in CORPUS)


@pytest.mark.parametrize("filters", [*FILTERS[::3], {}], ids=lambda f: ",".join(sorted(f)))
@pytest.mark.parametrize("text", ["", "care", "gardening"])
def test_facet_counts_are_disjunctive_and_agree_with_a_plain_count(
    corpus_backend: WhooshBackend, filters: dict[str, object], text: str
) -> None:
    query = SearchQuery(text=text, per_page=100, **filters)  # type: ignore[arg-type]
    results = corpus_backend.search(query)
    text_docs = [
        BY_KEY[f"{h.kind}:{h.id}"]
        for h in corpus_backend.search(SearchQuery(text=text, per_page=100)).hits
    ]
    assert list(results.facets) == list(FACET_FIELDS)
    for field in FACET_FIELDS:
        expected = facet_counts(text_docs, query, field)
        counts = results.facets[field]
        assert {f.value: f.count for f in counts if f.count} == dict(expected), field
        order = [(-f.count, f.value) for f in counts]
        assert order == sorted(order)


def test_facet_counts_ignore_their_own_filter_only(corpus_backend: WhooshBackend) -> None:
    results = corpus_backend.search(SearchQuery(kind="pa", days=("sat",)))
    kinds = {f.value: f.count for f in results.facets["kind"]}
    # Saturday listings of every kind, so a person sees what "offer" would give them.
    assert kinds == {"offer": 5, "pa": 1}
    days = {f.value: f.count for f in results.facets["day"]}
    assert days["sat"] == 1 and days["mon"] == 2  # PAs (any day), not only Saturday ones


def test_a_selected_value_with_no_listings_is_still_listed(corpus_backend: WhooshBackend) -> None:
    results = corpus_backend.search(SearchQuery(language="so"))
    assert results.total == 0
    assert {f.value: f.count for f in results.facets["language"]}["so"] == 0


def test_facets_can_be_skipped(corpus_backend: WhooshBackend) -> None:
    assert corpus_backend.search(SearchQuery(with_facets=False)).facets == {}


def test_geo_filter_matches_venues_nearby_coverage_and_online(
    corpus_backend: WhooshBackend,
) -> None:
    found = corpus_backend.search(SearchQuery(geo=geo("LS6", 3), per_page=100))
    keys = {f"{h.kind}:{h.id}" for h in found.hits}
    assert "offer:2" in keys  # venue in LS6
    assert "offer:17" in keys  # venue in LS4, 1.3 km away
    assert "offer:10" in keys  # venue in LS1, 2.8 km away
    assert "offer:5" not in keys  # venue in LS11, 5 km away
    assert "offer:1" in keys  # home visits covering LS6
    assert "pa:2" not in keys  # PA travelling to LS11 and LS1 only
    assert "offer:8" in keys  # online only: always matches
    assert "organisation:2" not in keys  # neither venue nor coverage


def test_distance_is_measured_to_each_listing_and_none_when_unknown(
    corpus_backend: WhooshBackend,
) -> None:
    searcher = geo("LS6", 10)
    results = corpus_backend.search(SearchQuery(geo=searcher, per_page=100))
    for hit in results.hits:
        doc = BY_KEY[f"{hit.kind}:{hit.id}"]
        if doc.latitude is None:
            assert hit.distance_km is None
        else:
            expected = km(DISTRICTS["LS6"], (doc.latitude, doc.longitude))  # type: ignore[arg-type]
            assert hit.distance_km == pytest.approx(expected, abs=0.01)
    assert all(h.distance_km is None for h in corpus_backend.search(SearchQuery()).hits)


def test_radius_widens_what_is_found(corpus_backend: WhooshBackend) -> None:
    totals = [corpus_backend.search(SearchQuery(geo=geo("LS6", r))).total for r in (1, 3, 10, 200)]
    assert totals == sorted(totals)
    assert totals[0] < totals[-1]


def test_scores_follow_bm25f(backend: WhooshBackend) -> None:
    """One word in one field: idf x tf(K1 + 1) / (tf + K1(1 - B + B len/avglen)), x boost."""
    make = CORPUS[0].__class__
    backend.index(
        [
            make(kind="offer", id=1, title="x", body="garden garden path"),
            make(kind="offer", id=2, title="x", body="garden"),
            make(kind="offer", id=3, title="x", body="path lawn hedge shed"),
        ]
    )
    hits = {h.id: h.score for h in backend.search(SearchQuery(text="garden")).hits}
    idf = math.log(3 / (2 + 1)) + 1
    average = (3 + 1 + 4) / 3

    def bm25(tf: float, length: int) -> float:
        return idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / average))

    assert hits[1] == pytest.approx(bm25(2, 3), rel=1e-5)
    assert hits[2] == pytest.approx(bm25(1, 1), rel=1e-5)
