"""Regulators' ratings on one 0-100 scale, so "at least good" can be asked across nations.

England's CQC, Scotland's Care Inspectorate (grades 1-6) and Care Inspectorate Wales each rate in
their own words. Search stores each organisation's score and filters with ``min_rating`` turned
into a score here: the one place the scales are compared.
"""

from __future__ import annotations

from marketplace.directory import vocab

# CQC and CIW words. "good" means the same on both scales, so one word table serves both.
_CQC = {"outstanding": 100, "good": 75, "requires_improvement": 50, "inadequate": 25}
_CIW: dict[str, int | None] = {
    "excellent": 100,
    "good": 75,
    "adequate": 50,
    "poor": 25,
    "not_rated": None,  # inspected but not rated: no score, so no min_rating admits it
}
_CARE_INSPECTORATE_GRADES = range(1, 7)


def _grade_score(rating: str) -> int | None:
    if not rating.isdigit() or int(rating) not in _CARE_INSPECTORATE_GRADES:
        return None
    return round(int(rating) * 100 / 6)


def rating_score(regulator: str | None, rating: str | None) -> int | None:
    """The 0-100 score of a rating on its regulator's scale; None when unrated or unknown."""
    if not rating:
        return None
    if regulator == "cqc":
        return _CQC.get(rating)
    if regulator == "care_inspectorate":
        return _grade_score(rating)
    if regulator == "ciw":
        return _CIW.get(rating)
    return None


def score_for_slug(slug: str | None) -> int | None:
    """The score of a rating slug from any regulator's scale (digits are Care Inspectorate grades).

    Used for ``min_rating``: "good" is 75 on CQC and CIW alike, "4" is Care Inspectorate grade 4.
    None for an unknown slug or one with no score ("not_rated").
    """
    if not slug:
        return None
    if slug.isdigit():
        return _grade_score(slug)
    if slug in _CQC:
        return _CQC[slug]
    return _CIW.get(slug)


def known_slugs() -> frozenset[str]:
    """Every rating slug of every regulator (vocab.RATINGS)."""
    return frozenset(value for scale in vocab.RATINGS.values() for value, _ in scale)
