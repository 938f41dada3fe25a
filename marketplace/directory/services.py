"""The public directory: browsing and the pages of offers, personal assistants and organisations.

Only published listings are public. An offer is public only while its owner (organisation or
personal assistant) is published too. A listing that is not public is shown only to its owner
and to moderators; to everyone else it does not exist (NotFound), so ids leak nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.directory import vocab
from marketplace.directory.models import (
    Council,
    ListingArea,
    Offer,
    Organisation,
    PAProfile,
)
from marketplace.errors import NotFound, ValidationFailed
from marketplace.extensions import DbSession
from marketplace.pagination import Page, paginate
from marketplace.permissions import Permission, has_permission

PUBLISHED = "published"
# The browse filter's kinds, and the name each has in listing_areas and reports.
AREA_KIND = {"offer": "offer", "pa": "pa_profile", "organisation": "organisation"}

Listing = Offer | PAProfile | Organisation


# --- Who may see what ---------------------------------------------------------------------


def is_public(listing: Listing) -> bool:
    """True when everyone may see the listing."""
    if listing.status != PUBLISHED:
        return False
    if isinstance(listing, Offer):
        owner = listing.organisation or listing.pa_profile
        return owner is not None and owner.status == PUBLISHED
    return True


def _owns(viewer: User, listing: Listing) -> bool:
    if isinstance(listing, Organisation):
        return viewer.acts_for(listing.id)
    if isinstance(listing, PAProfile):
        return listing.user_id == viewer.id
    if listing.organisation_id is not None:
        return viewer.acts_for(listing.organisation_id)
    return listing.pa_profile is not None and listing.pa_profile.user_id == viewer.id


def _may_see(viewer: User | None, listing: Listing) -> bool:
    if is_public(listing):
        return True
    if viewer is None:
        return False
    return _owns(viewer, listing) or has_permission(viewer, Permission.MODERATE)


def _status_text(listing: Listing) -> str:
    """What a listing's owner or a moderator is told about a listing the public cannot see."""
    if listing.status != PUBLISHED:
        return vocab.label(vocab.LISTING_STATUSES, listing.status)
    return "Not public: the provider's listing is not published"


# --- Browsing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BrowseRow:
    """One result of the browse page, whatever kind of listing it is."""

    kind: str  # offer | pa | organisation
    listing_id: int
    title: str
    kind_label: str
    provider_name: str
    summary: str
    price_pence: int | None
    price_unit: str | None
    category: str
    areas: list[str] = field(default_factory=list)


def council_options(session: DbSession) -> list[tuple[str, str]]:
    """Every council as (ONS code, name), by name: the choices of the area filter."""
    rows = session.execute(select(Council.code, Council.name).order_by(Council.name, Council.code))
    return [(code, name) for code, name in rows]


def _in_council(kind: str, id_column: Any, council_id: int | None) -> Any:
    if council_id is None:
        return None
    return id_column.in_(
        select(ListingArea.listing_id).where(
            ListingArea.kind == AREA_KIND[kind], ListingArea.council_id == council_id
        )
    )


def _offers_stmt(category: str, council_id: int | None) -> Select[Any]:
    owner_org = Organisation.__table__.alias("owner_org")
    owner_pa = PAProfile.__table__.alias("owner_pa")
    stmt = (
        select(Offer)
        .outerjoin(owner_org, owner_org.c.id == Offer.organisation_id)
        .outerjoin(owner_pa, owner_pa.c.id == Offer.pa_profile_id)
        .where(
            Offer.status == PUBLISHED,
            or_(owner_org.c.status == PUBLISHED, owner_pa.c.status == PUBLISHED),
        )
        .options(selectinload(Offer.organisation), selectinload(Offer.pa_profile))
        .order_by(func.lower(Offer.title), Offer.id)
    )
    if category:
        stmt = stmt.where(Offer.category == category)
    in_council = _in_council("offer", Offer.id, council_id)
    return stmt if in_council is None else stmt.where(in_council)


def _pas_stmt(council_id: int | None) -> Select[Any]:
    stmt = (
        select(PAProfile)
        .where(PAProfile.status == PUBLISHED)
        .order_by(func.lower(PAProfile.display_name), PAProfile.id)
    )
    in_council = _in_council("pa", PAProfile.id, council_id)
    return stmt if in_council is None else stmt.where(in_council)


def _organisations_stmt(council_id: int | None) -> Select[Any]:
    stmt = (
        select(Organisation)
        .where(Organisation.status == PUBLISHED)
        .order_by(func.lower(Organisation.name), Organisation.id)
    )
    in_council = _in_council("organisation", Organisation.id, council_id)
    return stmt if in_council is None else stmt.where(in_council)


def _area_names(session: DbSession, kind: str, ids: Sequence[int]) -> dict[int, list[str]]:
    if not ids:
        return {}
    rows = session.execute(
        select(ListingArea.listing_id, Council.name)
        .join(Council, Council.id == ListingArea.council_id)
        .where(ListingArea.kind == AREA_KIND[kind], ListingArea.listing_id.in_(ids))
        .order_by(Council.name)
    )
    names: dict[int, list[str]] = {}
    for listing_id, name in rows:
        names.setdefault(listing_id, []).append(name)
    return names


def _category_name(slug: str) -> str:
    category = vocab.CATEGORY_BY_SLUG.get(slug)
    return category.name if category else slug


def _row(kind: str, listing: Any, areas: list[str]) -> BrowseRow:
    if kind == "offer":
        return BrowseRow(
            kind=kind,
            listing_id=listing.id,
            title=listing.title,
            kind_label="Personal assistant's offer" if listing.pa_profile_id else "Service",
            provider_name=listing.provider_name,
            summary=listing.description,
            price_pence=listing.price_pence,
            price_unit=listing.price_unit,
            category=_category_name(listing.category),
            areas=areas,
        )
    if kind == "pa":
        return BrowseRow(
            kind=kind,
            listing_id=listing.id,
            title=listing.display_name,
            kind_label="Personal assistant",
            provider_name=vocab.label(vocab.PA_EMPLOYMENT, listing.employment),
            summary=listing.bio,
            price_pence=listing.hourly_rate_pence,
            price_unit="hour",
            category=_category_name("personal-assistant"),
            areas=areas,
        )
    return BrowseRow(
        kind=kind,
        listing_id=listing.id,
        title=listing.name,
        kind_label=vocab.label(vocab.ORGANISATION_KINDS, listing.kind),
        provider_name="",
        summary=listing.description,
        price_pence=None,
        price_unit=None,
        category="",
        areas=areas,
    )


@dataclass(frozen=True)
class BrowseResults:
    page: Page  # of BrowseRow
    kind: str
    category: str
    council_name: str


def browse(
    session: DbSession, *, kind: str, category: str, council_code: str, page: int, per_page: int
) -> BrowseResults:
    """One page of the published listings of a kind, filtered, ordered by name then id.

    ``category`` applies to offers only. Unknown filters raise ValidationFailed (the form checks
    them first); a page past the last raises NotFound.
    """
    errors: dict[str, str] = {}
    if kind not in AREA_KIND:
        errors["kind"] = "Choose what to show from the list"
    if category and category not in vocab.CATEGORY_BY_SLUG:
        errors["category"] = "We do not know that category. Choose a category from the list"
    council = (
        session.scalar(select(Council).where(Council.code == council_code))
        if council_code
        else None
    )
    if council_code and council is None:
        errors["council"] = "We do not know that council area. Choose one from the list"
    if errors:
        raise ValidationFailed(errors)

    council_id = council.id if council else None
    if kind == "offer":
        stmt = _offers_stmt(category, council_id)
    elif kind == "pa":
        stmt = _pas_stmt(council_id)
    else:
        stmt = _organisations_stmt(council_id)
    found = paginate(session, stmt, page, per_page)
    areas = _area_names(session, kind, [listing.id for listing in found.items])
    rows = [_row(kind, listing, areas.get(listing.id, [])) for listing in found.items]
    return BrowseResults(
        page=Page(items=rows, page=found.page, per_page=found.per_page, total=found.total),
        kind=kind,
        category=category if kind == "offer" else "",
        council_name=council.name if council else "",
    )


# --- Listing pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferPage:
    offer: Offer
    public: bool
    status_text: str


@dataclass(frozen=True)
class PAPage:
    profile: PAProfile
    public: bool
    status_text: str
    offers: list[Offer]


@dataclass(frozen=True)
class OrganisationPage:
    organisation: Organisation
    public: bool
    status_text: str
    offers: list[Offer]
    council_names: list[str]


def _published_offers(offers: Sequence[Offer]) -> list[Offer]:
    return sorted(
        (offer for offer in offers if offer.status == PUBLISHED),
        key=lambda offer: (offer.title.lower(), offer.id),
    )


def offer_page(session: DbSession, offer_id: int, viewer: User | None) -> OfferPage:
    """The offer, if the viewer may see it; else NotFound."""
    offer = session.get(Offer, offer_id)
    if offer is None or not _may_see(viewer, offer):
        raise NotFound("Page not found. The offer may have been removed.")
    public = is_public(offer)
    return OfferPage(offer, public, "" if public else _status_text(offer))


def pa_page(session: DbSession, pa_id: int, viewer: User | None) -> PAPage:
    """The personal assistant's profile and published offers, if the viewer may see it."""
    profile = session.get(PAProfile, pa_id)
    if profile is None or not _may_see(viewer, profile):
        raise NotFound("Page not found. The personal assistant may have been removed.")
    public = is_public(profile)
    return PAPage(
        profile,
        public,
        "" if public else _status_text(profile),
        _published_offers(profile.offers),
    )


def organisation_page(session: DbSession, org_id: int, viewer: User | None) -> OrganisationPage:
    """The organisation, its service area by council name and its published offers."""
    organisation = session.get(Organisation, org_id)
    if organisation is None or not _may_see(viewer, organisation):
        raise NotFound("Page not found. The organisation may have been removed.")
    codes = sorted(set(organisation.service_councils or []))
    council_names = (
        list(
            session.scalars(
                select(Council.name).where(Council.code.in_(codes)).order_by(Council.name)
            )
        )
        if codes
        else []
    )
    public = is_public(organisation)
    return OrganisationPage(
        organisation,
        public,
        "" if public else _status_text(organisation),
        _published_offers(organisation.offers),
        council_names,
    )


def public_listing(session: DbSession, kind: str, listing_id: int) -> Listing:
    """A listing everyone may see, by kind (offer, pa_profile, organisation); else NotFound."""
    model: type[Offer] | type[PAProfile] | type[Organisation]
    if kind == "offer":
        model = Offer
    elif kind == "pa_profile":
        model = PAProfile
    elif kind == "organisation":
        model = Organisation
    else:
        raise NotFound("Page not found.")
    listing = cast("Listing | None", session.get(model, listing_id))
    if listing is None or not is_public(listing):
        raise NotFound("Page not found. The listing may have been removed.")
    return listing


def listing_title(listing: Listing) -> str:
    if isinstance(listing, Offer):
        return listing.title
    if isinstance(listing, PAProfile):
        return listing.display_name
    return listing.name
