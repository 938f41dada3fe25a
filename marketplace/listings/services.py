"""Owners' use cases: create and edit offers, PA profiles (with checks) and organisations; send
them for review; withdraw what waits.

The versioning rule: a listing that has never been published is edited in place (its row is the
working draft); an edit of a published listing never touches the row but waits as the listing's one
pending ``ListingVersion`` until a moderator approves it. Each public function is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.clock import today, utcnow
from marketplace.directory.models import Council, Offer, Organisation, PAProfile
from marketplace.directory.vocab import COUNCIL_RUN
from marketplace.errors import Conflict, DomainError, InvalidTransition, NotFound, ValidationFailed
from marketplace.extensions import DbSession
from marketplace.listings import rules
from marketplace.listings.ownership import acting_organisation, own_profile, owned_listing
from marketplace.moderation.models import ListingVersion
from marketplace.moderation.snapshots import Listing, apply, kind_of, snapshot, title_of
from marketplace.moderation.versions import (
    commit,
    ever_published,
    pending_version,
    propose,
)
from marketplace.permissions import Permission, has_permission

Outcome = Literal["saved", "pending", "unchanged"]


@dataclass(frozen=True)
class CheckView:
    kind: str
    title: str
    reference: str
    issued_on: date | None
    expires_on: date | None

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < today()


@dataclass
class Editing:
    """A listing as its owner edits it: the pending version's data if one waits, else the row's."""

    listing: Listing
    data: dict[str, Any]
    pending: ListingVersion | None
    published: bool

    @property
    def title(self) -> str:
        return title_of(self.listing)

    @property
    def checks(self) -> list[CheckView]:
        """A PA's checks as they are being edited (dates parsed back from the snapshot)."""
        return [
            CheckView(
                kind=c["kind"],
                title=c["title"],
                reference=c["reference"],
                issued_on=date.fromisoformat(c["issued_on"]) if c["issued_on"] else None,
                expires_on=date.fromisoformat(c["expires_on"]) if c["expires_on"] else None,
            )
            for c in self.data.get("checks") or []
        ]


def editable_data(session: DbSession, listing: Listing) -> dict[str, Any]:
    pending = pending_version(session, kind_of(listing), listing.id)
    return dict(pending.data) if pending is not None else snapshot(listing)


def for_editing(session: DbSession, user: Any, kind: str, listing_id: int) -> Editing:
    listing = owned_listing(session, user, kind, listing_id)
    pending = pending_version(session, kind, listing.id)
    data = dict(pending.data) if pending is not None else snapshot(listing)
    return Editing(listing, data, pending, ever_published(listing))


def _save(session: DbSession, user: Any, listing: Listing, data: dict[str, Any]) -> Outcome:
    """Keep an owner's edit: on the draft row, or as the pending version of a published listing."""
    kind = kind_of(listing)
    pending = pending_version(session, kind, listing.id)
    if ever_published(listing):
        if data == snapshot(listing):
            # Back to what the public already sees: nothing is left to review.
            if pending is None:
                return "unchanged"
            pending.status, pending.decided_at = "withdrawn", utcnow()
            return "unchanged"
        propose(session, listing, data, user)
        return "pending"
    apply(listing, data)
    if pending is not None:
        # Still waiting for its first review: the moderator should see the latest draft.
        propose(session, listing, data, user)
        return "pending"
    return "saved"


# --- offers -----------------------------------------------------------------------------------


def _council_run(offer: Offer) -> bool:
    return offer.organisation is not None and offer.organisation.kind == COUNCIL_RUN


def create_offer(session: DbSession, user: Any, offer: rules.OfferInput) -> Offer:
    """A new offer, as a draft of the user's organisation (or of their PA profile)."""
    organisation = acting_organisation(user)
    profile = None if organisation is not None else own_profile(session, user)
    if organisation is None and profile is None:
        if has_permission(user, Permission.MANAGE_PA_PROFILE):
            raise DomainError("Create your personal assistant profile before you add offers.")
        raise NotFound("Page not found. If you typed the web address, check it is correct.")
    data = rules.offer_data(
        offer, council_run=organisation is not None and organisation.kind == COUNCIL_RUN
    )
    row = Offer(organisation=organisation, pa_profile=profile, status="draft")
    apply(row, data)
    session.add(row)
    session.commit()
    return row


def update_offer(session: DbSession, user: Any, offer_id: int, offer: rules.OfferInput) -> Outcome:
    row = owned_listing(session, user, "offer", offer_id)
    assert isinstance(row, Offer)
    outcome = _save(session, user, row, rules.offer_data(offer, council_run=_council_run(row)))
    commit(session)
    return outcome


# --- PA profiles and their checks -----------------------------------------------------------------


def save_pa_profile(session: DbSession, user: Any, profile: rules.PAProfileInput) -> Outcome:
    """Create the PA's one profile (as a draft) or edit it."""
    if not has_permission(user, Permission.MANAGE_PA_PROFILE):
        raise NotFound("Page not found. If you typed the web address, check it is correct.")
    row = own_profile(session, user)
    checks = editable_data(session, row)["checks"] if row is not None else []
    data = rules.pa_profile_data(profile, checks)
    if row is None:
        row = PAProfile(user_id=user.id, status="draft")
        apply(row, data)
        session.add(row)
        try:
            session.commit()
        except IntegrityError as error:  # the same form sent twice at once: one profile only
            session.rollback()
            raise Conflict("You already have a profile. Open it from your listings.") from error
        return "saved"
    outcome = _save(session, user, row, data)
    commit(session)
    return outcome


def _profile_for_checks(session: DbSession, user: Any) -> PAProfile:
    row = own_profile(session, user)
    if row is None:
        raise NotFound("Create your profile before you add checks.")
    return row


def profile_for_editing(session: DbSession, user: Any) -> Editing | None:
    row = own_profile(session, user)
    return None if row is None else for_editing(session, user, "pa_profile", row.id)


def add_check(session: DbSession, user: Any, check: rules.CheckInput) -> Outcome:
    row = _profile_for_checks(session, user)
    item = rules.check_data(check)
    data = editable_data(session, row)
    data["checks"] = [*data["checks"], item]
    outcome = _save(session, user, row, data)
    commit(session)
    return outcome


def remove_check(session: DbSession, user: Any, index: int, kind: str) -> Outcome:
    """Remove the check at that position; kind guards against a page that is out of date."""
    row = _profile_for_checks(session, user)
    data = editable_data(session, row)
    checks = list(data["checks"])
    if not 0 <= index < len(checks):
        raise NotFound("That check is not on your profile.")
    if checks[index]["kind"] != kind:
        raise Conflict("Your checks changed since you opened the page. Try again.")
    del checks[index]
    data["checks"] = checks
    outcome = _save(session, user, row, data)
    commit(session)
    return outcome


# --- organisations --------------------------------------------------------------------------------


def council_choices(session: DbSession) -> list[tuple[str, str]]:
    """Every council as (code, name), by nation and name, for the service-area checkboxes."""
    rows = session.execute(
        select(Council.code, Council.name).order_by(Council.nation, Council.name)
    )
    return [(code, name) for code, name in rows]


def organisation_for_editing(session: DbSession, user: Any) -> Editing:
    if user.organisation_id is None:
        raise NotFound("Page not found. If you typed the web address, check it is correct.")
    return for_editing(session, user, "organisation", user.organisation_id)


def update_organisation(session: DbSession, user: Any, org: rules.OrganisationInput) -> Outcome:
    """Edit the user's organisation. A council-run organisation cannot keep direct-payment offers."""
    if user.organisation_id is None:
        raise NotFound("Page not found. If you typed the web address, check it is correct.")
    row = owned_listing(session, user, "organisation", user.organisation_id)
    assert isinstance(row, Organisation)
    known = session.scalars(select(Council.code)).all()
    data = rules.organisation_data(org, known)
    if data["kind"] == COUNCIL_RUN and _takes_direct_payments(session, row):
        raise ValidationFailed(
            {
                "kind": "Some of your offers can be paid by direct payment, which a council-run "
                "service cannot accept. Change those offers first"
            }
        )
    outcome = _save(session, user, row, data)
    commit(session)
    return outcome


def _takes_direct_payments(session: DbSession, organisation: Organisation) -> bool:
    for offer in organisation.offers:
        if offer.pay_dp or editable_data(session, offer).get("pay_dp"):
            return True
    return False


# --- review -----------------------------------------------------------------------------------------


def _check_complete(session: DbSession, listing: Listing) -> None:
    """A draft is checked against today's rules again before a moderator sees it."""
    data = snapshot(listing)
    if isinstance(listing, Offer):
        rules.offer_data(rules.OfferInput.from_data(data), council_run=_council_run(listing))
    elif isinstance(listing, PAProfile):
        rules.pa_profile_data(rules.PAProfileInput.from_data(data), data["checks"])
    else:
        known = session.scalars(select(Council.code)).all()
        rules.organisation_data(rules.OrganisationInput.from_data(data), known)


def submit_for_review(session: DbSession, user: Any, kind: str, listing_id: int) -> ListingVersion:
    """Send a draft to the moderators: its row is snapshotted into a pending version."""
    listing = owned_listing(session, user, kind, listing_id)
    if listing.status != "draft":
        raise InvalidTransition(listing.status, "pending", "This listing")
    try:
        _check_complete(session, listing)
    except ValidationFailed as error:
        raise DomainError(
            "Complete the listing before you send it for review: "
            + "; ".join(error.errors.values())
        ) from error
    version = propose(session, listing, snapshot(listing), user)
    listing.status = "pending"
    commit(session)
    return version


def withdraw(session: DbSession, user: Any, kind: str, listing_id: int) -> None:
    """Take back what waits for review. A never-published listing becomes a draft again."""
    listing = owned_listing(session, user, kind, listing_id)
    version = pending_version(session, kind, listing.id)
    if version is None:
        raise Conflict("Nothing about this listing is waiting for review.")
    version.status, version.decided_at = "withdrawn", utcnow()
    if listing.status == "pending":
        listing.status = "draft"
    commit(session)


# --- the owner's overview ----------------------------------------------------------------------------


@dataclass
class Entry:
    kind: str
    listing: Listing
    pending: ListingVersion | None = None
    # The most recent decision, when it was a rejection the owner has not yet acted on.
    rejected: ListingVersion | None = None

    @property
    def title(self) -> str:
        return title_of(self.listing)


@dataclass
class Overview:
    organisation: Entry | None = None
    may_edit_organisation: bool = False
    awaiting_approval: bool = False  # a claim of the organisation waits for a moderator
    profile: Entry | None = None
    offers: list[Entry] = field(default_factory=list)
    may_add_offer: bool = False
    is_pa: bool = False


def _entries(session: DbSession, kind: str, listings: list[Any]) -> list[Entry]:
    entries = {listing.id: Entry(kind, listing) for listing in listings}
    if not entries:
        return []
    versions = session.scalars(
        select(ListingVersion)
        .where(ListingVersion.kind == kind, ListingVersion.listing_id.in_(list(entries)))
        .order_by(ListingVersion.number)
    )
    for version in versions:  # oldest first, so the newest decides
        entry = entries[version.listing_id]
        if version.status == "pending":
            entry.pending = version
        elif version.status == "rejected":
            entry.rejected = version
        elif version.status in ("approved", "withdrawn"):
            entry.rejected = None
    for entry in entries.values():
        if entry.pending is not None:
            entry.rejected = None
    return list(entries.values())


def overview(session: DbSession, user: Any) -> Overview:
    """Everything this user lists, with what waits for review and why anything was refused."""
    result = Overview()
    if has_permission(user, Permission.MANAGE_ORG_LISTINGS) and user.organisation is not None:
        if not user.org_approved:
            result.awaiting_approval = True
            return result
        organisation = user.organisation
        result.organisation = _entries(session, "organisation", [organisation])[0]
        result.may_edit_organisation = has_permission(user, Permission.MANAGE_ORGANISATION)
        offers = session.scalars(
            select(Offer).where(Offer.organisation_id == organisation.id).order_by(Offer.title)
        ).all()
        result.offers = _entries(session, "offer", list(offers))
        result.may_add_offer = True
    if has_permission(user, Permission.MANAGE_PA_PROFILE):
        result.is_pa = True
        profile = own_profile(session, user)
        if profile is not None:
            result.profile = _entries(session, "pa_profile", [profile])[0]
            offers = session.scalars(
                select(Offer).where(Offer.pa_profile_id == profile.id).order_by(Offer.title)
            ).all()
            result.offers = _entries(session, "offer", list(offers))
            result.may_add_offer = True
    return result
