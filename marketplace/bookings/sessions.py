"""What becomes of each session, and the money that follows it.

    scheduled --deliver (provider, on or after the day)--> delivered
    delivered --confirm (holder's side) or lapse (N days)--> confirmed   committed → spent
    scheduled/delivered --missed (either side, on or after the day)--> missed   released
    scheduled --cancel (either side, before it starts)--> cancelled   released; when the holder's
        side cancels inside the provider's notice, the late-cancellation charge is spent

Each move is a conditional UPDATE of the session (from the states it may leave), so two people
moving one session at once move it once; the money moves in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from marketplace.bookings import ledger
from marketplace.bookings.access import session_for
from marketplace.bookings.models import Booking, BookingSession
from marketplace.bookings.schedule import starts_at
from marketplace.clock import date_text, today, utcnow
from marketplace.errors import DomainError, Forbidden, InvalidTransition
from marketplace.extensions import DbSession, affected_rows
from marketplace.money import format_money
from marketplace.notifications.services import notify
from marketplace.plans.workflow import people_to_tell
from marketplace.quotes.access import provider_people
from marketplace.quotes.states import Side

CANCELLED_ALREADY = "This booking is cancelled already."
SESSION_WORDS = {
    "scheduled": "scheduled",
    "delivered": "marked delivered",
    "confirmed": "confirmed",
    "missed": "marked missed",
    "cancelled": "cancelled",
}
_MOVE_WORDS = {
    "delivered": "marked delivered",
    "confirmed": "confirmed",
    "missed": "marked missed",
    "cancelled": "cancelled",
}
# The states each move leaves from, and the side that may make it.
_FROM = {
    "delivered": ({"scheduled"}, {Side.PROVIDER}),
    "confirmed": ({"delivered"}, {Side.REQUESTER}),
    "missed": ({"scheduled", "delivered"}, {Side.PROVIDER, Side.REQUESTER}),
    "cancelled": ({"scheduled"}, {Side.PROVIDER, Side.REQUESTER}),
}


def _refused(item: BookingSession, to: str, why: str = "") -> InvalidTransition:
    now = SESSION_WORDS.get(item.status, item.status)
    reason = f": {why}" if why else ""
    return InvalidTransition(
        item.status,
        to,
        message=f"This session is {now}, so it cannot be {_MOVE_WORDS[to]}{reason}.",
    )


def _claim(session: DbSession, item: BookingSession, to: str, **values: Any) -> int:
    """Move the session from a state it may leave to ``to`` and return its price as the move
    found it (an amendment may have changed it since it was read), or InvalidTransition when
    someone moved it first."""
    leaving, _sides = _FROM[to]
    price = session.execute(
        update(BookingSession)
        .where(BookingSession.id == item.id, BookingSession.status.in_(leaving))
        .values(status=to, **values)
        .returning(BookingSession.price_pence)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if price is None:
        session.rollback()
        session.refresh(item)
        raise _refused(item, to)
    return int(price)


def refusal(item: BookingSession, side: Side, to: str) -> DomainError | None:
    """Why ``side`` may not move the session to ``to`` now, or None when it may: the one
    statement of the rules, for the moves themselves and for the actions pages and the API
    offer."""
    leaving, sides = _FROM[to]
    if side not in sides:
        who = "the provider" if Side.PROVIDER in sides else "the person's side"
        return Forbidden(f"Only {who} can say a session was {_MOVE_WORDS[to]}.")
    if item.status not in leaving:
        return _refused(item, to)
    # A cancelled booking keeps the sessions that had already started: they can still be
    # marked delivered or missed, and confirmed, so their money is settled.
    if item.booking.status != "active" and to == "cancelled":
        return InvalidTransition(
            "cancelled", to, message="This booking is cancelled: its sessions cannot change now."
        )
    if to in {"delivered", "missed"} and item.day > today():
        return _refused(item, to, "it has not happened yet")
    if to == "cancelled" and starts_at(item.day, item.booking.start_time) <= utcnow():
        return _refused(item, to, "it has started; say it was missed instead")
    return None


def allowed_moves(item: BookingSession, side: Side) -> list[str]:
    """The states ``side`` may move the session to now, in the order pages show them."""
    return [to for to in _FROM if refusal(item, side, to) is None]


def _checked(
    session: DbSession, user: Any, session_id: int, to: str
) -> tuple[BookingSession, Side]:
    """The session and the user's side, when that side may move it to ``to`` now."""
    item, side = session_for(session, user, session_id)
    refused = refusal(item, side, to)
    if refused is not None:
        raise refused
    return item, side


def tell_other_side(
    session: DbSession, booking: Booking, actor: Any, side: Side, kind: str, text: str
) -> None:
    """Tell the other side of the booking what ``actor`` (on ``side``) did. Not committed."""
    people = (
        people_to_tell(session, booking.holder_id)
        if side is Side.PROVIDER
        else provider_people(session, booking)
    )
    notify(
        session,
        people,
        kind=kind,
        text=text,
        endpoint="bookings.booking",
        url_values={"booking_id": booking.id},
        skip=actor,
    )


def _who(booking: Booking, side: Side) -> str:
    return booking.provider_name if side is Side.PROVIDER else f"{booking.holder.name}'s side"


def _the_session(item: BookingSession) -> str:
    return f"the session of “{item.booking.description}” on {date_text(item.day)}"


def deliver(session: DbSession, user: Any, session_id: int) -> BookingSession:
    """The provider says the session happened; the holder's side confirms it (or it lapses to
    confirmed). The money stays committed until then. Committed."""
    item, _side = _checked(session, user, session_id, "delivered")
    _claim(session, item, "delivered", delivered_at=utcnow(), delivered_by_id=user.id)
    tell_other_side(
        session,
        item.booking,
        user,
        Side.PROVIDER,
        "session_delivered",
        f"{item.booking.provider_name} marked {_the_session(item)} delivered: confirm it, or "
        "say it did not happen.",
    )
    session.commit()
    session.refresh(item)
    return item


def _spend(
    session: DbSession, item: BookingSession, price: int, actor_id: int | None, note: str
) -> None:
    ledger.move(
        session,
        item.booking.stream_id,
        ledger.spend(price),
        booking_id=item.booking_id,
        session_id=item.id,
        actor_id=actor_id,
        note=note,
    )


def confirm(session: DbSession, user: Any, session_id: int) -> BookingSession:
    """The holder's side confirms a delivered session: its price moves from committed to spent.
    Committed."""
    item, _side = _checked(session, user, session_id, "confirmed")
    price = _claim(session, item, "confirmed", settled_at=utcnow(), settled_by_id=user.id)
    _spend(session, item, price, user.id, "Delivered and confirmed")
    session.commit()
    session.refresh(item)
    return item


def lapse_due(session: DbSession, days: int) -> int:
    """Confirm every session delivered ``days`` or more ago that nobody confirmed or disputed
    (the system confirms it; its price is spent). Returns how many. Committed."""
    cutoff = utcnow() - timedelta(days=days)
    due = list(
        session.scalars(
            select(BookingSession)
            .where(BookingSession.status == "delivered", BookingSession.delivered_at <= cutoff)
            .order_by(BookingSession.id)
        )
    )
    lapsed = 0
    for item in due:
        price = session.execute(
            update(BookingSession)
            .where(BookingSession.id == item.id, BookingSession.status == "delivered")
            .values(status="confirmed", settled_at=utcnow(), settled_by_id=None)
            .returning(BookingSession.price_pence)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if price is None:  # confirmed or disputed meanwhile
            session.rollback()
            continue
        _spend(session, item, int(price), None, f"Confirmed: nobody answered within {days} days")
        session.commit()
        lapsed += 1
    return lapsed


def missed(session: DbSession, user: Any, session_id: int, note: str = "") -> BookingSession:
    """Either side says the session did not happen: its price is released. Committed."""
    item, side = _checked(session, user, session_id, "missed")
    lock_booking(session, item.booking_id)
    price = _claim(session, item, "missed", settled_at=utcnow(), settled_by_id=user.id, note=note)
    ledger.move(
        session,
        item.booking.stream_id,
        ledger.release(price),
        booking_id=item.booking_id,
        session_id=item.id,
        actor_id=user.id,
        note="Missed",
    )
    tell_other_side(
        session,
        item.booking,
        user,
        side,
        "session_missed",
        f"{_who(item.booking, side)} said {_the_session(item)} did not happen: its "
        f"{format_money(price)} is released.",
    )
    session.commit()
    session.refresh(item)
    return item


@dataclass(frozen=True)
class Cancellation:
    """What cancelling a session now costs: the charge (spent) and what is released."""

    charge_pence: int
    released_pence: int
    late: bool


def cancellation(item: BookingSession, side: Side, price: int | None = None) -> Cancellation:
    """The price of cancelling now (of ``price``, else the session's). The holder's side pays
    the late-cancellation share when the session starts within the provider's notice; a
    provider cancelling never charges."""
    booking: Booking = item.booking
    price = item.price_pence if price is None else price
    starts = starts_at(item.day, booking.start_time)
    late = side is Side.REQUESTER and starts - utcnow() < timedelta(hours=booking.notice_hours)
    charge = -(-price * booking.late_cancel_bp // 10000) if late else 0
    return Cancellation(charge, price - charge, late)


def lock_booking(session: DbSession, booking_id: int) -> None:
    """Take the booking's row for this transaction (its first write, so SQLite's writers queue
    here too): a session's price is read and moved with no amendment between."""
    session.execute(
        update(Booking)
        .where(Booking.id == booking_id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def cancel(session: DbSession, user: Any, session_id: int, note: str = "") -> BookingSession:
    """Cancel one session before it starts: released, less any late charge (spent).
    Committed."""
    item, side = _checked(session, user, session_id, "cancelled")
    lock_booking(session, item.booking_id)
    session.refresh(item)  # its price now the booking is held
    cost = _cancel_one(session, item, side, user.id, note)
    charged = f" ({format_money(cost.charge_pence)} charged, late)" if cost.charge_pence else ""
    tell_other_side(
        session,
        item.booking,
        user,
        side,
        "session_cancelled",
        f"{_who(item.booking, side)} cancelled {_the_session(item)}{charged}.",
    )
    session.commit()
    session.refresh(item)
    return item


def _cancel_one(
    session: DbSession, item: BookingSession, side: Side, actor_id: int, note: str
) -> Cancellation:
    cost = cancellation(item, side)
    _claim(
        session,
        item,
        "cancelled",
        settled_at=utcnow(),
        settled_by_id=actor_id,
        charge_pence=cost.charge_pence,
        note=note,
    )
    stream_id = item.booking.stream_id
    if cost.charge_pence:
        ledger.move(
            session,
            stream_id,
            ledger.spend(cost.charge_pence),
            booking_id=item.booking_id,
            session_id=item.id,
            actor_id=actor_id,
            note="Late cancellation charge",
        )
    ledger.move(
        session,
        stream_id,
        ledger.release(cost.released_pence),
        booking_id=item.booking_id,
        session_id=item.id,
        actor_id=actor_id,
        note="Cancelled",
    )
    return cost


def cancel_rest(
    session: DbSession, user: Any, booking: Booking, side: Side, note: str = ""
) -> list[Cancellation]:
    """Cancel every session of the booking not yet started, and the booking. Committed."""
    if booking.status != "active":
        raise InvalidTransition("cancelled", "cancelled", message=CANCELLED_ALREADY)
    now = utcnow()
    # The booking first: it holds the booking against amendments and a second cancellation.
    done = affected_rows(
        session.execute(
            update(Booking)
            .where(Booking.id == booking.id, Booking.status == "active")
            .values(status="cancelled", updated_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    if done != 1:
        session.rollback()
        raise InvalidTransition("cancelled", "cancelled", message=CANCELLED_ALREADY)
    session.expire(booking, ["sessions"])
    costs = [
        _cancel_one(session, item, side, user.id, note)
        for item in booking.sessions
        if item.status == "scheduled" and starts_at(item.day, booking.start_time) > now
    ]
    charged = sum(cost.charge_pence for cost in costs)
    tell_other_side(
        session,
        booking,
        user,
        side,
        "booking_cancelled",
        f"{_who(booking, side)} cancelled “{booking.description}”: "
        + (
            f"{len(costs)} session{'s' if len(costs) != 1 else ''} to come"
            if costs
            else "no sessions were still to come"
        )
        + (f" ({format_money(charged)} charged, late)." if charged else "."),
    )
    session.commit()
    session.refresh(booking)
    return costs
