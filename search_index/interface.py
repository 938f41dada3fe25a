"""The search interface: documents in, queries and results out. No engine is imported here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

Kind = Literal["offer", "pa", "organisation"]
Sort = Literal["relevance", "distance", "price"]

# Fields with facet counts, in the order the search page shows them. Each is also a filter.
FACET_FIELDS: tuple[str, ...] = (
    "kind",
    "category",
    "deployment",
    "unit",
    "delivery",
    "day",
    "time_band",
    "for_age",
    "accessibility",
    "language",
    "pa_check",
    "gender",
)


@dataclass(frozen=True)
class SearchDocument:
    """One searchable listing, flattened. Built from the database by marketplace.search."""

    kind: Kind
    id: int
    title: str
    provider: str = ""  # organisation or PA name shown beside the title
    body: str = ""  # description, bio: the main text
    keywords: str = ""  # labels of category, skills, needs, languages … as words
    categories: tuple[str, ...] = ()  # taxonomy slugs
    councils: tuple[str, ...] = ()  # ONS codes of the council areas served
    serves_districts: tuple[str, ...] = ()  # home delivery / PA travel coverage
    venue_district: str | None = None
    online: bool = False
    # Where distance is measured from: the venue, the provider's base or the PA's home district.
    latitude: float | None = None
    longitude: float | None = None
    deployments: tuple[str, ...] = ()  # dp | managed | isf
    unit: str | None = None  # hour | session | … | free
    price_pence: int | None = None  # per unit; 0 when free
    days: tuple[str, ...] = ()
    time_bands: tuple[str, ...] = ()
    delivery: tuple[str, ...] = ()  # home | venue | online
    for_ages: tuple[str, ...] = ()  # children | adults | older
    accessibility: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    rating: str | None = None  # regulator rating slug
    rating_score: int | None = None  # 0-100 across regulators, for min_rating
    pa_checks: tuple[str, ...] = ()  # dbs | pvg | right_to_work | driving | insurance (unexpired)
    gender: str | None = None
    has_vacancies: bool = False
    # Review averages arrive with bookings; kept optional so the schema has room for them.
    rating_stars: float | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class GeoFilter:
    """The searcher's place: their postcode district's centre and the radius they accept.

    ``near_districts`` are the districts whose centre lies within the radius: venue listings in
    them match; home-delivered offers and PAs match when ``district`` is in their coverage.
    """

    district: str
    latitude: float
    longitude: float
    radius_km: float
    near_districts: frozenset[str]


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    kind: Kind | None = None
    categories: tuple[str, ...] = ()
    council: str | None = None
    geo: GeoFilter | None = None
    deployment: str | None = None
    unit: str | None = None
    max_price_pence: int | None = None
    free: bool = False
    days: tuple[str, ...] = ()
    time_bands: tuple[str, ...] = ()
    delivery: str | None = None
    for_age: str | None = None
    accessibility: tuple[str, ...] = ()
    language: str | None = None
    min_rating_score: int | None = None
    pa_checks: tuple[str, ...] = ()
    gender: str | None = None
    vacancies: bool = False
    sort: Sort = "relevance"
    page: int = 1
    per_page: int = 20
    with_facets: bool = True


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class Hit:
    kind: Kind
    id: int
    title: str
    provider: str
    categories: tuple[str, ...]
    price_pence: int | None
    unit: str | None
    distance_km: float | None
    snippet: str  # HTML-safe text; matched words wrapped in <mark>
    score: float


@dataclass(frozen=True)
class SearchResults:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    # A better spelling of the query when it found few or nothing, e.g. "gardening".
    suggestion: str | None = None
    # The words the engine actually searched for after typo correction, if it changed them.
    corrected_text: str | None = None


Progress = Callable[[int], None]


class SearchBackend(Protocol):
    """What every search engine behind the marketplace provides."""

    def index(self, documents: Iterable[SearchDocument]) -> None:
        """Add or replace these documents (by key). Safe to call from several processes."""

    def remove(self, keys: Iterable[str]) -> None:
        """Remove documents by key; unknown keys are ignored."""

    def search(self, query: SearchQuery) -> SearchResults:
        """Run one query. Raises ValueError only for a query the caller should have refused."""

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        """Replace the whole index with these documents; returns how many were indexed."""

    def keys(self) -> set[str]:
        """Every key in the index (for checks that the index agrees with the database)."""

    def close(self) -> None: ...
