"""Sorting, ties and pagination."""

from __future__ import annotations

import math

import pytest

from search_index.interface import SearchQuery
from search_index.whoosh_backend import WhooshBackend
from tests.search_index.corpus import BY_KEY, CORPUS, geo


def _all(backend: WhooshBackend, **kwargs: object) -> list:
    return backend.search(SearchQuery(per_page=100, **kwargs)).hits  # type: ignore[arg-type]


def _tie_key(hit: object) -> tuple[str, str]:
    return (hit.title.casefold(), f"{hit.kind}:{hit.id}")  # type: ignore[attr-defined]


def test_relevance_orders_by_score_then_title_then_key(corpus_backend: WhooshBackend) -> None:
    hits = _all(corpus_backend, text="care")
    order = [(-h.score, *_tie_key(h)) for h in hits]
    assert order == sorted(order)
    assert hits[0].score > hits[-1].score


def test_distance_sort_is_nearest_first_with_unknown_distances_last(
    corpus_backend: WhooshBackend,
) -> None:
    hits = _all(corpus_backend, geo=geo("LS6", 200), sort="distance")
    distances = [h.distance_km for h in hits]
    known = [d for d in distances if d is not None]
    assert known == sorted(known)
    assert distances == known + [None] * (len(distances) - len(known))
    assert hits[-1].id == 8  # online only: no distance
    # Listings at the same distance (same district) follow title order.
    same = [h for h in hits if h.distance_km == hits[0].distance_km]
    assert [_tie_key(h) for h in same] == sorted(_tie_key(h) for h in same)


def test_distance_sort_without_a_place_falls_back_to_title(corpus_backend: WhooshBackend) -> None:
    hits = _all(corpus_backend, sort="distance")
    assert [_tie_key(h) for h in hits] == sorted(_tie_key(h) for h in hits)


def test_price_sort_is_cheapest_first_with_unpriced_last_and_ties_by_title(
    corpus_backend: WhooshBackend,
) -> None:
    hits = _all(corpus_backend, sort="price")
    prices = [h.price_pence for h in hits]
    priced = [p for p in prices if p is not None]
    assert priced == sorted(priced)
    assert prices[len(priced) :] == [None] * (len(prices) - len(priced))
    fifteen = [h for h in hits if h.price_pence == 1500]
    assert [h.title for h in fifteen] == [
        "Home help and cleaning",
        "Home help with cleaning, shopping and errands",
        "Tom Reid, support worker",
    ]


def test_price_sort_applies_to_text_matches(corpus_backend: WhooshBackend) -> None:
    hits = _all(corpus_backend, text="home", sort="price")
    prices = [h.price_pence if h.price_pence is not None else math.inf for h in hits]
    assert prices == sorted(prices)


def test_hits_carry_what_the_result_list_shows(corpus_backend: WhooshBackend) -> None:
    hit = corpus_backend.search(SearchQuery(text="swimming")).hits[0]
    doc = BY_KEY["offer:10"]
    assert (hit.kind, hit.id, hit.title, hit.provider) == ("offer", 10, doc.title, doc.provider)
    assert hit.categories == doc.categories
    assert (hit.price_pence, hit.unit) == (350, "session")


@pytest.mark.parametrize("sort", ["relevance", "distance", "price"])
def test_pages_split_the_same_ordering(corpus_backend: WhooshBackend, sort: str) -> None:
    place = geo("LS6", 200)
    full = [(h.kind, h.id) for h in _all(corpus_backend, geo=place, sort=sort)]
    paged = []
    for page in range(1, 7):
        results = corpus_backend.search(SearchQuery(geo=place, sort=sort, page=page, per_page=5))
        assert results.total == len(full)
        paged += [(h.kind, h.id) for h in results.hits]
    assert paged == full


def test_last_page_is_partial_and_beyond_it_is_empty(corpus_backend: WhooshBackend) -> None:
    total = len(CORPUS)
    last = -(-total // 10)
    results = corpus_backend.search(SearchQuery(page=last, per_page=10))
    assert len(results.hits) == total - (last - 1) * 10
    beyond = corpus_backend.search(SearchQuery(page=last + 1, per_page=10))
    assert beyond.hits == []
    assert beyond.total == total
    assert (beyond.page, beyond.per_page) == (last + 1, 10)
    far = corpus_backend.search(SearchQuery(text="garden", page=1000, per_page=100))
    assert far.hits == [] and far.total > 0


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(page=0),
        SearchQuery(per_page=0),
        SearchQuery(per_page=101),
        SearchQuery(sort="popularity"),  # type: ignore[arg-type]
    ],
)
def test_queries_the_caller_should_refuse_raise_value_error(
    corpus_backend: WhooshBackend, query: SearchQuery
) -> None:
    with pytest.raises(ValueError):
        corpus_backend.search(query)
