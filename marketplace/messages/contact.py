"""A listing's "Contact" button: a signed-in person writes to whoever answers for an offer, a
personal assistant or an organisation, and the conversation carries on in Messages.

One thread per person and listing (topic "contact:<kind>:<id>:user:<user id>"): contacting the
same listing again adds to the same conversation. The message goes to the PA, or to every active,
approved staff account of the organisation. A holder's own conversations are about them
(``holder_id``), so their representative and broker see them too.

Refused with nothing written (400): an empty or too long message, writing to your own listing,
and a listing nobody here answers for (the page shows the email and phone it lists instead).
A listing the public cannot see, or an unknown kind, is NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.directory.models import Offer, Organisation, PAProfile
from marketplace.directory.services import Listing, listing_title, public_listing
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import DbSession
from marketplace.messages.models import MessageThread
from marketplace.messages.services import start_thread
from marketplace.permissions import ORGANISATION_ROLES, Role

# The kinds in the address (/contact/<kind>/<id>) and what the directory calls each listing.
KINDS = {"offer": "offer", "pa": "pa_profile", "organisation": "organisation"}
OWN_LISTING = "You cannot send a message to your own listing."
_STAFF_ROLES = [role.value for role in ORGANISATION_ROLES]


def _owner(listing: Listing) -> Organisation | PAProfile | None:
    if isinstance(listing, Offer):
        return listing.organisation or listing.pa_profile
    return listing


def is_own_listing(user: Any, listing: Listing) -> bool:
    """True when the user answers for the listing: its PA, or on its organisation's staff."""
    owner = _owner(listing)
    if isinstance(owner, Organisation):
        return user.role in _STAFF_ROLES and user.organisation_id == owner.id
    return owner is not None and owner.user_id == user.id


@dataclass(frozen=True)
class ContactTarget:
    """A public listing and who answers for it."""

    kind: str  # offer | pa | organisation
    listing: Listing
    title: str  # the offer's title, or the PA's or organisation's name
    name: str  # who answers: the organisation, or the PA by their shown name
    is_organisation: bool
    people: list[User]  # the active accounts the message goes to (empty: nobody here)
    email: str  # the contact details the listing shows (organisations only)
    phone: str

    @property
    def listing_id(self) -> int:
        return self.listing.id

    def refusal(self, user: Any) -> str:
        """Why the user may not write here ("" when they may)."""
        if is_own_listing(user, self.listing):
            return OWN_LISTING
        if not self.people:
            if self.is_organisation:
                return f"{self.name} has no account here yet, so they cannot get messages here."
            return f"{self.name} cannot get messages here at the moment."
        return ""


def _staff(session: DbSession, organisation_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.role.in_(_STAFF_ROLES),
                User.active.is_(True),
                # Someone whose claim to the organisation is still being checked does not
                # answer for it yet.
                User.org_approved.is_(True),
            )
            .order_by(User.id)
        )
    )


def contact_target(session: DbSession, kind: str, listing_id: int) -> ContactTarget:
    """The public listing of that kind and who answers for it; NotFound otherwise."""
    if kind not in KINDS:
        raise NotFound("Page not found.")
    listing = public_listing(session, KINDS[kind], listing_id)
    owner = _owner(listing)
    if isinstance(owner, Organisation):
        return ContactTarget(
            kind,
            listing,
            listing_title(listing),
            owner.name,
            is_organisation=True,
            people=_staff(session, owner.id),
            email=owner.email,
            phone=owner.phone,
        )
    if owner is None:  # pragma: no cover - a public offer always has a published owner
        raise NotFound("Page not found.")
    pa_user = session.get(User, owner.user_id)
    return ContactTarget(
        kind,
        listing,
        listing_title(listing),
        owner.display_name,
        is_organisation=False,
        people=[pa_user] if pa_user is not None and pa_user.active else [],
        email="",
        phone="",
    )


def topic_of(target: ContactTarget, user: Any) -> str:
    return f"contact:{target.kind}:{target.listing_id}:user:{user.id}"


@dataclass(frozen=True)
class ContactPage:
    target: ContactTarget
    own: bool  # the user answers for this listing
    refusal: str  # why the user may not write here ("" when they may)
    thread_id: int | None  # the conversation they already have about this listing


def contact_page(session: DbSession, user: Any, kind: str, listing_id: int) -> ContactPage:
    """What the contact page shows the user: the listing, whether they may write, and the
    conversation they already have about it."""
    target = contact_target(session, kind, listing_id)
    thread_id = session.scalar(
        select(MessageThread.id).where(MessageThread.topic_key == topic_of(target, user))
    )
    return ContactPage(
        target, is_own_listing(user, target.listing), target.refusal(user), thread_id
    )


def contact_listing(
    session: DbSession, user: Any, kind: str, listing_id: int, body: str
) -> MessageThread:
    """Write to whoever answers for the listing: the user's conversation about it (started, or
    the one already there) with ``body`` added, each recipient told. One transaction."""
    target = contact_target(session, kind, listing_id)
    refusal = target.refusal(user)
    if refusal:
        raise DomainError(refusal, field="body")
    thread = start_thread(
        session,
        user,
        topic_key=topic_of(target, user),
        subject=f"About {target.title}",
        participants=target.people,
        body=body,
        holder_id=user.id if user.role == Role.HOLDER.value else None,
    )
    session.commit()
    return thread
