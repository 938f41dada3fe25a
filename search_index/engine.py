"""Running one SearchQuery against a Snapshot: matching, filters, facets, order, hits.

Everything here is numpy over document numbers. A query's text becomes concepts (see query.py);
each concept is a mask of the documents having it and their BM25F scores. Documents must have
every concept; when no document passing the filters has them all, documents having any are
shown instead, those with more concepts first (so a long, chatty query still finds something).

Spelling: a word the index does not know is matched fuzzily (the known words nearest in
spelling, see query.py); the query as searched is then both ``corrected_text`` and
``suggestion`` ("Did you mean"). A query finding FEW_HITS documents or fewer also gets a
``suggestion`` when replacing its words by commoner near spellings finds more documents.

Filter rules:
- categories, days and time bands: a document matches when it has ANY of the requested values
  (someone asking for Saturday or Sunday wants either), which is also what disjunctive facet
  counts describe;
- accessibility and pa_checks: a document must have ALL the requested values (each is a need);
- every other filter has one value.

Facet counts are disjunctive: the counts for a facet field are taken over the documents that
match the text and every active filter except that field's own, so they say how many results a
person would get by changing that field. Values with no document are left out, except values
the query asked for (listed with their count, maybe 0).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from search_index.interface import (
    FACET_FIELDS,
    FacetCount,
    Hit,
    SearchQuery,
    SearchResults,
)
from search_index.query import Lexicon, Plan, close_terms, find_close_terms, plan
from search_index.schema import FLAG_ONLINE, FLAG_VACANCIES, NO_NUMBER, TEXT_FIELDS, token
from search_index.snapshot import Snapshot, haversine_km, packed
from search_index.snippets import snippet
from search_index.text import Synonyms

SORTS = ("relevance", "distance", "price")
MAX_PER_PAGE = 100
FEW_HITS = 2  # a query finding this many or fewer gets a spelling suggestion, if one helps


def validate(query: SearchQuery) -> None:
    """Refuse what the caller should have refused (the web layer checks these first)."""
    if query.page < 1:
        raise ValueError("page must be 1 or more")
    if not 1 <= query.per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    if query.sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")


def lexicon(snapshot: Snapshot) -> Lexicon:
    found = Lexicon(snapshot.frequency, snapshot.vocabulary, snapshot.surface)
    found.close = lambda term, limit: snapshot.cached(
        ("close", term, limit), lambda: find_close_terms(found, term, limit)
    )
    return found


# Filters -------------------------------------------------------------------------------------


def _any(snapshot: Snapshot, field: str, values: Iterable[str]) -> np.ndarray:
    return snapshot.any_of(field, (token(v) for v in values))


def _all(snapshot: Snapshot, field: str, values: Iterable[str]) -> np.ndarray:
    out = snapshot.alive.copy()
    for value in values:
        out &= snapshot.mask(field, token(value))
    return out


def selected(query: SearchQuery) -> dict[str, tuple[str, ...]]:
    """The values the query asks for, by facet field."""
    single = {
        "kind": query.kind,
        "deployment": query.deployment,
        "unit": query.unit,
        "delivery": query.delivery,
        "for_age": query.for_age,
        "language": query.language,
        "gender": query.gender,
    }
    out: dict[str, tuple[str, ...]] = {name: (value,) for name, value in single.items() if value}
    multi = {
        "category": query.categories,
        "day": query.days,
        "time_band": query.time_bands,
        "accessibility": query.accessibility,
        "pa_check": query.pa_checks,
    }
    out.update({name: tuple(values) for name, values in multi.items() if values})
    return out


ALL_OF = frozenset({"accessibility", "pa_check"})


def facet_filters(snapshot: Snapshot, query: SearchQuery) -> dict[str, np.ndarray]:
    """One mask per active filter that is also a facet, by facet field."""
    return {
        name: (_all if name in ALL_OF else _any)(snapshot, name, values)
        for name, values in selected(query).items()
    }


def other_filters(snapshot: Snapshot, query: SearchQuery) -> np.ndarray:
    """The alive documents passing every filter that is not a facet."""
    mask = snapshot.alive.copy()
    if query.council:
        mask &= snapshot.mask("council", token(query.council))
    if query.geo:
        geo = query.geo
        near = _any(snapshot, "venue", geo.near_districts)
        near |= snapshot.mask("serves", token(geo.district))
        near |= snapshot.mask("flag", FLAG_ONLINE)
        mask &= near
    if query.max_price_pence is not None or query.free:
        price = snapshot.numbers("price")
        if query.max_price_pence is not None:
            mask &= (price != NO_NUMBER) & (price <= query.max_price_pence)
        if query.free:
            mask &= (price == 0) | snapshot.mask("unit", "free")
    if query.min_rating_score is not None:
        rating = snapshot.numbers("rating")
        mask &= (rating != NO_NUMBER) & (rating >= query.min_rating_score)
    if query.vacancies:
        mask &= snapshot.mask("flag", FLAG_VACANCIES)
    return mask


# Text ----------------------------------------------------------------------------------------


def concept_matches(snapshot: Snapshot, text_plan: Plan) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each concept: (mask of documents having it, their summed BM25F scores)."""
    out = []
    for concept in text_plan.concepts:
        mask = np.zeros(snapshot.size, dtype=bool)
        scores = np.zeros(snapshot.size, dtype=np.float32)
        for alternative in concept.alternatives:
            for field in TEXT_FIELDS:
                found = snapshot.phrase(field, alternative.terms)
                if len(found.ids):
                    mask[found.ids] = True
                    scores[found.ids] += found.scores * alternative.weight
        out.append((mask, scores))
    return out


def combine(
    matches: list[tuple[np.ndarray, np.ndarray]], filters: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Documents having every concept; if none pass the filters, documents having any."""
    if not matches:
        return None, None
    mask = matches[0][0].copy()
    scores = matches[0][1].copy()
    for m, s in matches[1:]:
        mask &= m
        scores += s
    if len(matches) == 1 or (mask & filters).any():
        return mask, scores
    present = np.zeros(len(filters), dtype=np.float32)
    for m, _ in matches:
        present += m
    return present > 0, scores * (present / len(matches))


# Order ---------------------------------------------------------------------------------------


def top(candidates: np.ndarray, primary: np.ndarray | None, rank: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` candidates by ``primary`` (ascending), ties by title rank."""
    if k <= 0 or len(candidates) == 0:
        return candidates[:0]
    if primary is None:
        if len(candidates) > k:
            candidates = candidates[np.argpartition(rank[candidates], k - 1)[:k]]
        return candidates[np.argsort(rank[candidates], kind="stable")]
    values = primary[candidates]
    if len(candidates) > k:
        kth = np.partition(values, k - 1)[k - 1]
        better = candidates[values < kth]
        ties = candidates[values == kth]
        need = k - len(better)
        if len(ties) > need:
            ties = ties[np.argpartition(rank[ties], need - 1)[:need]]
        candidates = np.concatenate([better, ties])
    order = np.lexsort((rank[candidates], primary[candidates]))
    return candidates[order]


def _distances(snapshot: Snapshot, query: SearchQuery, docs: np.ndarray) -> np.ndarray:
    """Distance (km) from the searcher to each document; +inf where unknown."""
    out = np.full(len(docs), np.inf)
    if query.geo is None or len(docs) == 0:
        return out
    lats, lons = snapshot.numbers("lat")[docs], snapshot.numbers("lon")[docs]
    known = ~(np.isnan(lats) | np.isnan(lons))
    out[known] = haversine_km(query.geo.latitude, query.geo.longitude, lats[known], lons[known])
    return out


def order(
    snapshot: Snapshot,
    query: SearchQuery,
    matches: np.ndarray,
    scores: np.ndarray | None,
    k: int,
) -> np.ndarray:
    candidates = np.flatnonzero(matches)
    rank = snapshot.title_rank()
    primary: np.ndarray | None = None
    if query.sort == "relevance" and scores is not None:
        primary = -scores
    elif query.sort == "distance" and query.geo is not None:
        primary = np.full(snapshot.size, np.inf)
        primary[candidates] = _distances(snapshot, query, candidates)
    elif query.sort == "price":
        price = snapshot.numbers("price")
        primary = np.where(price == NO_NUMBER, np.inf, price.astype(np.float64))
    return top(candidates, primary, rank, k)


# Facets --------------------------------------------------------------------------------------


def facet_counts(
    snapshot: Snapshot,
    query: SearchQuery,
    base: np.ndarray,
    own: dict[str, np.ndarray],
) -> dict[str, list[FacetCount]]:
    """Disjunctive counts: each field counted without its own filter (see module doc)."""
    everything = base.copy()
    for mask in own.values():
        everything &= mask
    everything_bits = packed(everything)
    wanted = selected(query)
    out: dict[str, list[FacetCount]] = {}
    for name in FACET_FIELDS:
        values, bitmaps = snapshot.facet_bitmaps(name)
        if name in own:
            mask = base.copy()
            for other, other_mask in own.items():
                if other != name:
                    mask &= other_mask
            bits = packed(mask)
        else:
            bits = everything_bits
        counts = np.bitwise_count(bitmaps & bits).sum(axis=1) if len(values) else np.zeros(0, int)
        found = {v: int(c) for v, c in zip(values, counts.tolist(), strict=True) if c}
        for value in wanted.get(name, ()):
            found.setdefault(token(value), 0)
        out[name] = [
            FacetCount(v, c) for v, c in sorted(found.items(), key=lambda vc: (-vc[1], vc[0]))
        ]
    return out


# Spelling ------------------------------------------------------------------------------------


def better_spelling(
    snapshot: Snapshot,
    synonyms: Synonyms,
    text_plan: Plan,
    filters: np.ndarray,
    total: int,
) -> str | None:
    """The query with its rarest-spelt words replaced by common near spellings, if that finds
    more documents than the query did."""
    lex = lexicon(snapshot)
    replacements: dict[int, str] = {}
    for i, concept in enumerate(text_plan.concepts):
        if concept.term is None or concept.corrected or concept.quoted:
            continue
        typed = concept.text.lower()
        own = lex.frequency(concept.term)
        for _, negative_frequency, candidate in close_terms(lex, concept.term, typed):
            if -negative_frequency > own:
                replacements[i] = snapshot.surface(candidate, typed)
                break
    if not replacements:
        return None
    text = " ".join(c.shown(replacements.get(i)) for i, c in enumerate(text_plan.concepts))
    mask, _ = combine(concept_matches(snapshot, plan(text, lex, synonyms)), filters)
    if mask is None or int(np.count_nonzero(mask & filters)) <= total:
        return None
    return text


def _contains(sorted_ids: list[np.ndarray], docnum: int) -> bool:
    for ids in sorted_ids:
        at = int(np.searchsorted(ids, docnum))
        if at < len(ids) and ids[at] == docnum:
            return True
    return False


# The whole query -----------------------------------------------------------------------------


def run(snapshot: Snapshot, synonyms: Synonyms, query: SearchQuery) -> SearchResults:
    validate(query)
    text_plan = plan(query.text, lexicon(snapshot), synonyms)
    own = facet_filters(snapshot, query)
    other = other_filters(snapshot, query)
    filters = other.copy()
    for mask in own.values():
        filters &= mask
    text_mask, scores = combine(concept_matches(snapshot, text_plan), filters)
    matches = filters if text_mask is None else filters & text_mask
    total = int(np.count_nonzero(matches))

    start = (query.page - 1) * query.per_page
    docs = order(snapshot, query, matches, scores, start + query.per_page)[start:]
    distances = _distances(snapshot, query, docs)
    terms, phrases = text_plan.highlight_terms(), text_plan.highlight_phrases()
    in_body = [
        snapshot.phrase("body", a.terms).ids for c in text_plan.concepts for a in c.alternatives
    ]
    hits = []
    for docnum, distance in zip(docs.tolist(), distances.tolist(), strict=True):
        kind, id_, title, provider, body, _, categories, price, unit = snapshot.stored(docnum)
        hits.append(
            Hit(
                kind=kind,
                id=id_,
                title=title,
                provider=provider,
                categories=tuple(categories),
                price_pence=price,
                unit=unit,
                distance_km=None if math.isinf(distance) else round(distance, 2),
                snippet=snippet(body, title, terms, phrases, _contains(in_body, docnum)),
                score=float(scores[docnum]) if scores is not None else 0.0,
            )
        )

    facets = {}
    if query.with_facets:
        base = other if text_mask is None else other & text_mask
        facets = facet_counts(snapshot, query, base, own)

    corrected = text_plan.corrected_text()
    suggestion = corrected
    if suggestion is None and total <= FEW_HITS and text_plan.concepts:
        suggestion = better_spelling(snapshot, synonyms, text_plan, filters, total)
    return SearchResults(
        total=total,
        page=query.page,
        per_page=query.per_page,
        hits=hits,
        facets=facets,
        suggestion=suggestion,
        corrected_text=corrected,
    )
