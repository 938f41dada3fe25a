"""Searching the directory: run a search and record it, explain an empty one, public records.

Every search a person runs (on the page or through the API) is recorded in the search log in the
same commit as nothing else: the council's market-gap view counts demand from it, zero-result
searches especially. The log never holds who searched, nor more than a postcode district.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select

from marketplace.directory.models import Council, Offer, PAProfile
from marketplace.directory.services import public_listing
from marketplace.errors import NotFound
from marketplace.extensions import DbSession
from marketplace.search import records
from marketplace.search.models import SearchLog
from marketplace.search.params import InvalidParameter, SearchRequest
from search_index.interface import SearchBackend, SearchQuery, SearchResults

Source = Literal["page", "api"]
# The largest id a listing can have (a 32-bit integer column): bigger ones cannot exist.
_MAX_ID = 2**31 - 1


def _search(backend: SearchBackend, query: SearchQuery) -> SearchResults:
    try:
        return backend.search(query)
    except ValueError as error:
        # The engine refuses only what the parameters should have refused: say so, never a 500.
        raise InvalidParameter(
            {"q": "We could not run that search. Try different or fewer words"}
        ) from error


def run_search(
    session: DbSession, backend: SearchBackend, search: SearchRequest, *, source: Source
) -> SearchResults:
    """Run the search and record it in the search log, in one commit.

    Guarantees: every search that reaches the engine is logged with its text, filters (postcode
    cut to its district), council, district, total result count, time taken and source. A page
    past the last one raises NotFound (the search is still logged: it was asked).
    """
    started = time.perf_counter()
    results = _search(backend, search.query)
    took_ms = round((time.perf_counter() - started) * 1000)
    session.add(
        SearchLog(
            query_text=search.query.text,
            filters=search.filters,
            council_id=search.council_id,
            district=search.district,
            result_count=results.total,
            took_ms=took_ms,
            source=source,
        )
    )
    session.commit()
    query = search.query
    pages = max(1, -(-results.total // query.per_page))
    if query.page > pages:
        have = "1 page" if pages == 1 else f"{pages} pages"
        raise NotFound(f"There is no page {query.page}. The results have {have}.")
    return results


# --- Saying why nothing was found ----------------------------------------------------------

# What dropping each filter changes in the query.
_WITHOUT: dict[str, dict[str, Any]] = {
    "q": {"text": ""},
    "kind": {"kind": None},
    "category": {"categories": ()},
    "council": {"council": None},
    "postcode": {"geo": None, "sort": "relevance"},
    "deployment": {"deployment": None},
    "unit": {"unit": None},
    "max_price_pence": {"max_price_pence": None},
    "free": {"free": False},
    "day": {"days": ()},
    "time_band": {"time_bands": ()},
    "delivery": {"delivery": None},
    "for_age": {"for_age": None},
    "accessibility": {"accessibility": ()},
    "language": {"language": None},
    "min_rating": {"min_rating_score": None},
    "pa_check": {"pa_checks": ()},
    "gender": {"gender": None},
    "vacancies": {"vacancies": False},
}


@dataclass(frozen=True)
class Relaxation:
    """How many results there would be without some of the search's filters."""

    params: tuple[str, ...]  # the parameters dropped (several for "without any filters")
    count: int


@dataclass(frozen=True)
class SearchPage:
    results: SearchResults
    # Filled only when nothing was found: what each filter cost, largest gain first.
    relaxations: list[Relaxation]


def _count_without(backend: SearchBackend, query: SearchQuery, params: tuple[str, ...]) -> int:
    changes: dict[str, Any] = {"page": 1, "per_page": 1, "with_facets": False}
    for name in params:
        changes.update(_WITHOUT[name])
    return _search(backend, dataclasses.replace(query, **changes)).total


def explain_empty(backend: SearchBackend, search: SearchRequest) -> list[Relaxation]:
    """For a search that found nothing: how many results dropping each filter would give.

    Also the search words alone and the filters alone (when there are both), and every filter
    dropped at once (when there are several). Only relaxations that would find something are
    returned, the most rewarding first. These counts are not logged: the person asked one search.
    """
    active = tuple(name for name in _WITHOUT if name in search.params and name != "q")
    if not active:
        return []
    candidates: list[tuple[str, ...]] = [(name,) for name in active]
    if "q" in search.params:
        candidates.append(("q",))
    if len(active) > 1:
        candidates.append(active)
    found = [Relaxation(c, _count_without(backend, search.query, c)) for c in candidates]
    return sorted((r for r in found if r.count), key=lambda r: (len(r.params), -r.count))


def search_page(session: DbSession, backend: SearchBackend, search: SearchRequest) -> SearchPage:
    """The search page's search: run and log it; if it found nothing, say what narrowed it."""
    results = run_search(session, backend, search, source="page")
    relaxations = explain_empty(backend, search) if results.total == 0 else []
    return SearchPage(results, relaxations)


def council_names(session: DbSession) -> list[tuple[str, str]]:
    """Every council as (ONS code, name), by name: the council filter's choices."""
    rows = session.execute(select(Council.code, Council.name).order_by(Council.name, Council.code))
    return [(code, name) for code, name in rows]


# --- The API's public records --------------------------------------------------------------

_LISTING_KIND = {"offer": "offer", "pa": "pa_profile", "organisation": "organisation"}


def public_record(session: DbSession, kind: str, listing_id: int) -> dict[str, Any]:
    """The full public record of a published listing, for the API; anything else is NotFound.

    Money is integer pence; a personal assistant is never placed more precisely than their home
    postcode district; checks carry their dates and whether they have expired.
    """
    if kind not in _LISTING_KIND or not 1 <= listing_id <= _MAX_ID:
        raise NotFound(f"There is no published {_kind_label(kind)} with that id.")
    try:
        listing = public_listing(session, _LISTING_KIND[kind], listing_id)
    except NotFound as error:
        raise NotFound(f"There is no published {_kind_label(kind)} with that id.") from error
    if isinstance(listing, Offer):
        return records.offer_record(listing)
    if isinstance(listing, PAProfile):
        return records.pa_record(listing)
    return records.organisation_record(session, listing)


def _kind_label(kind: str) -> str:
    return {"offer": "offer", "pa": "personal assistant", "organisation": "organisation"}.get(
        kind, "listing"
    )
