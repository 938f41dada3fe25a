"""Helpers over ``ListingVersion`` rows shared by owners' and moderators' use cases.

They never commit: the calling service does, once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.clock import utcnow
from marketplace.errors import Conflict
from marketplace.extensions import DbSession
from marketplace.moderation.models import ListingVersion
from marketplace.moderation.snapshots import MODELS, Listing, kind_of

CHANGED_MEANWHILE = (
    "Someone else changed this listing at the same time. Reload the page and try again."
)


def load_listing(session: DbSession, kind: str, listing_id: int) -> Listing | None:
    model = MODELS.get(kind)
    return cast(Listing | None, session.get(model, listing_id)) if model is not None else None


def ever_published(listing: Listing) -> bool:
    """Published (or suspended after publication): the row is what the public has seen."""
    return listing.status in ("published", "suspended")


def pending_version(session: DbSession, kind: str, listing_id: int) -> ListingVersion | None:
    return session.scalar(
        select(ListingVersion).where(
            ListingVersion.kind == kind,
            ListingVersion.listing_id == listing_id,
            ListingVersion.status == "pending",
        )
    )


def latest_version(session: DbSession, kind: str, listing_id: int) -> ListingVersion | None:
    return session.scalar(
        select(ListingVersion)
        .where(ListingVersion.kind == kind, ListingVersion.listing_id == listing_id)
        .order_by(ListingVersion.number.desc())
        .limit(1)
    )


def approved_versions(session: DbSession, kind: str, listing_id: int) -> list[ListingVersion]:
    """Approved versions, oldest first."""
    return list(
        session.scalars(
            select(ListingVersion)
            .where(
                ListingVersion.kind == kind,
                ListingVersion.listing_id == listing_id,
                ListingVersion.status == "approved",
            )
            .order_by(ListingVersion.number)
        )
    )


def propose(
    session: DbSession, listing: Listing, data: Mapping[str, Any], user: User
) -> ListingVersion:
    """Put data up for review: the listing's pending version, created or replaced."""
    kind = kind_of(listing)
    version = pending_version(session, kind, listing.id)
    if version is None:
        number = session.scalar(
            select(func.coalesce(func.max(ListingVersion.number), 0)).where(
                ListingVersion.kind == kind, ListingVersion.listing_id == listing.id
            )
        )
        version = ListingVersion(kind=kind, listing_id=listing.id, number=(number or 0) + 1)
        session.add(version)
    version.data = dict(data)
    version.submitted_by_id = user.id
    version.submitted_at = utcnow()
    return version


def fingerprint(version: ListingVersion) -> str:
    """Identifies exactly what a moderator was shown, so a later edit is not approved unseen."""
    content = json.dumps(version.data, sort_keys=True, default=str) + str(version.submitted_at)
    return hashlib.sha256(content.encode()).hexdigest()[:32]


def commit(session: DbSession) -> None:
    """Commit; a lost race on the one-pending-version index becomes a readable 409."""
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        if "listing_versions" in str(error.orig):
            raise Conflict(CHANGED_MEANWHILE) from error
        raise
