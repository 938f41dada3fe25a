"""/api/v1/bookings, /api/v1/sessions, and a budget's ledger and forecast: booking an accepted
quote or a fixed-price offer, its sessions and the money they move (marketplace.bookings), for
API callers.

The holder's side (the holder, a representative, an active broker) books, amends and cancels,
confirms a delivered session, says one was missed or cancels it; the provider's side (approved
staff of the organisation booked, or the PA) marks sessions delivered or missed and cancels
sessions or the booking. Anyone else gets 404, before the body is read. Bodies are checked
whole: 400 naming each field, as the API spells it. Then a move that is the other side's is 403,
a move not allowed from the state 409 naming both states, and a booking or amendment the stream
cannot afford 409 insufficient_budget, saying by how much. Nothing is written when any of them
refuses.

A budget's ledger and forecast are read by whoever may read the budget (/api/v1/budgets/<id>).
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from flask import jsonify, url_for
from sqlalchemy import Select, false, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.api.auth import api_user, token_required
from marketplace.api.blueprint import bp
from marketplace.api.body import Fields, json_object, query_fields
from marketplace.api.booking_json import (
    booking_json,
    ledger_entry_json,
    ledger_stream_json,
    session_json,
)
from marketplace.api.budget_routes import visible_budget
from marketplace.api.listing import DEFAULT_PER_PAGE, MAX_PER_PAGE, PAGING, listed
from marketplace.audit.services import record_read
from marketplace.bookings import forecast, services, sessions
from marketplace.bookings.access import BOOKING_NOT_FOUND, booking_for, session_for
from marketplace.bookings.models import BOOKING_KINDS, Booking, BookingSession, LedgerEntry
from marketplace.bookings.schedule import WEEKDAYS
from marketplace.directory.models import PAProfile
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.holders.access import visible_holder_ids
from marketplace.messages.services import shown_names
from marketplace.pagination import paginate
from marketplace.permissions import Role
from marketplace.quotes.access import PROVIDER_ROLES, QUOTE_NOT_FOUND, may_request_for
from marketplace.quotes.answers import NOTE_LIMIT
from marketplace.quotes.models import Quote
from marketplace.quotes.requests import PLANNER_ROLES
from marketplace.quotes.states import Side

BOOKING_FIELDS = (
    "quote_id",
    "offer_id",
    "holder_id",
    "stream_id",
    "line_id",
    "kind",
    "days",
    "start_time",
    "start_on",
    "end_on",
    "quantity_hundredths",
)
AMENDMENT_FIELDS = ("quantity_hundredths", "unit_price_pence", "from_day")

QUANTITY_MESSAGE = (
    "Enter how much of the unit each session holds, in hundredths, as a whole number: "
    "150 for 1.5 hours"
)
PRICE_MESSAGE = "Enter the price as a whole number of pence, like 2150 for £21.50"
TIME_MESSAGE = "Enter the time it starts as HH:MM, 24-hour UK time, like 09:30"
SOURCE_MESSAGE = (
    "This field is required: send quote_id (an accepted quote), or offer_id (a fixed-price "
    "service) and whom it is for"
)


# --- reading bodies -----------------------------------------------------------------------------


def _positive(fields: Fields, name: str, message: str, *, required: bool) -> int | None:
    """A whole number above 0; its upper bound is left to the service, whose message names the
    unit (24 hours a session, the highest hourly rate)."""
    if not fields.present(name):
        if required:
            fields.fail(name, f"This field is required: {message[0].lower()}{message[1:]}")
        return None
    value = fields.data[name]
    if not isinstance(value, int) or isinstance(value, bool):
        fields.fail(name, message)
        return None
    if value <= 0:
        fields.fail(name, f"Enter more than 0: {message[0].lower()}{message[1:]}")
        return None
    return value


def _start_time(fields: Fields) -> time | None:
    """When each session starts, sent as "HH:MM" (UK time); absent: the service's 09:00."""
    if not fields.present("start_time"):
        return services.DEFAULT_START
    value = fields.data["start_time"]
    if not isinstance(value, str) or not re.fullmatch(r"\d\d:\d\d", value, re.ASCII):
        fields.fail("start_time", TIME_MESSAGE)
        return None
    hour, minute = int(value[:2]), int(value[3:])
    if hour > 23 or minute > 59:
        fields.fail("start_time", TIME_MESSAGE)
        return None
    return time(hour, minute)


def _booking_input(user: User, body: dict[str, Any]) -> services.BookingInput:
    fields = Fields(body, BOOKING_FIELDS)
    quote_id = fields.integer("quote_id", required=False)
    offer_id = fields.integer("offer_id", required=False)
    holder_id = fields.integer("holder_id", required=False)
    from_quote, from_offer = fields.present("quote_id"), fields.present("offer_id")
    if from_quote and from_offer:
        fields.fail("offer_id", "Send quote_id or offer_id, not both")
    elif not from_quote and not from_offer:
        fields.fail("quote_id", SOURCE_MESSAGE)
    if from_quote and fields.present("holder_id"):
        fields.fail("holder_id", "Leave holder_id out when booking a quote: it says whom it is for")
    elif from_offer and not fields.present("holder_id"):
        if Role(user.role) is Role.HOLDER:
            holder_id = user.id
        else:
            fields.fail("holder_id", "This field is required: send the id of the person it is for")
    data = services.BookingInput(
        quote_id=quote_id,
        offer_id=offer_id,
        holder_id=holder_id,
        stream_id=fields.integer("stream_id", required=False),
        line_id=fields.integer("line_id", required=False),
        kind=fields.choice("kind", BOOKING_KINDS),
        days=fields.choices("days", WEEKDAYS),
        start_time=_start_time(fields),
        start_on=fields.date("start_on"),
        end_on=fields.date("end_on", required=False),
        quantity_hundredths=_positive(
            fields, "quantity_hundredths", QUANTITY_MESSAGE, required=True
        ),
    )
    fields.done()
    return data


def _amendment(body: dict[str, Any]) -> services.Amendment:
    fields = Fields(body, AMENDMENT_FIELDS)
    change = services.Amendment(
        quantity_hundredths=_positive(
            fields, "quantity_hundredths", QUANTITY_MESSAGE, required=False
        ),
        unit_price_pence=_positive(fields, "unit_price_pence", PRICE_MESSAGE, required=False),
        from_day=fields.date("from_day", required=False),
    )
    if not fields.present("quantity_hundredths") and not fields.present("unit_price_pence"):
        fields.fail("quantity_hundredths", "Send quantity_hundredths or unit_price_pence (or both)")
    fields.done()
    return change


def _note(body: dict[str, Any]) -> str:
    fields = Fields(body, ("note",))
    note = fields.text("note", max_length=NOTE_LIMIT)
    fields.done()
    return note


# --- bookings -----------------------------------------------------------------------------------


def _quote_checked(user: User, quote_id: int) -> None:
    """Someone else's quote is 404 whatever its state, so its id says nothing of it (the service
    says a quote is not accepted before asking whose it is)."""
    quote = db.session.get(Quote, quote_id)
    if quote is None or not may_request_for(db.session, user, quote.request.holder_id):
        raise NotFound(QUOTE_NOT_FOUND)


def _fresh(booking_id: int, side: Side) -> dict[str, Any]:
    """The booking as the service left it: its bulk updates bypass the objects loaded before."""
    db.session.expire_all()
    booking = db.session.get(Booking, booking_id)
    assert booking is not None  # the service has just written it
    return booking_json(booking, side)


def _bookings_of(user: User, holder_id: int | None) -> tuple[Select[Any], Side]:
    """The caller's bookings, newest first: the holders' they plan for, or those their
    organisation or PA profile delivers; none for anyone else. Someone else's holder: 404."""
    stmt = select(Booking).options(selectinload(Booking.sessions), selectinload(Booking.holder))
    side = Side.PROVIDER
    if user.role in PLANNER_ROLES:
        side = Side.REQUESTER
        if holder_id is not None and not may_request_for(db.session, user, holder_id):
            raise NotFound(BOOKING_NOT_FOUND)
        stmt = stmt.where(Booking.holder_id.in_(visible_holder_ids(user)))
    elif user.role in PROVIDER_ROLES and user.acts_for(user.organisation_id):
        stmt = stmt.where(Booking.organisation_id == user.organisation_id)
    elif user.role == Role.PA.value:
        mine = select(PAProfile.id).where(PAProfile.user_id == user.id)
        stmt = stmt.where(Booking.pa_profile_id.in_(mine))
    else:
        stmt = stmt.where(false())
    if holder_id is not None:
        stmt = stmt.where(Booking.holder_id == holder_id)
    return stmt.order_by(Booking.created_at.desc(), Booking.id.desc()), side


@bp.post("/bookings")
@token_required
def create_booking() -> Any:
    user = api_user()
    data = _booking_input(user, json_object())
    if data.quote_id is not None:
        _quote_checked(user, data.quote_id)
    made = services.create_booking(db.session, user, data)
    response = jsonify(_fresh(made.id, Side.REQUESTER))
    response.status_code = 201
    response.headers["Location"] = url_for("api.booking", booking_id=made.id)
    return response


@bp.get("/bookings")
@token_required
def bookings() -> Any:
    user = api_user()
    query = query_fields(("holder_id", *PAGING))
    stmt, side = _bookings_of(user, query.integer("holder_id", required=False))
    return listed(
        query,
        stmt,
        key="bookings",
        subject_type="booking",
        actor=user,
        to_json=lambda found: booking_json(found, side),
    )


@bp.get("/bookings/<int:booking_id>")
@token_required
def booking(booking_id: int) -> Any:
    user = api_user()
    found, side = booking_for(db.session, user, booking_id)
    body = booking_json(found, side)
    record_read(db.session, user, "booking", found.id, found.holder_id)
    return jsonify(body)


@bp.post("/bookings/<int:booking_id>/amend")
@token_required
def amend_booking(booking_id: int) -> Any:
    user = api_user()
    _found, side = booking_for(db.session, user, booking_id)  # someone else's: 404 first
    change = _amendment(json_object())
    delta = services.amend_booking(db.session, user, booking_id, change)
    return jsonify({"booking": _fresh(booking_id, side), "committed_change_pence": delta})


@bp.post("/bookings/<int:booking_id>/cancel")
@token_required
def cancel_booking(booking_id: int) -> Any:
    user = api_user()
    found, side = booking_for(db.session, user, booking_id)
    note = _note(json_object(optional=True))
    costs = sessions.cancel_rest(db.session, user, found, side, note)
    return jsonify(
        {
            "booking": _fresh(booking_id, side),
            "sessions_cancelled": len(costs),
            "late_sessions": sum(1 for cost in costs if cost.late),
            "charged_pence": sum(cost.charge_pence for cost in costs),
            "released_pence": sum(cost.released_pence for cost in costs),
        }
    )


@bp.get("/bookings/<int:booking_id>/sessions")
@token_required
def booking_sessions(booking_id: int) -> Any:
    user = api_user()
    found, side = booking_for(db.session, user, booking_id)
    body = {
        "booking_id": found.id,
        "sessions": [session_json(item, side) for item in found.sessions],
    }
    record_read(db.session, user, "booking", found.id, found.holder_id)
    return jsonify(body)


# --- sessions -----------------------------------------------------------------------------------


def _party(session_id: int) -> tuple[User, Side]:
    """The caller and their side of the session; someone else's session is 404 before the
    body is read. The move's service then says 403 for the other side's move and 409 for one
    the session's state does not allow."""
    user = api_user()
    _item, side = session_for(db.session, user, session_id)
    return user, side


def _session_answer(moved: BookingSession, side: Side) -> Any:
    db.session.expire_all()
    item = db.session.get(BookingSession, moved.id)
    assert item is not None  # moved, never deleted
    return jsonify(session_json(item, side))


@bp.post("/sessions/<int:session_id>/deliver")
@token_required
def deliver_session(session_id: int) -> Any:
    user, side = _party(session_id)
    Fields(json_object(optional=True), ()).done()
    return _session_answer(sessions.deliver(db.session, user, session_id), side)


@bp.post("/sessions/<int:session_id>/confirm")
@token_required
def confirm_session(session_id: int) -> Any:
    user, side = _party(session_id)
    Fields(json_object(optional=True), ()).done()
    return _session_answer(sessions.confirm(db.session, user, session_id), side)


@bp.post("/sessions/<int:session_id>/missed")
@token_required
def session_missed(session_id: int) -> Any:
    user, side = _party(session_id)
    note = _note(json_object(optional=True))
    return _session_answer(sessions.missed(db.session, user, session_id, note), side)


@bp.post("/sessions/<int:session_id>/cancel")
@token_required
def cancel_session(session_id: int) -> Any:
    user, side = _party(session_id)
    note = _note(json_object(optional=True))
    return _session_answer(sessions.cancel(db.session, user, session_id, note), side)


# --- a budget's ledger and forecast -------------------------------------------------------------


@bp.get("/budgets/<int:budget_id>/ledger")
@token_required
def budget_ledger(budget_id: int) -> Any:
    user = api_user()
    query = query_fields(PAGING)
    page = query.integer("page", required=False) or 1
    per_page = query.integer("per_page", required=False, maximum=MAX_PER_PAGE) or DEFAULT_PER_PAGE
    query.done()
    budget = visible_budget(budget_id)
    stmt = (
        select(LedgerEntry)
        .where(LedgerEntry.stream_id.in_([stream.id for stream in budget.streams]))
        .options(selectinload(LedgerEntry.actor))
        .order_by(LedgerEntry.id)
    )
    found = paginate(db.session, stmt, page, per_page)
    names = shown_names(db.session, [e.actor for e in found.items if e.actor is not None])
    body = {
        "budget_id": budget.id,
        "streams": [ledger_stream_json(stream) for stream in budget.streams],
        "entries": [ledger_entry_json(entry, names) for entry in found.items],
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
    }
    record_read(db.session, user, "budget_ledger", budget.id, budget.holder_id)
    return jsonify(body)


@bp.get("/budgets/<int:budget_id>/forecast")
@token_required
def budget_forecast(budget_id: int) -> Any:
    user = api_user()
    budget = visible_budget(budget_id)
    body = {
        "budget_id": budget.id,
        "year_start": budget.year_start.isoformat(),
        "year_end": budget.year_end.isoformat(),
        "streams": [found.as_dict() for found in forecast.budget_forecast(budget)],
    }
    record_read(db.session, user, "budget_forecast", budget.id, budget.holder_id)
    return jsonify(body)
