"""Whose listing is this? One answer for every owner route: someone else's listing is NotFound."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from marketplace.directory.models import Offer, Organisation, PAProfile
from marketplace.errors import NotFound
from marketplace.extensions import DbSession
from marketplace.moderation.snapshots import Listing
from marketplace.moderation.versions import load_listing
from marketplace.permissions import Permission, has_permission

NOT_YOURS = "Page not found. If you typed the web address, check it is correct."


def acting_organisation(user: Any) -> Organisation | None:
    """The organisation whose offers this user manages: only approved staff act for it."""
    if not has_permission(user, Permission.MANAGE_ORG_LISTINGS):
        return None
    if user.organisation is None or not user.acts_for(user.organisation_id):
        return None
    return user.organisation


def own_profile(session: DbSession, user: Any) -> PAProfile | None:
    if not has_permission(user, Permission.MANAGE_PA_PROFILE):
        return None
    return session.scalar(select(PAProfile).where(PAProfile.user_id == user.id))


def owns(user: Any, listing: Listing) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if isinstance(listing, Offer):
        if listing.organisation_id is not None:
            return has_permission(user, Permission.MANAGE_ORG_LISTINGS) and user.acts_for(
                listing.organisation_id
            )
        profile = listing.pa_profile
        return (
            profile is not None
            and profile.user_id == user.id
            and has_permission(user, Permission.MANAGE_PA_PROFILE)
        )
    if isinstance(listing, PAProfile):
        return listing.user_id == user.id and has_permission(user, Permission.MANAGE_PA_PROFILE)
    return has_permission(user, Permission.MANAGE_ORGANISATION) and user.acts_for(listing.id)


def owned_listing(session: DbSession, user: Any, kind: str, listing_id: int) -> Listing:
    """The listing, if this user may edit it; NotFound otherwise (ids leak nothing)."""
    listing = load_listing(session, kind, listing_id)
    if listing is None or not owns(user, listing):
        raise NotFound(NOT_YOURS)
    return listing
