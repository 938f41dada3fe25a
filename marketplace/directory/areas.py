"""Which councils' areas a listing serves, kept in ``listing_areas`` for browsing and moderation."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select

from marketplace import geo
from marketplace.directory.models import (
    Council,
    CouncilDistrict,
    ListingArea,
    Offer,
    Organisation,
    PAProfile,
)
from marketplace.extensions import DbSession

Listing = Offer | PAProfile | Organisation


def councils_for_districts(session: DbSession, districts: Iterable[str]) -> set[int]:
    wanted = sorted(set(districts))
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(CouncilDistrict.council_id).where(CouncilDistrict.district.in_(wanted))
        )
    )


def councils_for_codes(session: DbSession, codes: Iterable[str]) -> set[int]:
    wanted = sorted(set(codes))
    if not wanted:
        return set()
    return set(session.scalars(select(Council.id).where(Council.code.in_(wanted))))


def organisation_councils(session: DbSession, organisation: Organisation) -> set[int]:
    return councils_for_codes(
        session, organisation.service_councils or []
    ) | councils_for_districts(
        session, [*(organisation.service_districts or []), organisation.base_district]
    )


def pa_councils(session: DbSession, profile: PAProfile) -> set[int]:
    """Councils with a district whose centre lies within the PA's travel range of home."""
    known = geo.districts()
    home = known.get(profile.home_district)
    if home is None:
        return set()
    all_districts = session.scalars(select(CouncilDistrict.district).distinct()).all()
    reachable = [
        code
        for code in all_districts
        if code in known and geo.distance_km(home, known[code]) <= profile.travel_km
    ]
    return councils_for_districts(session, [profile.home_district, *reachable])


def offer_councils(session: DbSession, offer: Offer) -> set[int]:
    councils: set[int] = set()
    if offer.deliver_venue and offer.venue_district:
        councils |= councils_for_districts(session, [offer.venue_district])
    if offer.deliver_home or offer.deliver_online:
        if offer.organisation is not None:
            councils |= organisation_councils(session, offer.organisation)
        elif offer.pa_profile is not None:
            councils |= pa_councils(session, offer.pa_profile)
    return councils


def listing_kind(listing: Listing) -> str:
    if isinstance(listing, Offer):
        return "offer"
    if isinstance(listing, PAProfile):
        return "pa_profile"
    return "organisation"


def councils_for(session: DbSession, listing: Listing) -> set[int]:
    if isinstance(listing, Offer):
        return offer_councils(session, listing)
    if isinstance(listing, PAProfile):
        return pa_councils(session, listing)
    return organisation_councils(session, listing)


def refresh_listing_areas(session: DbSession, listing: Listing) -> set[int]:
    """Recompute the council areas of one listing. Does not commit."""
    kind = listing_kind(listing)
    session.flush()
    session.execute(
        delete(ListingArea).where(ListingArea.kind == kind, ListingArea.listing_id == listing.id)
    )
    councils = councils_for(session, listing)
    session.add_all(
        ListingArea(kind=kind, listing_id=listing.id, council_id=council_id)
        for council_id in sorted(councils)
    )
    return councils
