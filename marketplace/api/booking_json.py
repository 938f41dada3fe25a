"""Bookings, their sessions, and a budget's ledger as JSON (marketplace.api.booking_routes
answers with these; marketplace.api.booking_schemas publishes their shapes).

Each booking and session says which moves the caller's side may make now, worked out by the
same rules the session moves check (marketplace.bookings.sessions), so a client can offer
exactly the buttons that will work.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from marketplace.api.booking_schemas import SESSION_ACTION_NAMES
from marketplace.api.serialise import iso_date, iso_time
from marketplace.bookings.models import Booking, BookingSession, LedgerEntry
from marketplace.bookings.presenting import SESSION_LABELS, booking_money
from marketplace.bookings.schedule import starts_at
from marketplace.bookings.sessions import allowed_moves
from marketplace.budgets.models import BudgetStream
from marketplace.money import format_quantity
from marketplace.quotes.states import Side

# Each session action's endpoint, and the state it moves a session to.
SESSION_MOVES: dict[str, str] = dict(
    zip(SESSION_ACTION_NAMES, ("delivered", "confirmed", "missed", "cancelled"), strict=True)
)


def _percent(basis_points: int) -> int | float:
    """10000 → 100, 1350 → 13.5: a percentage as a JSON number."""
    return basis_points // 100 if basis_points % 100 == 0 else basis_points / 100


def booking_actions(booking: Booking, side: Side) -> list[str]:
    """The holder's side may amend or cancel an active booking; the provider may cancel it."""
    if booking.status != "active":
        return []
    return ["amend", "cancel"] if side is Side.REQUESTER else ["cancel"]


def session_actions(item: BookingSession, side: Side) -> list[str]:
    """The moves ``side`` may make on the session now: from its state, by that side, the
    booking still active (a delivered session may be confirmed even so), delivered or missed
    only once its day has come, cancelled only before it starts."""
    allowed = set(allowed_moves(item, side))
    return [action for action, to in SESSION_MOVES.items() if to in allowed]


def booking_json(booking: Booking, side: Side) -> dict[str, Any]:
    """A booking as ``side`` sees it, with its money and the moves that side may make."""
    money = booking_money(booking)
    return {
        "id": booking.id,
        "side": side.value,
        "holder_id": booking.holder_id,
        "holder_name": booking.holder.name,
        "stream_id": booking.stream_id,
        "plan_id": booking.plan_id,
        "line_id": booking.line_id,
        "quote_id": booking.quote_id,
        "offer_id": booking.offer_id,
        "organisation_id": booking.organisation_id,
        "pa_profile_id": booking.pa_profile_id,
        "provider_name": booking.provider_name,
        "description": booking.description,
        "kind": booking.kind,
        "unit": booking.unit,
        "unit_price_pence": booking.unit_price_pence,
        "quantity_hundredths": booking.quantity_hundredths,
        "quantity": format_quantity(booking.quantity_hundredths),
        "days": list(booking.days or []),
        "start_time": f"{booking.start_time:%H:%M}",
        "start_on": iso_date(booking.start_on),
        "end_on": iso_date(booking.end_on),
        "last_session_on": iso_date(booking.sessions[-1].day),
        "notice_hours": booking.notice_hours,
        "late_cancel_percent": _percent(booking.late_cancel_bp),
        "status": booking.status,
        "actions": booking_actions(booking, side),
        "committed_pence": money.committed_pence,
        "spent_pence": money.spent_pence,
        "session_count": len(booking.sessions),
        "sessions_left": money.sessions_left,
        "created_at": iso_time(booking.created_at),
        "updated_at": iso_time(booking.updated_at),
        "links": {
            "self": url_for("api.booking", booking_id=booking.id),
            "sessions": url_for("api.booking_sessions", booking_id=booking.id),
            "page": url_for("bookings.booking", booking_id=booking.id),
        },
    }


def session_json(item: BookingSession, side: Side) -> dict[str, Any]:
    return {
        "id": item.id,
        "booking_id": item.booking_id,
        "day": iso_date(item.day),
        "starts_at": iso_time(starts_at(item.day, item.booking.start_time)),
        "status": item.status,
        "status_label": SESSION_LABELS[item.status],
        "quantity_hundredths": item.quantity_hundredths,
        "price_pence": item.price_pence,
        "charge_pence": item.charge_pence,
        "delivered_at": iso_time(item.delivered_at),
        "settled_at": iso_time(item.settled_at),
        "note": item.note,
        "actions": session_actions(item, side),
    }


def ledger_entry_json(entry: LedgerEntry, names: dict[int, str]) -> dict[str, Any]:
    """An entry, its actor by the name shown to others (``names``: marketplace.messages.
    services.shown_names)."""
    return {
        "id": entry.id,
        "stream_id": entry.stream_id,
        "booking_id": entry.booking_id,
        "session_id": entry.session_id,
        "kind": entry.kind,
        "committed_delta": entry.committed_delta,
        "spent_delta": entry.spent_delta,
        "actor": names.get(entry.actor_id) if entry.actor_id is not None else None,
        "at": iso_time(entry.at),
        "note": entry.note,
    }


def ledger_stream_json(stream: BudgetStream) -> dict[str, Any]:
    return {
        "stream_id": stream.id,
        "name": stream.name,
        "total_pence": stream.total_pence,
        "committed_pence": stream.committed_pence,
        "spent_pence": stream.spent_pence,
        "remaining_pence": stream.remaining_pence,
    }
