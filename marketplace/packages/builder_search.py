"""The package builder's search: the directory searched in place for one holder, as /search
searches it (``search.params``, ``search.services``), started from what suits the holder: near
their home and what the chosen budget stream may pay for. Every search is logged, as on /search.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from marketplace import geo
from marketplace.directory import vocab as directory_vocab
from marketplace.directory.models import Offer, Organisation
from marketplace.extensions import DbSession
from marketplace.holders.models import HolderRecord
from marketplace.pagination import Page
from marketplace.search import services as search_services
from marketplace.search.params import SearchRequest, parse_search_args
from marketplace.search.presenting import hit_summary
from marketplace.search.services import Relaxation
from search_index.interface import Hit, SearchBackend

if TYPE_CHECKING:
    from marketplace.packages.builder import BuilderPage

SEARCH_KINDS = (("offer", "Services"), ("pa", "Personal assistants"))
DEFAULT_KIND = "offer"
PER_PAGE = 10
RADII_KM = (5, 10, 20, 50)
DEFAULT_RADIUS_KM = 10
# The streams whose kind is a search "deployment"; any other stream (Access to Work …) may pay
# for anything, so it filters nothing.
DEPLOYMENT_KINDS = frozenset({"dp", "managed", "isf"})


# --- the holder's area ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """Where the holder lives, as the directory search takes it."""

    postcode: str | None  # normalised (full, or the district alone); None when unknown
    council_code: str | None
    council_name: str | None


def holder_area(record: HolderRecord | None) -> Area:
    postcode = None
    for text in (record.postcode, record.district) if record is not None else ():
        if not text:
            continue
        try:
            postcode = geo.parse_postcode(text, allow_district=True).text
        except geo.UnknownPostcode:
            continue
        break
    council = record.council if record is not None else None
    return Area(postcode, council.code if council else None, council.name if council else None)


def radius_choices(area: Area) -> list[tuple[str, str]]:
    """The distances the search offers: around the holder's postcode, their council's area,
    anywhere."""
    near = [(str(km), f"Within {km} km of {area.postcode}") for km in RADII_KM]
    council = [("council", f"Anywhere in {area.council_name}")] if area.council_code else []
    return [*(near if area.postcode else []), *council, ("any", "Anywhere")]


# --- the search ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchChoices:
    """What the builder's search form asks (its own parameters, not the directory search's)."""

    q: str = ""
    kind: str = DEFAULT_KIND
    category: str = ""
    stream_id: int | None = None
    radius: str = "any"  # kilometres ("10"), "council" or "any"
    free: bool = False
    page: int = 1

    def as_args(self) -> dict[str, str]:
        """The builder page's query parameters for these choices (every field of its form, so
        that an empty one reads as chosen, not as "use the default")."""
        args = {
            "q": self.q,
            "kind": self.kind,
            "category": self.category,
            "stream": str(self.stream_id) if self.stream_id else "",
            "radius": self.radius,
        }
        if self.free:
            args["free"] = "y"
        if self.page > 1:
            args["page"] = str(self.page)
        return args


def default_choices(page: BuilderPage) -> SearchChoices:
    """The search the builder opens with: services near the holder that the first of their
    streams may pay for."""
    radius = radius_choices(page.area)
    default_radius = str(DEFAULT_RADIUS_KM) if page.area.postcode else radius[0][0]
    first = page.streams[0].id if page.streams else None
    return SearchChoices(stream_id=first, radius=default_radius)


def search_args(page: BuilderPage, choices: SearchChoices, per_page: int) -> MultiDict[str, str]:
    """The directory search's parameters (``search.params``) for the builder's choices."""
    args: MultiDict[str, str] = MultiDict()
    if choices.q:
        args.add("q", choices.q)
    args.add("kind", choices.kind)
    if choices.category:
        args.add("category", choices.category)
    stream = page.stream(choices.stream_id)
    if stream is not None and stream.kind in DEPLOYMENT_KINDS:
        args.add("deployment", stream.kind)
    if choices.radius.isdigit() and page.area.postcode:
        args.add("postcode", page.area.postcode)
        args.add("radius_km", choices.radius)
        if not choices.q:
            args.add("sort", "distance")  # nothing to rank by relevance: nearest first
    elif choices.radius == "council" and page.area.council_code:
        args.add("council", page.area.council_code)
    if choices.free:
        args.add("free", "true")
    args.add("page", str(choices.page))
    args.add("per_page", str(per_page))
    return args


@dataclass(frozen=True)
class Result:
    """One search result, as the builder shows it."""

    hit: Hit
    summary: list[str]  # provider and categories
    rating: str  # "Rated Good", or ""
    add_args: dict[str, str]  # the add page's query: the listing, and the stream searched for


@dataclass(frozen=True)
class Widening:
    """A wider search that would find something where this one found nothing."""

    text: str
    count: int
    choices: SearchChoices


@dataclass(frozen=True)
class DirectorySearch:
    choices: SearchChoices
    request: SearchRequest
    results: list[Result]
    page: Page
    widenings: list[Widening]

    @property
    def total(self) -> int:
        return self.page.total


def _ratings(session: DbSession, hits: list[Hit]) -> dict[int, str]:
    """The regulator's rating of each offer's organisation, in words, by offer id."""
    ids = [hit.id for hit in hits if hit.kind == "offer"]
    if not ids:
        return {}
    rows = session.execute(
        select(Offer.id, Organisation.regulator, Organisation.rating)
        .join(Organisation, Offer.organisation_id == Organisation.id)
        .where(Offer.id.in_(ids))
    )
    found = {}
    for offer_id, regulator, rating in rows:
        scale = directory_vocab.RATINGS.get(regulator or "", ())
        if rating and scale:
            found[offer_id] = f"Rated {directory_vocab.label(scale, rating)}"
    return found


def _widenings(relaxations: list[Relaxation], choices: SearchChoices) -> list[Widening]:
    """The wider searches, in the builder's words: each drops one of its filters (the counts
    are the directory search's own, so each says exactly what it would find)."""
    changes: dict[str, tuple[str, dict[str, Any]]] = {
        "q": (f"Search without the words “{choices.q}”", {"q": ""}),
        "category": ("Search every category", {"category": ""}),
        "deployment": ("Search for any way of paying", {"stream_id": None}),
        "postcode": ("Search anywhere", {"radius": "any"}),
        "council": ("Search anywhere", {"radius": "any"}),
        "free": ("Include support that is not free", {"free": False}),
    }
    found = []
    for relaxation in relaxations:
        if len(relaxation.params) != 1 or relaxation.params[0] not in changes:
            continue  # dropping the kind would show organisations, which are not lines
        text, change = changes[relaxation.params[0]]
        found.append(Widening(text, relaxation.count, replace(choices, page=1, **change)))
    return found


def search_directory(
    session: DbSession,
    backend: SearchBackend,
    page: BuilderPage,
    choices: SearchChoices,
    *,
    per_page: int = PER_PAGE,
) -> DirectorySearch:
    """Search the directory as /search does (and log it, as every search is), for the
    builder's choices; when nothing is found, the wider searches that would find something.
    A page past the last one is NotFound."""
    request = parse_search_args(
        session, search_args(page, choices, per_page), default_per_page=per_page
    )
    found = search_services.search_page(session, backend, request)
    hits = found.results.hits
    ratings = _ratings(session, hits)
    stream = {"stream": str(choices.stream_id)} if choices.stream_id else {}
    results = [
        Result(
            hit,
            hit_summary(hit),
            ratings.get(hit.id, "") if hit.kind == "offer" else "",
            {"offer" if hit.kind == "offer" else "pa": str(hit.id), **stream},
        )
        for hit in hits
    ]
    return DirectorySearch(
        choices=choices,
        request=request,
        results=results,
        page=Page(results, choices.page, per_page, found.results.total),
        widenings=_widenings(found.relaxations, choices),
    )
