"""Search documents built from the database: what the index holds for each published listing.

Only published listings whose owner is published have a document; ``document_for`` answers None
for anything else, which the indexer turns into a removal. Coverage (the districts a home service
or a PA reaches) is worked out here from the service area or the travel range, so the engine
only compares district codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, contains_eager, selectinload

from marketplace import geo
from marketplace.directory import vocab
from marketplace.directory.models import (
    Council,
    CouncilDistrict,
    ListingArea,
    Offer,
    Organisation,
    PAProfile,
)
from marketplace.extensions import DbSession
from marketplace.search.ratings import rating_score
from search_index.interface import Kind, SearchDocument

T = TypeVar("T", Offer, PAProfile, Organisation)
PUBLISHED = "published"
BATCH = 500
# listing_areas names a PA profile "pa_profile"; search keys call it "pa".
AREA_KIND: dict[str, str] = {"offer": "offer", "pa": "pa_profile", "organisation": "organisation"}
PA_PROVIDER = "Personal assistant"
PA_KEYWORDS = "personal assistant PA carer"
PA_CATEGORY = "personal-assistant"
# Check kinds a searcher can ask for, by the name the pa_check filter uses.
CHECK_FILTER: dict[str, str] = {
    "enhanced_dbs": "dbs",
    "pvg": "pvg",
    "right_to_work": "right_to_work",
    "driving_licence": "driving",
    "insurance": "insurance",
}
_CHECK_ORDER = ("dbs", "pvg", "right_to_work", "driving", "insurance")
_DELIVERY_ORDER = tuple(v for v, _ in vocab.DELIVERY_MODES)
_CATEGORY_ORDER = tuple(c.slug for c in vocab.CATEGORIES)
_BAND_ORDER = tuple(v for v, _ in vocab.AGE_BANDS)


# --- small pure helpers ---------------------------------------------------------------------------


def _ordered(values: Iterable[str], order: Iterable[str]) -> tuple[str, ...]:
    """Distinct values in the vocabulary's order (unknown ones last, sorted): stable documents."""
    wanted = set(values)
    known = [v for v in order if v in wanted]
    return (*known, *sorted(wanted - set(known)))


def _pairs_order(pairs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(v for v, _ in pairs)


def _labels(pairs: tuple[tuple[str, str], ...], values: Iterable[str]) -> list[str]:
    return [vocab.label(pairs, v) for v in values]


def centre(district: str | None) -> tuple[float | None, float | None]:
    """A postcode district's centre, or (None, None) when we do not know the district."""
    known = geo.districts().get(district or "")
    return (known.latitude, known.longitude) if known else (None, None)


@lru_cache(maxsize=8192)
def travel_coverage(home: str, km: float) -> tuple[str, ...]:
    """Districts whose centre lies within ``km`` of the home district's centre (home included).

    A pure function of its arguments over the bundled district list, so it is cached: a reindex
    asks it once per distinct (home, range), not once per PA.
    """
    known = geo.districts()
    start = known.get(home)
    if start is None:
        return (home,) if home else ()
    reached = {code for code, d in known.items() if geo.distance_km(start, d) <= km}
    reached.add(home)
    return tuple(sorted(reached))


def for_ages(age_groups: Iterable[str]) -> tuple[str, ...]:
    bands = {vocab.AGE_GROUP_BAND[g] for g in age_groups if g in vocab.AGE_GROUP_BAND}
    return _ordered(bands, _BAND_ORDER)


def delivery_modes(offer: Offer) -> tuple[str, ...]:
    return tuple(
        mode
        for mode, on in (
            ("home", offer.deliver_home),
            ("venue", offer.deliver_venue),
            ("online", offer.deliver_online),
        )
        if on
    )


def current_checks(profile: PAProfile) -> tuple[str, ...]:
    """The pa_check values of a PA's unexpired checks."""
    held = {
        CHECK_FILTER[c.kind] for c in profile.checks if c.kind in CHECK_FILTER and not c.is_expired
    }
    return _ordered(held, _CHECK_ORDER)


def availability(profile: PAProfile) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(days, time bands) from "day:band" slots."""
    slots = [slot.partition(":") for slot in profile.availability or []]
    days = _ordered((d for d, _, _ in slots if d), _pairs_order(vocab.DAYS))
    bands = _ordered((b for _, _, b in slots if b), _pairs_order(vocab.TIME_BANDS))
    return days, bands


# --- what documents need from other tables ----------------------------------------------------------


class Lookups:
    """Council areas and council districts, read one listing at a time or preloaded for all."""

    def __init__(self, session: DbSession) -> None:
        self.session = session
        self._areas: dict[tuple[str, int], tuple[str, ...]] | None = None
        self._council_districts: dict[str, tuple[str, ...]] | None = None

    @classmethod
    def preloaded(cls, session: DbSession) -> Lookups:
        """Every listing area and council district in two queries (for a reindex)."""
        lookups = cls(session)
        areas: dict[tuple[str, int], list[str]] = {}
        rows = session.execute(
            select(ListingArea.kind, ListingArea.listing_id, Council.code)
            .join(Council, Council.id == ListingArea.council_id)
            .order_by(Council.code)
        )
        for kind, listing_id, code in rows:
            areas.setdefault((kind, listing_id), []).append(code)
        lookups._areas = {key: tuple(codes) for key, codes in areas.items()}
        lookups._council_districts = lookups._districts_of(None)
        return lookups

    def _districts_of(self, codes: list[str] | None) -> dict[str, tuple[str, ...]]:
        query = select(Council.code, CouncilDistrict.district).join(
            CouncilDistrict, CouncilDistrict.council_id == Council.id
        )
        if codes is not None:
            query = query.where(Council.code.in_(codes))
        found: dict[str, list[str]] = {}
        for code, district in self.session.execute(query):
            found.setdefault(code, []).append(district)
        return {code: tuple(districts) for code, districts in found.items()}

    def councils(self, kind: str, listing_id: int) -> tuple[str, ...]:
        """ONS codes of the councils whose area the listing serves (from listing_areas)."""
        area_kind = AREA_KIND[kind]
        if self._areas is not None:
            return self._areas.get((area_kind, listing_id), ())
        return tuple(
            self.session.scalars(
                select(Council.code)
                .join(ListingArea, ListingArea.council_id == Council.id)
                .where(ListingArea.kind == area_kind, ListingArea.listing_id == listing_id)
                .order_by(Council.code)
            )
        )

    def council_districts(self, codes: Iterable[str]) -> set[str]:
        wanted = sorted(set(codes))
        if not wanted:
            return set()
        table = (
            self._council_districts
            if self._council_districts is not None
            else self._districts_of(wanted)
        )
        return {district for code in wanted for district in table.get(code, ())}


def organisation_coverage(organisation: Organisation, lookups: Lookups) -> tuple[str, ...]:
    """Districts an organisation visits: its districts, its councils' districts and its base."""
    districts = set(organisation.service_districts or [])
    districts |= lookups.council_districts(organisation.service_councils or [])
    districts.add(organisation.base_district)
    return tuple(sorted(d for d in districts if d))


def pa_coverage(profile: PAProfile) -> tuple[str, ...]:
    return travel_coverage(profile.home_district, float(profile.travel_km))


# --- one document per kind -------------------------------------------------------------------------


def offer_document(offer: Offer, lookups: Lookups) -> SearchDocument:
    """The document of a published offer (the caller has checked it and its owner are published)."""
    organisation, profile = offer.organisation, offer.pa_profile
    category = vocab.CATEGORY_BY_SLUG.get(offer.category)
    keywords = [
        category.name if category else offer.category,
        *_labels(vocab.NEEDS, offer.needs or []),
        *_labels(vocab.AGE_GROUPS, offer.age_groups or []),
        *_labels(vocab.LANGUAGES, offer.languages or []),
        *_labels(vocab.ACCESSIBILITY, offer.accessibility or []),
    ]
    venue = offer.venue_district if offer.deliver_venue else None
    serves: tuple[str, ...] = ()
    base: str | None = None
    if organisation is not None:
        base = organisation.base_district
        if offer.deliver_home:
            serves = organisation_coverage(organisation, lookups)
    elif profile is not None:
        base = profile.home_district
        if offer.deliver_home:
            serves = pa_coverage(profile)
    latitude, longitude = centre(venue)
    if latitude is None and (offer.deliver_home or not offer.deliver_online):
        latitude, longitude = centre(base)
    # An online-only offer has no place: it matches anywhere, at no distance (None).
    rating = organisation.rating if organisation is not None else None
    return SearchDocument(
        kind="offer",
        id=offer.id,
        title=offer.title,
        provider=offer.provider_name,
        body=offer.description or "",
        keywords=" ".join(keywords),
        categories=(offer.category,),
        councils=lookups.councils("offer", offer.id),
        serves_districts=serves,
        venue_district=venue,
        online=offer.deliver_online,
        latitude=latitude,
        longitude=longitude,
        deployments=tuple(offer.deployments),
        unit=offer.price_unit,
        price_pence=offer.price_pence,
        days=_ordered(offer.days or [], _pairs_order(vocab.DAYS)),
        time_bands=_ordered(offer.time_bands or [], _pairs_order(vocab.TIME_BANDS)),
        delivery=delivery_modes(offer),
        for_ages=for_ages(offer.age_groups or []),
        accessibility=_ordered(offer.accessibility or [], _pairs_order(vocab.ACCESSIBILITY)),
        languages=_ordered(offer.languages or [], _pairs_order(vocab.LANGUAGES)),
        rating=rating,
        rating_score=rating_score(organisation.regulator, rating) if organisation else None,
        # A PA's own offers carry the PA's checks and gender, so those filters find them too.
        pa_checks=current_checks(profile) if profile is not None else (),
        gender=profile.gender if profile is not None else None,
        has_vacancies=(offer.vacancies or 0) > 0,
    )


def pa_document(profile: PAProfile, lookups: Lookups) -> SearchDocument:
    """The document of a published PA profile: findable within their travel range of home."""
    days, bands = availability(profile)
    latitude, longitude = centre(profile.home_district)
    keywords = [
        *_labels(vocab.PA_SKILLS, profile.skills or []),
        *_labels(vocab.LANGUAGES, profile.languages or []),
        PA_KEYWORDS,
    ]
    return SearchDocument(
        kind="pa",
        id=profile.id,
        title=profile.display_name,
        provider=PA_PROVIDER,
        body=profile.bio or "",
        keywords=" ".join(keywords),
        categories=(PA_CATEGORY,),
        councils=lookups.councils("pa", profile.id),
        serves_districts=pa_coverage(profile),
        latitude=latitude,
        longitude=longitude,
        # A PA is paid through a direct payment (as employer or as a self-employed worker).
        deployments=("dp",),
        unit="hour",
        price_pence=profile.hourly_rate_pence,
        days=days,
        time_bands=bands,
        delivery=("home",),
        languages=_ordered(profile.languages or [], _pairs_order(vocab.LANGUAGES)),
        pa_checks=current_checks(profile),
        gender=profile.gender,
    )


@dataclass
class OfferFacts:
    """What an organisation's document gathers from its published offers."""

    categories: set[str] = field(default_factory=set)
    deployments: set[str] = field(default_factory=set)
    delivery: set[str] = field(default_factory=set)
    days: set[str] = field(default_factory=set)
    time_bands: set[str] = field(default_factory=set)
    for_ages: set[str] = field(default_factory=set)
    has_vacancies: bool = False

    def add(self, offer: Offer) -> None:
        self.categories.add(offer.category)
        self.deployments.update(offer.deployments)
        self.delivery.update(delivery_modes(offer))
        self.days.update(offer.days or [])
        self.time_bands.update(offer.time_bands or [])
        self.for_ages.update(for_ages(offer.age_groups or []))
        self.has_vacancies = self.has_vacancies or (offer.vacancies or 0) > 0


def organisation_document(
    organisation: Organisation, facts: OfferFacts, lookups: Lookups
) -> SearchDocument:
    """The document of a published organisation, with what its published offers cover."""
    categories = _ordered(facts.categories, _CATEGORY_ORDER)
    keywords = [
        vocab.label(vocab.ORGANISATION_KINDS, organisation.kind),
        *(vocab.CATEGORY_BY_SLUG[c].name for c in categories if c in vocab.CATEGORY_BY_SLUG),
    ]
    latitude, longitude = centre(organisation.base_district)
    return SearchDocument(
        kind="organisation",
        id=organisation.id,
        title=organisation.name,
        provider=organisation.name,
        body=organisation.description or "",
        keywords=" ".join(keywords),
        categories=categories,
        councils=lookups.councils("organisation", organisation.id),
        serves_districts=organisation_coverage(organisation, lookups),
        latitude=latitude,
        longitude=longitude,
        deployments=_ordered(facts.deployments, _pairs_order(vocab.DEPLOYMENTS)),
        days=_ordered(facts.days, _pairs_order(vocab.DAYS)),
        time_bands=_ordered(facts.time_bands, _pairs_order(vocab.TIME_BANDS)),
        delivery=_ordered(facts.delivery, _DELIVERY_ORDER),
        for_ages=_ordered(facts.for_ages, _BAND_ORDER),
        rating=organisation.rating,
        rating_score=rating_score(organisation.regulator, organisation.rating),
        has_vacancies=facts.has_vacancies,
    )


# --- from the database ----------------------------------------------------------------------------------


def _with_published_owner(query: Select[Any]) -> Select[Any]:
    return (
        query.outerjoin(Organisation, Offer.organisation_id == Organisation.id)
        .outerjoin(PAProfile, Offer.pa_profile_id == PAProfile.id)
        .where(
            Offer.status == PUBLISHED,
            or_(Organisation.status == PUBLISHED, PAProfile.status == PUBLISHED),
        )
    )


def _published_offers() -> Select[Offer]:
    """Published offers whose owner is published, owners loaded with them."""
    return _with_published_owner(select(Offer)).options(
        contains_eager(Offer.organisation),
        contains_eager(Offer.pa_profile).selectinload(PAProfile.checks),
    )


def _published_pas() -> Select[PAProfile]:
    return (
        select(PAProfile)
        .where(PAProfile.status == PUBLISHED)
        .options(selectinload(PAProfile.checks))
    )


def _published_organisations() -> Select[Organisation]:
    return select(Organisation).where(Organisation.status == PUBLISHED)


def document_for(session: DbSession, kind: Kind | str, listing_id: int) -> SearchDocument | None:
    """The listing's document as the database holds it now; None when it must not be findable
    (missing, not published, or its owner is not published)."""
    lookups = Lookups(session)
    if kind == "offer":
        offer = session.scalars(_published_offers().where(Offer.id == listing_id)).first()
        return offer_document(offer, lookups) if offer is not None else None
    if kind == "pa":
        profile = session.scalars(_published_pas().where(PAProfile.id == listing_id)).first()
        return pa_document(profile, lookups) if profile is not None else None
    if kind == "organisation":
        organisation = session.scalars(
            _published_organisations().where(Organisation.id == listing_id)
        ).first()
        if organisation is None:
            return None
        facts = OfferFacts()
        for offer in session.scalars(
            select(Offer).where(Offer.organisation_id == organisation.id, Offer.status == PUBLISHED)
        ):
            facts.add(offer)
        return organisation_document(organisation, facts, lookups)
    raise ValueError(f"unknown listing kind {kind!r}")


def _batches(
    session: DbSession, query: Select[T], id_column: InstrumentedAttribute[int]
) -> Iterator[T]:
    """Rows of ``query`` in id order, BATCH at a time (keyset pages: no long-lived cursor)."""
    last = 0
    while True:
        page = list(
            session.scalars(query.where(id_column > last).order_by(id_column).limit(BATCH)).unique()
        )
        if not page:
            return
        yield from page
        last = page[-1].id


def all_documents(session: DbSession) -> Iterator[SearchDocument]:
    """Every document the index should hold: offers, then PAs, then organisations.

    Lookups are preloaded once and rows stream in batches, so a reindex reads the database in a
    few dozen queries whatever its size.
    """
    lookups = Lookups.preloaded(session)
    facts: dict[int, OfferFacts] = {}
    for offer in _batches(session, _published_offers(), Offer.id):
        if offer.organisation_id is not None:
            facts.setdefault(offer.organisation_id, OfferFacts()).add(offer)
        yield offer_document(offer, lookups)
    for profile in _batches(session, _published_pas(), PAProfile.id):
        yield pa_document(profile, lookups)
    for organisation in _batches(session, _published_organisations(), Organisation.id):
        yield organisation_document(organisation, facts.get(organisation.id, OfferFacts()), lookups)


def count_documents(session: DbSession) -> int:
    """How many documents ``all_documents`` yields (for a progress bar)."""
    offers = session.scalar(_with_published_owner(select(func.count(Offer.id)).select_from(Offer)))
    pas = session.scalar(select(func.count(PAProfile.id)).where(PAProfile.status == PUBLISHED))
    organisations = session.scalar(
        select(func.count(Organisation.id)).where(Organisation.status == PUBLISHED)
    )
    return (offers or 0) + (pas or 0) + (organisations or 0)
