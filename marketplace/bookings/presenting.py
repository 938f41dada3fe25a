"""What the booking pages show, worked out once: the booking form's starting values and the
summary of what it would book; each session's moves for the viewer's side and what they cost;
the lists of bookings; the sentences that say where the money went.

Reads only: every change is a service's (``bookings.services``, ``bookings.sessions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import Select, and_, case, false, func, select

from marketplace.bookings.models import Booking, BookingSession
from marketplace.bookings.schedule import WEEKDAYS, session_days, starts_at
from marketplace.bookings.services import DEFAULT_START, BookingInput, BookingSource
from marketplace.bookings.sessions import (
    Cancellation,
    allowed_moves,
    cancellation,
    refusal,
)
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.clock import date_text, today, utcnow
from marketplace.directory.models import Offer, PAProfile
from marketplace.extensions import DbSession
from marketplace.holders.access import visible_holder_ids
from marketplace.money import cost_per_occurrence, format_money, format_quantity
from marketplace.plans.common import year_label
from marketplace.plans.costing import stream_phrase
from marketplace.quotes.access import PROVIDER_ROLES
from marketplace.quotes.models import Quote
from marketplace.quotes.requests import PLANNER_ROLES
from marketplace.quotes.states import Side
from marketplace.quotes.telling import each

DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"),
        strict=True,
    )
)
SESSION_LABELS = {
    "scheduled": "Scheduled",
    "delivered": "Delivered: to confirm",
    "confirmed": "Confirmed",
    "missed": "Missed",
    "cancelled": "Cancelled",
}
KINDS = (("one_off", "Once"), ("weekly", "Every week"))
# A booking with more sessions than this shows those to settle and the next few, with a link to
# every session (a weekly booking for a year has up to 365).
SHOWN_WHOLE = 20
SHOWN_UPCOMING = 10
SESSIONS_PER_PAGE = 50
BOOKINGS_PER_PAGE = 50


def listed(items: list[str]) -> str:
    """['a', 'b', 'c'] → 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def clock_text(at: time) -> str:
    """time(9, 30) → '9:30am'."""
    hour = at.hour % 12 or 12
    return f"{hour}:{at:%M}{'am' if at.hour < 12 else 'pm'}"


def sessions_text(count: int) -> str:
    return f"{count} session{'s' if count != 1 else ''}"


# --- one booking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingMoney:
    """A booking's money: still committed (sessions to come or to confirm) and spent."""

    committed_pence: int
    spent_pence: int
    sessions_left: int


def booking_money(booking: Booking) -> BookingMoney:
    committed = sum(
        s.price_pence for s in booking.sessions if s.status in {"scheduled", "delivered"}
    )
    spent = sum(s.price_pence for s in booking.sessions if s.status == "confirmed") + sum(
        s.charge_pence for s in booking.sessions if s.status == "cancelled"
    )
    left = sum(1 for s in booking.sessions if s.status == "scheduled")
    return BookingMoney(committed, spent, left)


def pattern_text(booking: Booking) -> str:
    """'Mondays and Thursdays at 9:30am' or 'Once, at 9:30am'."""
    when = clock_text(booking.start_time)
    if booking.kind == "one_off":
        return f"Once, at {when}"
    names = [DAY_NAMES[d] for d in WEEKDAYS if d in booking.days]
    return f"{listed(names)} at {when}"


def booking_of_quote(session: DbSession, quote_id: int) -> int | None:
    """The id of the booking made from this quote, if it is booked."""
    return session.scalar(select(Booking.id).where(Booking.quote_id == quote_id))


@dataclass(frozen=True)
class SessionAction:
    """One move the viewer may make on a session: a button that posts (``confirm_page`` False)
    or a link to a page that says what it costs first."""

    text: str
    endpoint: str
    secondary: bool = False
    confirm_page: bool = False


_ACTIONS = {
    "delivered": {Side.PROVIDER: SessionAction("Mark delivered", "bookings.deliver")},
    "confirmed": {Side.REQUESTER: SessionAction("Confirm", "bookings.confirm")},
    "missed": {
        Side.PROVIDER: SessionAction("Missed", "bookings.missed", secondary=True),
        Side.REQUESTER: SessionAction("It did not happen", "bookings.missed", secondary=True),
    },
    "cancelled": {
        side: SessionAction("Cancel", "bookings.cancel_session", secondary=True, confirm_page=True)
        for side in (Side.PROVIDER, Side.REQUESTER)
    },
}


def session_actions(item: BookingSession, side: Side) -> list[SessionAction]:
    """The moves ``side`` may make on the session now: exactly those ``bookings.sessions``
    allows, so a button is never shown for a move that would be refused."""
    return [_ACTIONS[to][side] for to in allowed_moves(item, side)]


def cancel_refusal(item: BookingSession, side: Side) -> str | None:
    """Why the session cannot be cancelled now, said before its page asks (None: it can)."""
    refused = refusal(item, side, "cancelled")
    return refused.message if refused is not None else None


def to_settle(item: BookingSession) -> bool:
    """A session whose day has come that nobody has settled yet (delivered or not)."""
    return item.status in {"scheduled", "delivered"} and item.day <= today()


@dataclass(frozen=True)
class SessionGroups:
    """The sessions a booking's page shows: ``every`` one when there are few; else those to
    settle and the next few, with a link to the page of every one."""

    every: list[BookingSession] | None
    settle: list[BookingSession]
    upcoming: list[BookingSession]
    total: int


def session_groups(booking: Booking) -> SessionGroups:
    every = list(booking.sessions)
    if len(every) <= SHOWN_WHOLE:
        return SessionGroups(every, [], [], len(every))
    settle = [s for s in every if to_settle(s)]
    upcoming = [s for s in every if s.day > today() and s.status == "scheduled"][:SHOWN_UPCOMING]
    return SessionGroups(None, settle, upcoming, len(every))


def sessions_query(booking_id: int) -> Select[Any]:
    """Every session of the booking in date order, for the page that lists them all."""
    return (
        select(BookingSession)
        .where(BookingSession.booking_id == booking_id)
        .order_by(BookingSession.day, BookingSession.id)
    )


# --- what a move did, in words ------------------------------------------------------------------


def _back_to(booking: Booking) -> str:
    return f"back to {stream_phrase(booking.stream)}"


def delivered_text(item: BookingSession) -> str:
    return (
        f"The session on {date_text(item.day)} is marked delivered. "
        f"{item.booking.holder.name}'s side is asked to confirm it: its "
        f"{format_money(item.price_pence)} stays committed until then."
    )


def confirmed_text(item: BookingSession) -> str:
    return (
        f"The session on {date_text(item.day)} is confirmed: "
        f"{format_money(item.price_pence)} moved from committed to spent."
    )


def missed_text(item: BookingSession) -> str:
    return (
        f"The session on {date_text(item.day)} is marked missed: "
        f"{format_money(item.price_pence)} released from committed {_back_to(item.booking)}."
    )


def cancelled_text(item: BookingSession) -> str:
    released = item.price_pence - item.charge_pence
    said = f"The session on {date_text(item.day)} is cancelled"
    if not item.charge_pence:
        return f"{said}: {format_money(released)} released from committed {_back_to(item.booking)}."
    text = (
        f"{said}, late: the late-cancellation charge of {format_money(item.charge_pence)} "
        "moved from committed to spent"
    )
    if released:
        text += f", and {format_money(released)} was released {_back_to(item.booking)}"
    return text + "."


@dataclass(frozen=True)
class RestCost:
    """What cancelling the rest of a booking does: the sessions it cancels, what is released
    and what is charged (for how many late ones), and the sessions that have started but are
    not marked delivered or missed (a cancelled booking's sessions can no longer be)."""

    count: int
    released_pence: int
    charge_pence: int
    late: int
    unsettled: int


def rest_cost(costs: list[Cancellation], unsettled: int = 0) -> RestCost:
    return RestCost(
        count=len(costs),
        released_pence=sum(c.released_pence for c in costs),
        charge_pence=sum(c.charge_pence for c in costs),
        late=sum(1 for c in costs if c.charge_pence),
        unsettled=unsettled,
    )


def rest_preview(booking: Booking, side: Side) -> RestCost:
    """What cancelling the rest now would do: the same sessions ``sessions.cancel_rest``
    cancels (scheduled, not started), each at ``sessions.cancellation``'s price."""
    now = utcnow()
    to_come = [
        s
        for s in booking.sessions
        if s.status == "scheduled" and starts_at(s.day, booking.start_time) > now
    ]
    # Started but never marked delivered or missed: a cancelled booking's sessions cannot move.
    stuck = sum(1 for s in booking.sessions if s.status == "scheduled" and s not in to_come)
    return rest_cost([cancellation(s, side) for s in to_come], stuck)


def rest_cancelled_text(booking: Booking, cost: RestCost) -> str:
    if not cost.count:
        return "The booking is cancelled: no sessions were still to come."
    text = (
        f"The rest of this booking is cancelled: {sessions_text(cost.count)}. "
        f"{format_money(cost.released_pence)} released from committed {_back_to(booking)}"
    )
    if cost.charge_pence:
        text += (
            f"; {format_money(cost.charge_pence)} moved from committed to spent for "
            f"{sessions_text(cost.late)} cancelled late"
        )
    return text + "."


# --- booking: the form's start and its summary ----------------------------------------------------


def stream_options(session: DbSession, holder_id: int) -> list[BudgetStream]:
    """The holder's budget streams that can still pay: those of plan years not yet over."""
    return list(
        session.scalars(
            select(BudgetStream)
            .join(Budget)
            .where(Budget.holder_id == holder_id, Budget.year_end >= today())
            .order_by(Budget.year_start, BudgetStream.id)
        )
    )


def stream_label(stream: BudgetStream, several_years: bool) -> str:
    """'Direct payment: £4,200.00 left', with its plan year when the holder has more than one."""
    year = f" ({year_label(stream.budget.year_start)})" if several_years else ""
    return f"{stream.name}{year}: {format_money(max(stream.remaining_pence, 0))} left"


def stream_choices(streams: list[BudgetStream]) -> list[tuple[str, str]]:
    several = len({s.budget_id for s in streams}) > 1
    return [
        ("", "Choose a budget stream"),
        *((str(s.id), stream_label(s, several)) for s in streams),
    ]


def _first_day(offered: date | None) -> date:
    return offered if offered is not None and offered > today() else today()


def quote_defaults(quote: Quote) -> BookingInput:
    """The form's starting values from the accepted quote and its request: weekly on the
    request's days (a one-off otherwise), from the quote's start date (today if that has
    passed), each session the request's weekly amount shared over its days."""
    asked = quote.request
    weekly = asked.frequency == "week"
    days = [d for d in WEEKDAYS if d in (asked.days or [])]
    quantity = asked.quantity_hundredths
    if weekly and days:
        quantity = max(1, round(quantity / len(days)))
    return BookingInput(
        quote_id=quote.id,
        stream_id=asked.stream_id or (asked.line.stream_id if asked.line else None),
        kind="weekly" if weekly else "one_off",
        days=days,
        start_time=DEFAULT_START,
        start_on=_first_day(quote.offered_start_on),
        end_on=asked.end_on if weekly else None,
        quantity_hundredths=quantity,
    )


def offer_defaults(offer: Offer, holder_id: int, streams: list[BudgetStream]) -> BookingInput:
    """A one-off of one unit, today, from the holder's only stream if they have one."""
    return BookingInput(
        offer_id=offer.id,
        holder_id=holder_id,
        stream_id=streams[0].id if len(streams) == 1 else None,
        kind="one_off",
        days=[d for d in WEEKDAYS if d in (offer.days or [])],
        start_time=DEFAULT_START,
        start_on=today(),
        quantity_hundredths=100,
    )


@dataclass(frozen=True)
class Summary:
    """What the form as filled in would book: how many sessions from when, each and in all,
    and what the stream has left for it."""

    count: int
    first: date
    last: date
    each_pence: int
    total_pence: int
    stream: BudgetStream

    @property
    def over_pence(self) -> int:
        return self.total_pence - self.stream.remaining_pence


def summary(
    data: BookingInput, source: BookingSource, streams: list[BudgetStream]
) -> Summary | None:
    """The booking the form describes, worked out as the service would (None while a field it
    needs is missing or wrong): its sessions up to the end date or the plan year's end."""
    stream = next((s for s in streams if s.id == data.stream_id), None)
    quantity = data.quantity_hundredths
    if (
        stream is None
        or data.start_on is None
        or not isinstance(quantity, int)
        or quantity <= 0
        or data.kind not in {k for k, _ in KINDS}
    ):
        return None
    budget = stream.budget
    if not budget.year_start <= data.start_on <= budget.year_end:
        return None
    days = session_days(data.kind, data.start_on, data.end_on, data.days, budget.year_end)
    if not days:
        return None
    each = cost_per_occurrence(source.unit_price_pence, quantity)
    return Summary(len(days), days[0], days[-1], each, each * len(days), stream)


def session_price(booking: Booking) -> int:
    """What one session costs as the booking now is (its sessions to come are at this)."""
    return cost_per_occurrence(booking.unit_price_pence, booking.quantity_hundredths)


def amended_text(booking: Booking, delta: int) -> str:
    """What changing the sessions to come did to the money."""
    each = per_unit_text(booking)
    if delta > 0:
        moved = f"{format_money(delta)} more is committed from {stream_phrase(booking.stream)}"
    elif delta < 0:
        moved = f"{format_money(-delta)} is released back to {stream_phrase(booking.stream)}"
    else:
        moved = "the money committed is the same"
    return f"Changed: the sessions to come are {each}; {moved}."


def per_unit_text(booking: Booking) -> str:
    """'2 hours at £21.50 an hour' (as a booking now is)."""
    return (
        f"{format_quantity(booking.quantity_hundredths)} {booking.unit} at "
        f"{format_money(booking.unit_price_pence)} {each(booking.unit)}"
    )


def booked_text(booking: Booking) -> str:
    """'Booked: 18 sessions from 3 June 2026, £774.00 committed from the direct payment.'"""
    total = sum(s.price_pence for s in booking.sessions)
    return (
        f"Booked: {sessions_text(len(booking.sessions))} from {date_text(booking.start_on)}, "
        f"{format_money(total)} committed from {stream_phrase(booking.stream)}."
    )


# --- the lists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingRow:
    """A booking in a list, with the sessions waiting on each side."""

    booking: Booking
    to_confirm: int  # delivered: the holder's side confirms
    to_deliver: int  # scheduled, their day come: the provider marks them
    next_day: date | None


def bookings_query(user: Any) -> tuple[Select[Any], Side] | None:
    """The bookings the user sees in their list, newest first, and their side; None for anyone
    who neither plans for a holder nor provides."""
    query = select(Booking).order_by(Booking.created_at.desc(), Booking.id.desc())
    if user.role in PLANNER_ROLES:
        return query.where(Booking.holder_id.in_(visible_holder_ids(user))), Side.REQUESTER
    if user.role in PROVIDER_ROLES:
        if not (user.active and user.acts_for(user.organisation_id)):
            return query.where(false()), Side.PROVIDER
        return query.where(Booking.organisation_id == user.organisation_id), Side.PROVIDER
    if user.role == "pa":
        mine = select(PAProfile.id).where(PAProfile.user_id == user.id)
        return query.where(Booking.pa_profile_id.in_(mine)), Side.PROVIDER
    return None


def booking_rows(session: DbSession, bookings: list[Booking]) -> list[BookingRow]:
    """Each booking with its sessions to confirm and to mark delivered, counted in one query."""
    if not bookings:
        return []
    day = today()
    counts = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                BookingSession.booking_id,
                func.sum(case((BookingSession.status == "delivered", 1), else_=0)),
                func.sum(
                    case(
                        (
                            and_(BookingSession.status == "scheduled", BookingSession.day <= day),
                            1,
                        ),
                        else_=0,
                    )
                ),
                func.min(
                    case(
                        (
                            and_(BookingSession.status == "scheduled", BookingSession.day >= day),
                            BookingSession.day,
                        ),
                        else_=None,
                    )
                ),
            )
            .where(BookingSession.booking_id.in_([b.id for b in bookings]))
            .group_by(BookingSession.booking_id)
        )
    }
    rows = []
    for booking in bookings:
        to_confirm, to_deliver, next_day = counts.get(booking.id, (0, 0, None))
        if isinstance(next_day, str):  # SQLite hands back the MIN of dates as text
            next_day = date.fromisoformat(next_day)
        active = booking.status == "active"
        rows.append(
            BookingRow(
                booking,
                int(to_confirm or 0),
                int(to_deliver or 0) if active else 0,
                next_day if active else None,
            )
        )
    return rows
