"""Who may see and act on a quote, and loading quotes with expiry checked on every read.

The requester's side is whoever may plan for the holder (the holder, a representative, an active
broker); the provider's side is the PA asked, or any active staff member of the organisation
asked. Everyone else gets NotFound (404): ids leak nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.clock import utcnow
from marketplace.directory.models import PAProfile
from marketplace.errors import NotFound
from marketplace.extensions import DbSession, affected_rows
from marketplace.holders.access import care_access
from marketplace.permissions import Role
from marketplace.quotes.models import Quote, QuoteEvent, QuoteRequest
from marketplace.quotes.states import OPEN, QuoteStatus, Side

QUOTE_NOT_FOUND = "We could not find that quote."
REQUEST_NOT_FOUND = "We could not find that quote request."
PROVIDER_ROLES = {Role.PROVIDER_ADMIN.value, Role.PROVIDER_STAFF.value}


class Provided(Protocol):
    """Anything one provider delivers: a quote, a booking."""

    organisation_id: int | None
    pa_profile_id: int | None
    pa_profile: PAProfile | None


def expiry_from_now() -> Any:
    """When a quote moved now expires if the other side does not answer."""
    return utcnow() + timedelta(days=int(current_app.config["QUOTE_EXPIRY_DAYS"]))


def may_request_for(session: DbSession, user: Any, holder_id: int) -> bool:
    try:
        return care_access(session, user, holder_id).can_plan
    except NotFound:
        return False


def provides(user: Any, quote: Provided) -> bool:
    """True when the user answers this quote (or delivers this booking): the PA asked, or active
    staff of the organisation asked whose place there is approved (an account made inactive, or
    someone whose claim to the organisation is still being checked, answers nothing)."""
    if not getattr(user, "active", False):
        return False
    if quote.organisation_id is not None:
        return user.role in PROVIDER_ROLES and user.acts_for(quote.organisation_id)
    return quote.pa_profile is not None and quote.pa_profile.user_id == user.id


def side_of(session: DbSession, user: Any, quote: Quote) -> Side:
    """The side the user is on for this quote; NotFound when on neither."""
    if provides(user, quote):
        return Side.PROVIDER
    if may_request_for(session, user, quote.request.holder_id):
        return Side.REQUESTER
    raise NotFound(QUOTE_NOT_FOUND)


def provider_people(session: DbSession, quote: Provided) -> list[User]:
    """The active accounts that answer this quote or deliver this booking (the PA, or the
    organisation's approved staff): those told of its events."""
    if quote.organisation_id is not None:
        return list(
            session.scalars(
                select(User)
                .where(
                    User.organisation_id == quote.organisation_id,
                    User.role.in_(PROVIDER_ROLES),
                    User.active.is_(True),
                    User.org_approved.is_(True),
                )
                .order_by(User.id)
            )
        )
    pa = quote.pa_profile or session.get(PAProfile, quote.pa_profile_id)
    user = session.get(User, pa.user_id) if pa is not None else None
    return [user] if user is not None and user.active else []


def expire_due(session: DbSession, quotes: list[Quote] | None = None) -> list[Quote]:
    """Expire open quotes whose time is up (those given, or all) and tell both sides. Each is a
    conditional update (open and due), so a quote answered meanwhile is left alone and none is
    expired twice. Not committed: the caller commits."""
    from marketplace.quotes.telling import tell_expired  # telling imports this module

    now = utcnow()
    if quotes is None:
        due = list(
            session.scalars(
                select(Quote)
                .where(Quote.status.in_(OPEN), Quote.expires_at <= now)
                .order_by(Quote.id)
                .options(selectinload(Quote.request))
            )
        )
    else:
        due = [q for q in quotes if q.status in OPEN and q.expires_at <= now]
    expired = []
    for quote in due:
        before = quote.status
        done = affected_rows(
            session.execute(
                update(Quote)
                .where(Quote.id == quote.id, Quote.status == before, Quote.expires_at <= now)
                .values(status=QuoteStatus.EXPIRED.value, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        if done != 1:
            continue
        session.add(QuoteEvent(quote_id=quote.id, from_status=before, to_status="expired", at=now))
        session.refresh(quote)
        tell_expired(session, quote)
        expired.append(quote)
    return expired


def checked_on_read(session: DbSession, quotes: list[Quote]) -> None:
    """Expiry checked on read: any of these quotes past its time is expired now (committed)."""
    if any(q.status in OPEN and q.expires_at <= utcnow() for q in quotes):
        expire_due(session, quotes)
        session.commit()


def quote_for(session: DbSession, user: Any, quote_id: int) -> tuple[Quote, Side]:
    """A quote the user is a party to, expiry checked, with the user's side; else NotFound."""
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFound(QUOTE_NOT_FOUND)
    side = side_of(session, user, quote)
    checked_on_read(session, [quote])
    return quote, side


def request_for(session: DbSession, user: Any, request_id: int) -> QuoteRequest:
    """A request the user may see as the holder's side (all its quotes); else NotFound."""
    request = session.get(QuoteRequest, request_id)
    if request is None or not may_request_for(session, user, request.holder_id):
        raise NotFound(REQUEST_NOT_FOUND)
    checked_on_read(session, list(request.quotes))
    return request
