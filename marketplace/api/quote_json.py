"""Quotes, quote requests and their comparison as JSON (marketplace.api.quote_routes answers
with these; marketplace.api.quote_schemas publishes their shapes).

Each side sees its own: the holder's side every quote of a request, compared; a provider or PA
asked only their own quote, and of the holder only their name and what is asked. Shares of a
price are percentages (13.5), money whole pence, times UTC with a ``Z``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marketplace.api.quote_schemas import ACTION_NAMES
from marketplace.api.serialise import iso_date, iso_time
from marketplace.extensions import db
from marketplace.messages.services import shown_names
from marketplace.money import format_quantity
from marketplace.quotes.comparison import Comparison, compare
from marketplace.quotes.models import Quote, QuoteRequest
from marketplace.quotes.presenting import status_label
from marketplace.quotes.states import (
    OPEN,
    QuoteStatus,
    Side,
    allowed_moves,
)

# Each action's endpoint, and the state it moves a quote to.
ACTIONS: dict[str, QuoteStatus] = dict(
    zip(
        ACTION_NAMES,
        (
            QuoteStatus.OFFERED,
            QuoteStatus.COUNTERED,
            QuoteStatus.ACCEPTED,
            QuoteStatus.DECLINED,
            QuoteStatus.WITHDRAWN,
        ),
        strict=True,
    )
)
_ACTION_OF = {status: name for name, status in ACTIONS.items()}


def _percent(basis_points: int | None) -> int | float | None:
    """7700 → 77, 1350 → 13.5: a percentage as a JSON number."""
    if basis_points is None:
        return None
    return basis_points // 100 if basis_points % 100 == 0 else basis_points / 100


def quote_summary(quote: Quote, side: Side) -> dict[str, Any]:
    """A quote as ``side`` sees it, with the moves that side may make now."""
    has_breakdown = quote.direct_bp is not None
    return {
        "id": quote.id,
        "request_id": quote.request_id,
        "status": quote.status,
        "status_label": status_label(quote, side),
        "actions": [_ACTION_OF[to] for to in allowed_moves(quote.status, side)],
        "provider_name": quote.provider_name,
        "organisation_id": quote.organisation_id,
        "pa_profile_id": quote.pa_profile_id,
        "offer_id": quote.offer_id,
        "unit_price_pence": quote.unit_price_pence,
        "breakdown": {
            "direct_percent": _percent(quote.direct_bp),
            "coordination_percent": _percent(quote.coordination_bp),
            "overheads_percent": _percent(quote.overheads_bp),
        }
        if has_breakdown
        else None,
        "start_on": iso_date(quote.offered_start_on),
        "notice_hours": quote.notice_hours,
        "late_cancel_percent": _percent(quote.late_cancel_bp),
        "note": quote.provider_note,
        "counter_price_pence": quote.counter_price_pence,
        "counter_note": quote.counter_note,
        "closing_reason": quote.closing_reason,
        "expires_at": iso_time(quote.expires_at) if quote.status in OPEN else None,
        "thread_id": quote.thread_id,
        "created_at": iso_time(quote.created_at),
        "updated_at": iso_time(quote.updated_at),
    }


def _asked(request: QuoteRequest) -> dict[str, Any]:
    """What a request asks for: all a provider learns of it (the holder only by name)."""
    return {
        "id": request.id,
        "holder_name": request.holder.name,
        "description": request.description,
        "details": request.details,
        "frequency": request.frequency,
        "quantity_hundredths": request.quantity_hundredths,
        "quantity": format_quantity(request.quantity_hundredths),
        "unit": request.unit,
        "days": list(request.days or []),
        "time_bands": list(request.time_bands or []),
        "start_on": iso_date(request.start_on),
        "end_on": iso_date(request.end_on),
        "district": request.district,
        "created_at": iso_time(request.created_at),
    }


def holder_request(request: QuoteRequest) -> dict[str, Any]:
    """A request as the holder's side sees it: every quote."""
    return {
        **_asked(request),
        "holder_id": request.holder_id,
        "plan_id": request.plan_id,
        "line_id": request.line_id,
        "stream_id": request.stream_id,
        "need_id": request.need_id,
        "accepted_quote_id": request.accepted_quote_id,
        "created_by_id": request.created_by_id,
        "quotes": [quote_summary(q, Side.REQUESTER) for q in request.quotes],
    }


def provider_request(request: QuoteRequest, mine: Iterable[Quote]) -> dict[str, Any]:
    """A request as a provider asked sees it: their own quotes and nothing of the others'."""
    return {**_asked(request), "quotes": [quote_summary(q, Side.PROVIDER) for q in mine]}


def comparison(found: Comparison) -> dict[str, Any]:
    return {
        "stream_id": found.stream.id if found.stream is not None else None,
        "stream_name": found.stream.name if found.stream is not None else None,
        "columns": [
            {
                "quote_id": column.quote.id,
                "provider_name": column.quote.provider_name,
                "status": column.quote.status,
                "price_pence": column.price_pence,
                "weekly_pence": column.weekly_pence,
                "annual_pence": column.annual_pence,
                "rating": column.rating,
                "distance_km": column.distance_km,
                "affordability": column.affordability.as_dict()
                if column.affordability is not None
                else None,
                "cheapest": column.cheapest,
                "is_open": column.is_open,
                "expires_at": iso_time(column.expires_at),
            }
            for column in found.columns
        ],
    }


def compared_request(request: QuoteRequest) -> dict[str, Any]:
    return {**holder_request(request), "comparison": comparison(compare(request))}


def quote_detail(quote: Quote, side: Side) -> dict[str, Any]:
    """A quote with what was asked and every move, as ``side`` sees it."""
    events = list(quote.events)
    names = shown_names(db.session, [e.actor for e in events if e.actor is not None])
    return {
        **quote_summary(quote, side),
        "side": side.value,
        "request": _asked(quote.request),
        "events": [
            {
                "from": event.from_status,
                "to": event.to_status,
                "at": iso_time(event.at),
                "actor": names.get(event.actor_id) if event.actor_id is not None else None,
                "price_pence": event.price_pence,
                "note": event.note,
            }
            for event in events
        ],
    }
