"""Moderators' use cases for listings: the queue, approving or rejecting a version, suspending a
listing; and every listing's public history of approved changes.

Each public function is one transaction. Decisions are conditional updates (``WHERE status =
'pending'``), so two moderators deciding at once cannot both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.clock import today, utcnow
from marketplace.directory.areas import refresh_listing_areas
from marketplace.directory.models import Council, Offer, Organisation, PAProfile
from marketplace.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from marketplace.extensions import DbSession, affected_rows
from marketplace.listings.ownership import owns
from marketplace.mail.services import queue_mail
from marketplace.moderation.models import ListingVersion
from marketplace.moderation.scope import in_scope, moderator_councils, require_in_scope
from marketplace.moderation.snapshots import (
    KIND_LABELS,
    KINDS,
    Change,
    Line,
    Listing,
    apply,
    council_codes,
    describe,
    diff,
    snapshot,
    title_in,
    title_of,
)
from marketplace.moderation.versions import (
    approved_versions,
    commit,
    ever_published,
    fingerprint,
    load_listing,
)
from marketplace.permissions import Permission, has_permission
from marketplace.urls import absolute_url

REASON_LIMIT = 2000
CHANGED_SINCE_SEEN = (
    "The owner changed this listing while you were reviewing it. Review the latest version."
)


def council_names(session: DbSession, *snapshots: dict[str, Any] | None) -> dict[str, str]:
    codes = sorted(council_codes(*snapshots))
    if not codes:
        return {}
    rows = session.execute(select(Council.code, Council.name).where(Council.code.in_(codes)))
    return {code: name for code, name in rows}


def required_text(text: str, field_name: str = "reason", label: str = "the reason") -> str:
    """Trimmed text a moderator must give (a reason, an outcome), within the length limit."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed({field_name: f"Enter {label}"})
    if len(text) > REASON_LIMIT:
        raise ValidationFailed(
            {
                field_name: f"{label[0].upper()}{label[1:]} must be {REASON_LIMIT:,} characters or fewer"
            }
        )
    return text


def owner_addresses(session: DbSession, listing: Listing) -> list[str]:
    """Who hears about a listing: the PA, or the organisation's approved staff."""
    if isinstance(listing, PAProfile):
        return [listing.user.email]
    if isinstance(listing, Offer) and listing.pa_profile is not None:
        return [listing.pa_profile.user.email]
    org_id = listing.organisation_id if isinstance(listing, Offer) else listing.id
    return list(
        session.scalars(
            select(User.email).where(
                User.organisation_id == org_id, User.org_approved.is_(True), User.active.is_(True)
            )
        )
    )


# --- the queue ----------------------------------------------------------------------------------


@dataclass
class QueueItem:
    version: ListingVersion
    listing: Listing
    title: str
    kind_label: str
    is_edit: bool


def queue(session: DbSession, moderator: Any) -> list[QueueItem]:
    """Pending versions this moderator may decide, oldest first."""
    versions = session.scalars(
        select(ListingVersion)
        .where(ListingVersion.status == "pending")
        .order_by(ListingVersion.submitted_at, ListingVersion.id)
    ).all()
    anywhere = moderator_councils(moderator) is None
    items = []
    for version in versions:
        listing = load_listing(session, version.kind, version.listing_id)
        if listing is None or not (anywhere or in_scope(session, moderator, listing, version.data)):
            continue
        items.append(
            QueueItem(
                version,
                listing,
                title_in(version.kind, version.data),
                KIND_LABELS[version.kind],
                ever_published(listing),
            )
        )
    return items


# --- one version ------------------------------------------------------------------------------


@dataclass
class Review:
    version: ListingVersion
    listing: Listing
    kind: str
    title: str
    lines: list[Line]
    changes: list[Change] | None  # None: a listing's first version, nothing to compare with
    fingerprint: str
    owner_name: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def _version_in_scope(
    session: DbSession, moderator: Any, version_id: int
) -> tuple[ListingVersion, Listing]:
    version = session.get(ListingVersion, version_id)
    if version is None:
        raise NotFound("Page not found. If you typed the web address, check it is correct.")
    listing = load_listing(session, version.kind, version.listing_id)
    return version, require_in_scope(session, moderator, listing, version.data)


def review(session: DbSession, moderator: Any, version_id: int) -> Review:
    """A version as a moderator reviews it: the proposed listing, and for an edit what changes."""
    version, listing = _version_in_scope(session, moderator, version_id)
    live = snapshot(listing) if ever_published(listing) else None
    names = council_names(session, version.data, live)
    owner = ""
    if isinstance(listing, Offer):
        owner = listing.provider_name
    elif isinstance(listing, PAProfile):
        owner = listing.user.name
    return Review(
        version=version,
        listing=listing,
        kind=version.kind,
        title=title_in(version.kind, version.data),
        lines=describe(version.kind, version.data, names),
        changes=diff(version.kind, live, version.data, names) if live is not None else None,
        fingerprint=fingerprint(version),
        owner_name=owner,
    )


def _decide(
    session: DbSession, version: ListingVersion, moderator: Any, status: str, reason: str = ""
) -> None:
    """Move a pending version to its decision, or fail if someone decided (or withdrew) first."""
    done = affected_rows(
        session.execute(
            update(ListingVersion)
            .where(ListingVersion.id == version.id, ListingVersion.status == "pending")
            .values(status=status, decided_by_id=moderator.id, decided_at=utcnow(), reason=reason)
            .execution_options(synchronize_session=False)
        )
    )
    if done != 1:
        session.rollback()
        raise InvalidTransition(version.status, status, "This version")
    session.refresh(version)


def _refresh_areas(session: DbSession, listing: Listing) -> None:
    """A listing's areas, and those of the offers whose area follows it (home visits)."""
    refresh_listing_areas(session, listing)
    if isinstance(listing, Organisation | PAProfile):
        for offer in listing.offers:
            if offer.status == "published":
                refresh_listing_areas(session, offer)


def approve(
    session: DbSession, moderator: Any, version_id: int, seen: str | None = None
) -> ListingVersion:
    """Publish a version: the snapshot becomes the row, the row is published and its areas
    recomputed, and the submitter is told. ``seen`` is the fingerprint the moderator reviewed."""
    version, listing = _version_in_scope(session, moderator, version_id)
    if version.status != "pending":
        raise InvalidTransition(version.status, "approved", "This version")
    if seen is not None and seen != fingerprint(version):
        raise Conflict(CHANGED_SINCE_SEEN)
    was_published = ever_published(listing)
    unrecorded = was_published and not approved_versions(session, version.kind, listing.id)
    _decide(session, version, moderator, "approved")
    if unrecorded:
        # Published before versions were kept (imported, or added by a council): record what the
        # public saw as version 0, so the history can show what this first change changed.
        session.add(
            ListingVersion(
                kind=version.kind,
                listing_id=listing.id,
                number=0,
                data=snapshot(listing),
                status="approved",
                submitted_by_id=None,
                submitted_at=version.submitted_at,
            )
        )
    apply(listing, version.data)
    listing.status = "published"
    listing.last_reviewed_on = today()
    _refresh_areas(session, listing)
    if version.submitted_by is not None:
        what = "Your changes to" if was_published else "Your listing"
        queue_mail(
            session,
            version.submitted_by.email,
            f"Approved: {title_of(listing)}",
            f"Hello {version.submitted_by.name},\n\n{what} “{title_of(listing)}” "
            f"{'are' if was_published else 'is'} now published.\n\n"
            f"See your listings: {absolute_url('listings.index')}\n",
        )
    commit(session)
    return version


def reject(session: DbSession, moderator: Any, version_id: int, reason: str) -> ListingVersion:
    """Refuse a version, saying why. The row is unchanged; a never-published one is a draft again."""
    version, listing = _version_in_scope(session, moderator, version_id)
    reason = required_text(reason)
    if version.status != "pending":
        raise InvalidTransition(version.status, "rejected", "This version")
    _decide(session, version, moderator, "rejected", reason)
    if listing.status == "pending":
        listing.status = "draft"
    if version.submitted_by is not None:
        queue_mail(
            session,
            version.submitted_by.email,
            f"Not approved: {title_in(version.kind, version.data)}",
            f"Hello {version.submitted_by.name},\n\nA moderator did not approve "
            f"“{title_in(version.kind, version.data)}”. The reason they gave:\n\n{reason}\n\n"
            f"You can change the listing and send it again: {absolute_url('listings.index')}\n",
        )
    commit(session)
    return version


# --- suspending a published listing --------------------------------------------------------------


@dataclass
class ListingState:
    kind: str
    listing: Listing
    title: str
    versions: list[ListingVersion] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def listing_state(session: DbSession, moderator: Any, kind: str, listing_id: int) -> ListingState:
    listing = require_in_scope(session, moderator, load_listing(session, kind, listing_id))
    return ListingState(kind, listing, title_of(listing))


def set_suspended(
    session: DbSession, moderator: Any, kind: str, listing_id: int, suspended: bool, reason: str
) -> Listing:
    """Hide a published listing (or show it again), telling its owners why."""
    listing = require_in_scope(session, moderator, load_listing(session, kind, listing_id))
    reason = required_text(reason)
    switch_suspension(session, listing, suspended, reason)
    commit(session)
    return listing


def switch_suspension(session: DbSession, listing: Listing, suspended: bool, reason: str) -> None:
    """Suspend or republish a listing and tell its owners. Does not commit."""
    wanted, current = ("suspended", "published") if suspended else ("published", "suspended")
    model = type(listing)
    done = affected_rows(
        session.execute(
            update(model)
            .where(model.id == listing.id, model.status == current)
            .values(status=wanted)
            .execution_options(synchronize_session=False)
        )
    )
    if done != 1:
        raise InvalidTransition(listing.status, wanted, "This listing")
    session.refresh(listing)
    subject = ("Suspended: " if suspended else "Published again: ") + title_of(listing)
    body = (
        f"A moderator has {'suspended' if suspended else 'published again'} "
        f"“{title_of(listing)}”. {'It is hidden from the directory until it is fixed. ' if suspended else ''}"
        f"The reason they gave:\n\n{reason}\n"
    )
    for address in owner_addresses(session, listing):
        queue_mail(session, address, subject, body)


# --- history ----------------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    number: int
    decided_at: datetime | None
    changes: list[Change]
    first: bool

    @property
    def baseline(self) -> bool:
        """Version 0: the listing as published before its changes were recorded."""
        return self.number == 0


@dataclass
class History:
    kind: str
    listing: Listing
    title: str
    entries: list[HistoryEntry]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def history(session: DbSession, viewer: Any, kind: str, listing_id: int) -> History:
    """Every approved version of a listing, newest first, with what it changed.

    Public for a published listing; otherwise only its owner and moderators see it.
    """
    if kind not in KINDS:
        raise NotFound("Page not found. If you typed the web address, check it is correct.")
    listing = load_listing(session, kind, listing_id)
    if listing is None:
        raise NotFound("Page not found. If you typed the web address, check it is correct.")
    if listing.status != "published" and not (
        owns(viewer, listing)
        or (has_permission(viewer, Permission.MODERATE) and in_scope(session, viewer, listing))
    ):
        raise NotFound("Page not found. If you typed the web address, check it is correct.")
    versions = approved_versions(session, kind, listing.id)
    names = council_names(session, *(v.data for v in versions))
    entries = []
    previous: dict[str, Any] | None = None
    for version in versions:
        entries.append(
            HistoryEntry(
                number=version.number,
                decided_at=version.decided_at,
                changes=diff(kind, previous, version.data, names) if previous is not None else [],
                first=previous is None,
            )
        )
        previous = version.data
    entries.reverse()
    return History(kind, listing, title_of(listing), entries)
