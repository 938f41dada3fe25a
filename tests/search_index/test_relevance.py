"""What people type, and what they should find first, on the fixed corpus."""

from __future__ import annotations

import math
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search_index.interface import SearchQuery, SearchResults
from search_index.whoosh_backend import WhooshBackend
from tests.search_index.corpus import CORPUS


def keys(results: SearchResults) -> list[str]:
    return [f"{h.kind}:{h.id}" for h in results.hits]


def search(backend: WhooshBackend, text: str, **filters: object) -> SearchResults:
    return backend.search(SearchQuery(text=text, per_page=100, **filters))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("gardening", ["offer:2", "offer:1"]),
        ("physiotherapy", ["offer:4"]),
        ("dementia day centre", ["offer:5"]),
        ("short break", ["offer:6"]),
        ("personal assistant who speaks urdu", ["pa:1"]),
        ("swimming", ["offer:10"]),
        ("lunch", ["offer:9"]),
        ("advocacy", ["offer:13"]),
        ("befriending", ["offer:8"]),
        ("support worker autism", ["pa:2"]),
        ("memory loss", ["offer:18"]),
        ("help with shopping", ["offer:7", "offer:16"]),
        ("respite cardiff", ["offer:15"]),
    ],
)
def test_the_best_listings_come_first(
    corpus_backend: WhooshBackend, text: str, first: list[str]
) -> None:
    found = keys(search(corpus_backend, text))
    assert sorted(found[: len(first)]) == sorted(first), found


def test_a_title_match_outranks_a_body_match(corpus_backend: WhooshBackend) -> None:
    found = keys(search(corpus_backend, "cooking"))
    # offer:14 and pa:1 mention cooking in the body only; no title has it, so both are found.
    assert set(found) == {"offer:11", "offer:14", "pa:1"}
    found = keys(search(corpus_backend, "lunch"))
    assert found == ["offer:9", "offer:5"]  # "Lunch club" (title) before "a hot lunch" (body)


def test_stemming_finds_other_forms_of_a_word(corpus_backend: WhooshBackend) -> None:
    # offer:1 only says "garden" and "gardeners"; organisation:2 says "garden".
    found = keys(search(corpus_backend, "gardening"))
    assert {"offer:1", "organisation:2"} <= set(found)
    assert "offer:2" in keys(search(corpus_backend, "gardens"))
    assert "offer:9" in keys(search(corpus_backend, "lunches"))


@pytest.mark.parametrize(
    ("typo", "corrected", "expected"),
    [
        ("physioterapy", "physiotherapy", "offer:4"),
        ("gardning", "gardening", "offer:2"),
        ("swiming", "swimming", "offer:10"),
        ("advocasy", "advocacy", "offer:13"),
        ("befreinding", "befriending", "offer:8"),
    ],
)
def test_a_misspelt_word_is_matched_fuzzily_and_the_correction_reported(
    corpus_backend: WhooshBackend, typo: str, corrected: str, expected: str
) -> None:
    results = search(corpus_backend, typo)
    assert expected in keys(results)
    assert results.corrected_text == corrected
    assert results.suggestion == corrected


def test_a_typo_beside_a_correct_word_keeps_the_correct_word(
    corpus_backend: WhooshBackend,
) -> None:
    results = search(corpus_backend, "swiming sessions")
    assert keys(results) == ["offer:10"]
    assert results.corrected_text == "swimming sessions"


def test_a_correctly_spelt_query_reports_no_correction(corpus_backend: WhooshBackend) -> None:
    results = search(corpus_backend, "swimming")
    assert results.corrected_text is None
    assert results.suggestion is None


def test_did_you_mean_offers_a_commoner_spelling_when_a_query_finds_little(
    backend: WhooshBackend,
) -> None:
    gardening = [d for d in CORPUS if d.key in {"offer:1", "offer:2", "offer:14", "pa:2"}]
    typo = CORPUS[0].__class__(kind="offer", id=99, title="Gardenin help", body="Weeding.")
    backend.index([*gardening, typo])
    results = search(backend, "gardenin")  # a word the index knows, from one listing
    assert keys(results) == ["offer:99"]
    assert results.corrected_text is None  # known words are not corrected ...
    assert results.suggestion == "gardening"  # ... but a better spelling is suggested


def test_no_suggestion_when_nothing_close_is_known(corpus_backend: WhooshBackend) -> None:
    results = search(corpus_backend, "xylophone")
    assert results.total == 0
    assert results.suggestion is None
    assert results.corrected_text is None


@pytest.mark.parametrize(
    ("query", "must_find"),
    [
        # carer / care worker / support worker / personal assistant / PA
        ("carer", {"pa:1", "pa:2", "pa:3", "offer:12"}),
        ("personal assistant", {"pa:3", "pa:2", "offer:12"}),
        ("support worker", {"pa:1", "pa:3"}),
        ("care worker", {"pa:1", "pa:2", "pa:3"}),
        ("PA", {"pa:1", "pa:2", "pa:3"}),
        # day centre / day service / day opportunities
        ("day centre", {"offer:5", "offer:11", "offer:14"}),
        ("day service", {"offer:5", "offer:14"}),
        ("day opportunities", {"offer:5", "offer:11"}),
        # respite / short break
        ("respite", {"offer:6", "organisation:1"}),
        ("short breaks", {"offer:15"}),
        # cleaner / home help
        ("cleaner", {"offer:3", "offer:16"}),
        ("home help", {"offer:16"}),
        # physio / physiotherapy; dementia / memory loss
        ("physio", {"offer:4"}),
        ("dementia", {"offer:18"}),
    ],
)
def test_synonyms_find_listings_that_use_other_words(
    corpus_backend: WhooshBackend, query: str, must_find: set[str]
) -> None:
    assert must_find <= set(keys(search(corpus_backend, query)))


def test_the_word_typed_outranks_its_synonyms(corpus_backend: WhooshBackend) -> None:
    found = keys(search(corpus_backend, "short break"))
    assert found.index("offer:6") < found.index("offer:15")  # "short breaks" vs "respite"


def test_synonym_words_alone_are_not_synonyms(corpus_backend: WhooshBackend) -> None:
    # "worker" is part of "care worker", but alone it is just a word.
    assert set(keys(search(corpus_backend, "worker"))) == {"offer:12", "pa:2"}


def test_quoted_words_must_appear_together(corpus_backend: WhooshBackend) -> None:
    assert keys(search(corpus_backend, '"day centre"')) == ["offer:5"]  # no synonyms in quotes
    assert set(keys(search(corpus_backend, '"personal care"'))) == {"offer:12", "pa:1"}
    assert keys(search(corpus_backend, '"waking night"')) == ["pa:3"]
    assert keys(search(corpus_backend, '"night waking"')) == []
    # Stop words are not indexed, so they neither break nor make a phrase.
    assert keys(search(corpus_backend, '"carry your shopping"')) == ["offer:7"]
    assert keys(search(corpus_backend, '"carry shopping"')) == ["offer:7"]
    assert keys(search(corpus_backend, '"shopping carry"')) == []


def test_a_phrase_and_words_combine(corpus_backend: WhooshBackend) -> None:
    assert keys(search(corpus_backend, '"learning disability" bradford')) == ["offer:11"]


def test_all_words_must_match_unless_no_listing_has_them_all(
    corpus_backend: WhooshBackend,
) -> None:
    assert keys(search(corpus_backend, "swimming hoist")) == ["offer:10"]
    # No listing has all of these: listings with most of the words come first.
    found = keys(search(corpus_backend, "someone to help mum with swimming and shopping"))
    assert found[0] in {"offer:10", "offer:7", "offer:16"}
    assert len(found) > 2


def test_empty_text_browses_everything_in_title_order(corpus_backend: WhooshBackend) -> None:
    results = search(corpus_backend, "")
    assert results.total == len(CORPUS)
    titles = [h.title for h in results.hits]
    assert titles == sorted(titles, key=str.casefold)
    assert all(h.score == 0 for h in results.hits)
    assert search(corpus_backend, "the and of").total == len(CORPUS)  # only stop words


def test_snippets_mark_matched_words_and_are_html_safe(corpus_backend: WhooshBackend) -> None:
    hit = search(corpus_backend, "gardening").hits[0]
    assert "<mark>gardening</mark>" in hit.snippet
    hit = next(h for h in search(corpus_backend, "carer").hits if h.id == 1 and h.kind == "pa")
    assert "<mark>personal assistant</mark>" in hit.snippet
    assert "<mark>personal</mark>" not in hit.snippet
    hit = search(corpus_backend, "kitchen").hits[0]  # matched in the provider only
    assert "<mark>" not in hit.snippet
    assert hit.snippet.startswith("Hot two-course lunches")
    hit = next(
        h for h in search(corpus_backend, "").hits if h.provider == "St Mark's Community Kitchen"
    )
    assert len(hit.snippet) <= 170


def test_snippet_escapes_html_in_listings(backend: WhooshBackend) -> None:
    doc = CORPUS[0].__class__(
        kind="offer", id=1, title="<b>Bold</b> garden", body="<script>x</script> garden & more"
    )
    backend.index([doc])
    snippet = backend.search(SearchQuery(text="garden")).hits[0].snippet
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>garden</mark> &amp; more" in snippet


ODD_TEXTS = [
    '"',
    '""',
    '"unbalanced',
    "AND OR NOT",
    "title:garden",
    "garden*",
    "(((",
    "~2 ^3 [a TO b]",
    "\\",
    "'; DROP TABLE offers; --",
    "😀 ☃ ünïcödé",
    "a" * 500,
    "garden " * 120,
    " ".join(string.punctuation),
    "\x00\x01\x1f",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_query_text_never_raises(corpus_backend: WhooshBackend, text: str) -> None:
    results = search(corpus_backend, text)
    assert results.total >= 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=200))
def test_any_text_is_a_valid_query(corpus_backend: WhooshBackend, text: str) -> None:
    results = corpus_backend.search(SearchQuery(text=text))
    assert 0 <= len(results.hits) <= results.total
    assert all(math.isfinite(h.score) for h in results.hits)


def test_phrases_are_found_anywhere_in_long_texts_and_among_repeats(
    backend: WhooshBackend,
) -> None:
    make = CORPUS[0].__class__
    filler = " ".join(f"word{i}" for i in range(300))
    backend.index(
        [
            make(kind="offer", id=1, title="a", body=f"{filler} day trips"),  # far in
            make(kind="offer", id=2, title="b", body="trips trips day trips day"),  # repeats
            make(kind="offer", id=3, title="c", body="day out, then trips"),  # apart
            make(kind="offer", id=4, title="d", body="trips day"),  # wrong order
            make(kind="offer", id=5, title="e", body="Day trips"),  # at the start
        ]
    )
    assert {h.id for h in backend.search(SearchQuery(text='"day trips"')).hits} == {1, 2, 5}
