"""Analysis, synonyms and query parsing: the pieces the engine is built from."""

from __future__ import annotations

import pytest

from search_index.query import Lexicon, plan, split_quoted
from search_index.text import (
    SYNONYMS_FILE,
    DomainAnalyzer,
    FastPositions,
    Synonyms,
    edit_distance,
    load_synonyms,
    reference_postings,
    reference_tokens,
    terms,
)

SAMPLE = (
    "Our Personal Assistants help with a short break, e.g. 3.5 hours; day centre trips and "
    "care workers' visits. I am the PA for Mrs O'Brien — gardening & CLEANING!"
)


def test_analyzer_indexes_what_whooshs_stemming_analyzer_does() -> None:
    reference = reference_tokens(SAMPLE)
    ours = DomainAnalyzer()
    assert [(t.text, t.pos) for t in ours(SAMPLE, positions=True)] == reference
    assert ours.terms(SAMPLE) == [text for text, _ in reference]


def test_analyzer_adds_one_joined_term_per_multi_word_synonym() -> None:
    analyzer = DomainAnalyzer(load_synonyms().phrases())
    positions = analyzer.positions(SAMPLE)
    assert positions["person assist"] == positions["person"]
    assert positions["short break"] == positions["short"]
    assert positions["dai centr"] == positions["dai"]
    assert positions["care worker"] == positions["care"]
    assert "assist" in positions  # the words themselves stay searchable


def test_fast_positions_format_writes_the_same_postings_as_whoosh() -> None:
    analyzer = DomainAnalyzer(load_synonyms().phrases())
    ours = sorted(FastPositions(field_boost=2.0).word_values(SAMPLE, analyzer))
    assert ours == reference_postings(SAMPLE, analyzer, field_boost=2.0)


def test_stemming_maps_word_forms_to_one_term() -> None:
    assert terms("gardening gardens gardener garden") == ("garden",) * 4
    assert terms("the and of a") == ()


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("carer", {"carer", "care worker", "support worker", "personal assistant", "PA"}),
        ("day centre", {"day centre", "day service", "day opportunities"}),
        ("respite", {"respite", "short break"}),
        ("cleaner", {"cleaner", "home help"}),
    ],
)
def test_synonym_file_has_the_groups_the_issue_requires(group: str, expected: set[str]) -> None:
    synonyms = load_synonyms()
    match = synonyms.match(list(terms(group)), 0)
    assert match is not None
    assert {e.text for e in match[1]} >= expected


def test_synonym_file_parses_comments_blank_lines_and_multi_word_entries() -> None:
    synonyms = Synonyms.parse("# comment\n\nsitter, sitting service  # inline\nlonely\n")
    assert len(synonyms.groups) == 1  # a one-entry line is not a group
    assert synonyms.match(list(terms("sitting services")), 0) == (2, list(synonyms.groups[0]))
    assert SYNONYMS_FILE.exists()


def test_edit_distance_stops_early_past_its_limit() -> None:
    assert edit_distance("gardn", "garden", 2) == 1
    assert edit_distance("physioterapi", "physiotherapi", 2) == 1
    assert edit_distance("kitten", "sitting", 2) == 3  # limit + 1
    assert edit_distance("same", "same", 0) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"day centre" leeds', [("day centre", True), (" leeds", False)]),
        ('garden "', [("garden  ", False)]),
        ('"unbalanced phrase', [(" unbalanced phrase", False)]),
        ('a "b" "c', [("a ", False), ("b", True), ("  c", False)]),
        ("“curly quotes”", [("curly quotes", True)]),
        ('""', []),
    ],
)
def test_quotes_make_phrases_and_an_unclosed_quote_is_ignored(
    text: str, expected: list[tuple[str, bool]]
) -> None:
    assert split_quoted(text) == expected


def _lexicon(known: dict[str, int]) -> Lexicon:
    by_letter: dict[str, list[str]] = {}
    for term in sorted(known):
        by_letter.setdefault(term[0], []).append(term)
    return Lexicon(lambda t: known.get(t, 0), lambda: by_letter, lambda term, typed: term)


def test_plan_groups_synonym_phrases_and_corrects_unknown_words() -> None:
    lexicon = _lexicon({"garden": 5, "shop": 3, "carer": 2})
    result = plan("gardning and short break with a personal assistant", lexicon, load_synonyms())
    texts = [c.text for c in result.concepts]
    assert texts == ["gardning", "short break", "personal assistant"]
    assert result.concepts[0].corrected == "garden"
    assert [a.terms for a in result.concepts[1].alternatives] == [("respit",), ("short", "break")]
    assert result.corrected_text() == "garden short break personal assistant"


def test_plan_never_corrects_short_words_numbers_or_quoted_text() -> None:
    lexicon = _lexicon({"pay": 4, "garden": 5})
    result = plan('pa gp 12b "gardn"', lexicon, load_synonyms())
    assert not result.corrected
    assert [c.quoted for c in result.concepts] == [False, False, False, True]
