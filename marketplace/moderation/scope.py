"""Which listings a moderator may act on: an officer, their council's area; an admin, everything.

A version is in an officer's area when their council is among the councils of the listing as it
is now (the row) OR as it would be once approved (the snapshot). Both matter: an edit that moves an
offer's venue from one council to another is the business of both councils, and for a listing that
has never been published the row and the snapshot are the same anyway. The snapshot is evaluated on
a plain stand-in object, never on the row, so that nothing unapproved can be flushed to the
database by accident.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import SimpleNamespace
from typing import Any, cast

from marketplace.directory import areas
from marketplace.directory.models import Offer, Organisation, PAProfile
from marketplace.errors import NotFound
from marketplace.extensions import DbSession
from marketplace.moderation.snapshots import Listing
from marketplace.permissions import Permission, has_permission

NOT_IN_AREA = "Page not found. If you typed the web address, check it is correct."


def moderator_councils(user: Any) -> set[int] | None:
    """None: may moderate anywhere. Otherwise the councils whose area the user moderates."""
    if has_permission(user, Permission.MODERATE_ANYWHERE):
        return None
    if has_permission(user, Permission.MODERATE) and user.council_id is not None:
        return {user.council_id}
    return set()


def proposed_councils(session: DbSession, listing: Listing, data: Mapping[str, Any]) -> set[int]:
    """The councils the listing would serve with this snapshot applied."""
    values = {key: value for key, value in data.items() if key != "checks"}
    if isinstance(listing, Offer):
        stand_in = SimpleNamespace(
            **values, organisation=listing.organisation, pa_profile=listing.pa_profile
        )
        return areas.offer_councils(session, cast(Offer, stand_in))
    if isinstance(listing, PAProfile):
        return areas.pa_councils(session, cast(PAProfile, SimpleNamespace(**values)))
    inspected = values.get("last_inspected_on")
    values["last_inspected_on"] = date.fromisoformat(inspected) if inspected else None
    return areas.organisation_councils(session, cast(Organisation, SimpleNamespace(**values)))


def in_scope(
    session: DbSession, user: Any, listing: Listing, data: Mapping[str, Any] | None = None
) -> bool:
    allowed = moderator_councils(user)
    if allowed is None:
        return True
    if not allowed:
        return False
    if allowed & areas.councils_for(session, listing):
        return True
    return data is not None and bool(allowed & proposed_councils(session, listing, data))


def require_in_scope(
    session: DbSession, user: Any, listing: Listing | None, data: Mapping[str, Any] | None = None
) -> Listing:
    """The listing, if this moderator may act on it; NotFound otherwise."""
    if listing is None or not in_scope(session, user, listing, data):
        raise NotFound(NOT_IN_AREA)
    return listing
