"""The shortlist: offers and personal assistants a holder, representative or broker saves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.directory.models import ShortlistItem
from marketplace.directory.services import is_public, public_listing
from marketplace.errors import NotFound
from marketplace.extensions import DbSession


@dataclass(frozen=True)
class ShortlistEntry:
    item: ShortlistItem
    title: str
    public: bool


@dataclass(frozen=True)
class Shortlist:
    offers: list[ShortlistEntry]
    pas: list[ShortlistEntry]

    @property
    def empty(self) -> bool:
        return not self.offers and not self.pas


def shortlist_for(session: DbSession, user: User) -> Shortlist:
    """The user's saved offers and personal assistants, oldest first.

    Listings that are no longer public stay on the list, marked, so nothing vanishes unexplained.
    """
    items = session.scalars(
        select(ShortlistItem)
        .where(ShortlistItem.user_id == user.id)
        .options(selectinload(ShortlistItem.offer), selectinload(ShortlistItem.pa_profile))
        .order_by(ShortlistItem.created_at, ShortlistItem.id)
    ).all()
    offers = [
        ShortlistEntry(item, item.offer.title, is_public(item.offer))
        for item in items
        if item.offer is not None
    ]
    pas = [
        ShortlistEntry(item, item.pa_profile.display_name, is_public(item.pa_profile))
        for item in items
        if item.pa_profile is not None
    ]
    return Shortlist(offers, pas)


def _add_to_shortlist(session: DbSession, user: User, item: ShortlistItem, exists: Any) -> bool:
    if session.scalar(select(ShortlistItem.id).where(ShortlistItem.user_id == user.id, exists)):
        return False
    session.add(item)
    try:
        session.commit()
    except IntegrityError:
        # The same item added twice at once: the unique index kept one; that is what was wanted.
        session.rollback()
        return False
    return True


def add_offer_to_shortlist(session: DbSession, user: User, offer_id: int) -> bool:
    """Save a public offer to the user's shortlist. False when it was there already."""
    offer = public_listing(session, "offer", offer_id)
    return _add_to_shortlist(
        session,
        user,
        ShortlistItem(user_id=user.id, offer_id=offer.id),
        ShortlistItem.offer_id == offer.id,
    )


def add_pa_to_shortlist(session: DbSession, user: User, pa_id: int) -> bool:
    """Save a public personal assistant to the user's shortlist. False when already there."""
    profile = public_listing(session, "pa_profile", pa_id)
    return _add_to_shortlist(
        session,
        user,
        ShortlistItem(user_id=user.id, pa_profile_id=profile.id),
        ShortlistItem.pa_profile_id == profile.id,
    )


def remove_from_shortlist(session: DbSession, user: User, item_id: int) -> str:
    """Delete one of the user's own shortlist items; returns its title. Others' → NotFound."""
    item = session.get(ShortlistItem, item_id)
    if item is None or item.user_id != user.id:
        raise NotFound("That is not on your shortlist.")
    title = (
        item.offer.title if item.offer else item.pa_profile.display_name if item.pa_profile else ""
    )
    session.delete(item)
    session.commit()
    return title
