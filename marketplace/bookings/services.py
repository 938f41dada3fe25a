"""Making bookings: from an accepted quote or a fixed-price offer, one-off or weekly, for a
holder's budget stream. Booking commits the price of every session in the plan year (or the
one-off's price) on the stream in one conditional update (``bookings.ledger``): if the stream
cannot afford it, nothing is written and the person is told by how much it would go over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from marketplace.audit.services import record as audit
from marketplace.bookings import ledger
from marketplace.bookings.access import booking_for
from marketplace.bookings.models import BOOKING_KINDS, Booking, BookingSession
from marketplace.bookings.schedule import WEEKDAYS, session_days
from marketplace.bookings.sessions import lock_booking, tell_other_side
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.clock import date_text, start_date_error, today
from marketplace.directory.models import Offer
from marketplace.directory.services import is_public
from marketplace.errors import (
    Conflict,
    Forbidden,
    InsufficientBudget,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from marketplace.extensions import DbSession
from marketplace.money import (
    MAX_QUANTITY_HUNDREDTHS,
    cost_per_occurrence,
    format_money,
    format_quantity,
)
from marketplace.packages.builder import LINE_UNIT_OF_PRICE
from marketplace.plans.costing import stream_phrase
from marketplace.plans.models import PlanLine
from marketplace.quotes.access import may_request_for
from marketplace.quotes.answers import price_error
from marketplace.quotes.models import Quote
from marketplace.quotes.states import QuoteStatus, Side, words

# The most of a unit one session may hold (a day has 24 hours).
MAX_HOURS_PER_SESSION = 24 * 100
DEFAULT_START = time(9, 0)
BOOKED_ALREADY = "This quote is booked already: change that booking instead."


@dataclass
class BookingInput:
    """What a booking asks for. From a quote: ``quote_id`` (the holder, price, unit and terms
    come from it). From an offer: ``offer_id`` and ``holder_id``."""

    quote_id: int | None = None
    offer_id: int | None = None
    holder_id: int | None = None
    stream_id: int | None = None  # None: the quote's or plan line's stream
    line_id: int | None = None
    kind: str = "weekly"
    days: list[str] = field(default_factory=list)
    start_time: time | None = DEFAULT_START
    start_on: date | None = None
    end_on: date | None = None
    quantity_hundredths: int | None = None  # of the unit, each session


@dataclass(frozen=True)
class BookingSource:
    """Who is booked at what price and terms, whichever the booking is made from (the booking
    form shows these too)."""

    holder_id: int
    organisation_id: int | None
    pa_profile_id: int | None
    provider_name: str
    description: str
    unit: str
    unit_price_pence: int
    notice_hours: int
    late_cancel_bp: int
    stream_id: int | None
    line_id: int | None
    quote_id: int | None
    offer_id: int | None
    # How the provider takes payment ("dp", "managed", "isf"), from their listing; None when
    # no listing says (a PA asked directly).
    deployments: tuple[str, ...] | None = None


OFFER_NOT_FOUND = "We could not find that service in the directory."


def quote_refusal(quote: Quote) -> Conflict | None:
    """Why this quote cannot be booked now (None: it can), for booking and for the pages that
    say so before a form is shown."""
    if quote.status != QuoteStatus.ACCEPTED:
        return Conflict(
            f"This quote is {words(quote.status)}, so it cannot be booked: "
            "only an accepted quote can be."
        )
    return None


def bookable_offer(session: DbSession, offer_id: int | None) -> Offer:
    """A service in the public directory with a price, to be booked directly: NotFound for one
    nobody may see, a 400 for a free one (there is nothing to pay for)."""
    offer = (
        session.get(
            Offer,
            offer_id,
            options=[joinedload(Offer.organisation), joinedload(Offer.pa_profile)],
        )
        if offer_id is not None
        else None
    )
    if offer is None or not is_public(offer):
        raise NotFound(OFFER_NOT_FOUND)
    if offer.price_unit == "free":
        raise ValidationFailed({"offer_id": "This service is free: there is nothing to book"})
    return offer


def source_of_quote(quote: Quote) -> BookingSource:
    """What booking this (accepted) quote books: its holder, provider, price and terms."""
    request = quote.request
    assert quote.unit_price_pence is not None  # an accepted quote has every term (CHECK)
    return BookingSource(
        holder_id=request.holder_id,
        organisation_id=quote.organisation_id,
        pa_profile_id=quote.pa_profile_id,
        provider_name=quote.provider_name,
        description=request.description,
        unit=request.unit,
        unit_price_pence=quote.unit_price_pence,
        notice_hours=quote.notice_hours or 0,
        late_cancel_bp=quote.late_cancel_bp or 0,
        stream_id=request.stream_id or (request.line.stream_id if request.line else None),
        line_id=request.line_id,
        quote_id=quote.id,
        offer_id=quote.offer_id,
        deployments=tuple(quote.offer.deployments) if quote.offer is not None else None,
    )


def source_of_offer(offer: Offer, holder_id: int) -> BookingSource:
    """What booking this service books for the holder, at its listed price (no notice terms)."""
    return BookingSource(
        holder_id=holder_id,
        organisation_id=offer.organisation_id,
        pa_profile_id=offer.pa_profile_id,
        provider_name=offer.provider_name,
        description=offer.title,
        unit=LINE_UNIT_OF_PRICE.get(offer.price_unit, "items"),
        unit_price_pence=offer.price_pence,
        notice_hours=0,
        late_cancel_bp=0,
        stream_id=None,
        line_id=None,
        quote_id=None,
        offer_id=offer.id,
        deployments=tuple(offer.deployments),
    )


def _from_quote(session: DbSession, user: Any, quote_id: int) -> BookingSource:
    quote = session.get(Quote, quote_id)
    # Whose it is before what state it is in: someone else's quote is not found, whatever
    # its state.
    if quote is None or not may_request_for(session, user, quote.request.holder_id):
        raise NotFound("We could not find that quote.")
    refused = quote_refusal(quote)
    if refused is not None:
        raise refused
    return source_of_quote(quote)


def _from_offer(session: DbSession, offer_id: int, holder_id: int | None) -> BookingSource:
    offer = bookable_offer(session, offer_id)
    if holder_id is None:
        raise ValidationFailed({"holder_id": "Say who the booking is for"})
    return source_of_offer(offer, holder_id)


def _stream(session: DbSession, holder_id: int, stream_id: int | None) -> BudgetStream | None:
    if stream_id is None:
        return None
    stream = session.get(BudgetStream, stream_id, options=[joinedload(BudgetStream.budget)])
    if stream is None or stream.budget.holder_id != holder_id:
        return None
    return stream


def _check(
    session: DbSession, data: BookingInput, source: BookingSource
) -> tuple[BudgetStream, list[date], int]:
    """(the stream, the session days, pence per session), or ValidationFailed naming each
    field that is wrong."""
    errors: dict[str, str] = {}
    stream = _stream(session, source.holder_id, data.stream_id or source.stream_id)
    if stream is None:
        errors["stream_id"] = "Choose which of the person's budget streams pays for it"
    elif (
        source.deployments is not None
        and stream.kind != "other"
        and stream.kind not in source.deployments
    ):
        errors["stream_id"] = (
            f"{source.provider_name} does not take payment from {stream_phrase(stream)}: "
            "choose another stream"
        )
    if data.kind not in BOOKING_KINDS:
        errors["kind"] = "Choose whether it is a one-off or every week"
    elif data.kind == "weekly" and (
        not data.days
        or not set(data.days) <= set(WEEKDAYS)
        or len(set(data.days)) != len(data.days)
    ):
        errors["days"] = "Choose the days of the week it happens on"
    quantity = data.quantity_hundredths
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        errors["quantity_hundredths"] = f"Enter how many {source.unit} each time, like 2 or 1.5"
    elif quantity > MAX_QUANTITY_HUNDREDTHS or (
        source.unit == "hours" and quantity > MAX_HOURS_PER_SESSION
    ):
        errors["quantity_hundredths"] = (
            "A session cannot be longer than a day: enter 24 hours or fewer"
            if source.unit == "hours"
            else "Enter a smaller number"
        )
    if not isinstance(data.start_time, time):
        errors["start_time"] = "Enter the time it starts, like 09:30"
    budget: Budget | None = stream.budget if stream is not None else None
    if not isinstance(data.start_on, date):
        errors["start_on"] = "Enter the date of the first session"
    elif error := start_date_error(data.start_on):
        errors["start_on"] = error
    elif budget is not None and not budget.year_start <= data.start_on <= budget.year_end:
        errors["start_on"] = (
            f"The first session must be in the budget's plan year, {date_text(budget.year_start)}"
            f" to {date_text(budget.year_end)}"
        )
    if data.end_on is not None and (
        not isinstance(data.end_on, date)
        or (isinstance(data.start_on, date) and data.end_on < data.start_on)
    ):
        errors["end_on"] = "The end date must be the same as or after the first session"
    days: list[date] = []
    if not errors and budget is not None and data.start_on is not None:
        days = session_days(data.kind, data.start_on, data.end_on, data.days, budget.year_end)
        if not days:
            errors["days"] = "No session falls between those dates: choose other days or dates"
    if errors:
        raise ValidationFailed(errors)
    assert stream is not None and isinstance(quantity, int)
    return stream, days, cost_per_occurrence(source.unit_price_pence, quantity)


def create_booking(session: DbSession, user: Any, data: BookingInput) -> Booking:
    """Book an accepted quote or a fixed-price offer, committing its price on the stream.
    Refused (nothing written): NotFound for someone else's quote or holder, Conflict for a
    quote not accepted or booked already, ValidationFailed for bad fields, InsufficientBudget
    when the stream cannot afford every session. Committed."""
    if data.quote_id is not None:
        source = _from_quote(session, user, data.quote_id)
    elif data.offer_id is not None:
        source = _from_offer(session, data.offer_id, data.holder_id)
    else:
        raise ValidationFailed({"quote_id": "Choose an accepted quote or a service to book"})
    if not may_request_for(session, user, source.holder_id):
        raise NotFound("We could not find that quote." if data.quote_id else "Not found.")
    if source.quote_id is not None and session.scalar(
        select(Booking.id).where(Booking.quote_id == source.quote_id)
    ):
        raise Conflict(BOOKED_ALREADY)
    stream, days, price = _check(session, data, source)
    total = price * len(days)
    line_id = data.line_id if data.line_id is not None else source.line_id
    line = session.get(PlanLine, line_id) if line_id is not None else None
    if line is not None and line.plan.holder_id != source.holder_id:
        line = None
    # The money first: the first write of the transaction, so a stream that cannot afford it
    # refuses before anything else is written.
    ledger.apply(session, stream.id, ledger.commit(total))
    booking = Booking(
        holder_id=source.holder_id,
        stream_id=stream.id,
        plan_id=line.plan_id if line is not None else None,
        line_id=line.id if line is not None else None,
        quote_id=source.quote_id,
        offer_id=source.offer_id,
        organisation_id=source.organisation_id,
        pa_profile_id=source.pa_profile_id,
        provider_name=source.provider_name,
        description=source.description,
        kind=data.kind,
        unit=source.unit,
        unit_price_pence=source.unit_price_pence,
        quantity_hundredths=data.quantity_hundredths,
        days=list(data.days) if data.kind == "weekly" else [],
        start_time=data.start_time,
        start_on=days[0],
        end_on=data.end_on if data.kind == "weekly" else days[0],
        notice_hours=source.notice_hours,
        late_cancel_bp=source.late_cancel_bp,
        created_by_id=user.id,
        sessions=[
            BookingSession(day=day, quantity_hundredths=data.quantity_hundredths, price_pence=price)
            for day in days
        ],
    )
    session.add(booking)
    try:
        session.flush()
    except IntegrityError:
        # Someone booked the same quote in the meantime (uq_bookings_quote): theirs stands,
        # and this booking's commitment goes with the rollback.
        session.rollback()
        raise Conflict(BOOKED_ALREADY) from None
    ledger.record(
        session,
        stream.id,
        ledger.commit(total),
        booking_id=booking.id,
        actor_id=user.id,
        note="Booked",
    )
    audit(session, user, "create", "booking", booking.id, booking.holder_id)
    tell_other_side(
        session,
        booking,
        user,
        Side.REQUESTER,
        "booking_made",
        f"{booking.holder.name} booked “{booking.description}”: {len(days)} "
        f"session{'s' if len(days) != 1 else ''} from {date_text(days[0])}, "
        f"{format_money(total)} in all.",
    )
    session.commit()
    return booking


@dataclass
class Amendment:
    """A change to the sessions still to come (from ``from_day``, default today): how much of the
    unit each session holds and the price per unit. None keeps the current value."""

    quantity_hundredths: int | None = None
    unit_price_pence: int | None = None
    from_day: date | None = None


def amend_booking(session: DbSession, user: Any, booking_id: int, change: Amendment) -> int:
    """Re-price the scheduled sessions from ``change.from_day`` and re-check the budget: a rise
    is committed like a booking (InsufficientBudget, nothing written, when it does not fit), a
    fall is released. Holder's side only. Returns the change in committed pence. Committed."""
    booking, side = booking_for(session, user, booking_id)
    if side is not Side.REQUESTER:
        raise Forbidden("Only the person's side can change a booking.")
    if booking.status != "active":
        raise InvalidTransition("cancelled", "amended", message="This booking is cancelled.")
    quantity = (
        booking.quantity_hundredths
        if change.quantity_hundredths is None
        else (change.quantity_hundredths)
    )
    price = (
        booking.unit_price_pence if change.unit_price_pence is None else (change.unit_price_pence)
    )
    errors: dict[str, str] = {}
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        errors["quantity_hundredths"] = f"Enter how many {booking.unit} each time, like 2 or 1.5"
    elif booking.unit == "hours" and quantity > MAX_HOURS_PER_SESSION:
        errors["quantity_hundredths"] = (
            "A session cannot be longer than a day: enter 24 hours or fewer"
        )
    elif quantity > MAX_QUANTITY_HUNDREDTHS:
        errors["quantity_hundredths"] = "Enter a smaller number"
    if error := price_error(price, booking.unit, "price"):
        errors["unit_price_pence"] = error
    start = change.from_day or today()
    if not isinstance(start, date) or start < today():
        errors["from_day"] = "The change must start today or later"
    if errors:
        raise ValidationFailed(errors)
    lock_booking(session, booking.id)  # first write: no move or other change comes between
    # Cancelled meanwhile (the lock waited for that transaction): nothing to change.
    if session.scalar(select(Booking.status).where(Booking.id == booking.id)) != "active":
        session.rollback()
        raise InvalidTransition("cancelled", "amended", message="This booking is cancelled.")
    audit(session, user, "amend", "booking", booking.id, booking.holder_id)
    each = cost_per_occurrence(price, quantity)
    before = dict(
        session.execute(
            select(BookingSession.id, BookingSession.price_pence).where(
                BookingSession.booking_id == booking.id,
                BookingSession.status == "scheduled",
                BookingSession.day >= start,
            )
        ).all()
    )
    if not before:
        session.rollback()
        raise ValidationFailed({"from_day": "No session is still to come from that day"})
    delta = each * len(before) - sum(before.values())
    movement = ledger.commit(delta) if delta >= 0 else ledger.release(-delta)
    try:
        ledger.move(
            session,
            booking.stream_id,
            movement,
            booking_id=booking.id,
            actor_id=user.id,
            note=f"Changed from {date_text(start)}",
        )
    except InsufficientBudget:
        session.rollback()  # the lock and the audit row too: nothing was changed
        raise
    session.execute(
        update(BookingSession)
        .where(BookingSession.id.in_(list(before)))
        .values(price_pence=each, quantity_hundredths=quantity)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Booking)
        .where(Booking.id == booking.id)
        .values(quantity_hundredths=quantity, unit_price_pence=price)
        .execution_options(synchronize_session=False)
    )
    tell_other_side(
        session,
        booking,
        user,
        Side.REQUESTER,
        "booking_amended",
        f"{booking.holder.name}'s side changed “{booking.description}” from "
        f"{date_text(start)}: {format_quantity(quantity)} {booking.unit} at "
        f"{format_money(price)} each time ({len(before)} sessions).",
    )
    session.commit()
    session.refresh(booking)
    return delta
