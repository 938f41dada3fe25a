"""Who is told about each quote event, and what they read (a notification and an email each).

The holder's side is the holder, their representatives and their broker; the provider's side is
the PA or the organisation's staff. Whoever acted is not told about their own move.
"""

from __future__ import annotations

from typing import Any

from marketplace.money import format_pence
from marketplace.notifications.services import notify
from marketplace.plans.workflow import people_to_tell
from marketplace.quotes.access import provider_people
from marketplace.quotes.models import Quote

_UNIT_ONE = {
    "hours": "an hour",
    "sessions": "a session",
    "visits": "a visit",
    "days": "a day",
    "nights": "a night",
    "items": "each",
}


def per_unit(pence: int | None, unit: str) -> str:
    """1850, "hours" → "£18.50 an hour"."""
    return f"{format_pence(pence, free_text='')} {each(unit)}"


def each(unit: str) -> str:
    """'hours' → 'an hour', 'items' → 'each' (as prices per unit say it)."""
    return _UNIT_ONE.get(unit, "each")


def _what(quote: Quote) -> str:
    return f"“{quote.request.description}”"


def _tell(session: Any, people: Any, quote: Quote, kind: str, text: str, actor: Any) -> None:
    notify(
        session,
        people,
        kind=kind,
        text=text,
        endpoint="quotes.quote",
        url_values={"quote_id": quote.id},
        skip=actor,
    )


def _holder_side(session: Any, quote: Quote) -> list[Any]:
    return people_to_tell(session, quote.request.holder_id)


def tell_requested(session: Any, quote: Quote, actor: Any) -> None:
    request = quote.request
    _tell(
        session,
        provider_people(session, quote),
        quote,
        "quote_requested",
        f"{request.holder.name} asks you for a quote for {_what(quote)}.",
        actor,
    )


def tell_offered(session: Any, quote: Quote, actor: Any) -> None:
    price = per_unit(quote.unit_price_pence, quote.request.unit)
    _tell(
        session,
        _holder_side(session, quote),
        quote,
        "quote_offered",
        f"{quote.provider_name} quoted {price} for {_what(quote)}.",
        actor,
    )


def tell_countered(session: Any, quote: Quote, actor: Any) -> None:
    price = per_unit(quote.counter_price_pence, quote.request.unit)
    _tell(
        session,
        provider_people(session, quote),
        quote,
        "quote_countered",
        f"{quote.request.holder.name}'s side made a counter-offer of {price} for {_what(quote)}.",
        actor,
    )


def tell_counter_declined(
    session: Any, quote: Quote, actor: Any, declined: str, reason: str
) -> None:
    """The provider kept their price: the holder's side may accept it, counter again or decline."""
    price = per_unit(quote.unit_price_pence, quote.request.unit)
    _tell(
        session,
        _holder_side(session, quote),
        quote,
        "quote_counter_declined",
        f"{quote.provider_name} kept their price of {price} for {_what(quote)}, declining the "
        f"counter-offer of {declined}. You can accept it, make another counter-offer or decline. "
        f"Their reason: {reason}",
        actor,
    )


def tell_accepted(session: Any, quote: Quote, actor: Any) -> None:
    price = per_unit(quote.unit_price_pence, quote.request.unit)
    _tell(
        session,
        provider_people(session, quote) + _holder_side(session, quote),
        quote,
        "quote_accepted",
        f"The quote of {price} from {quote.provider_name} for {_what(quote)} was accepted.",
        actor,
    )


def tell_not_chosen(session: Any, quote: Quote, actor: Any) -> None:
    _tell(
        session,
        provider_people(session, quote),
        quote,
        "quote_not_chosen",
        f"{quote.request.holder.name}'s side chose another quote for {_what(quote)}. "
        "Thank you for answering.",
        actor,
    )


def tell_closed(session: Any, quote: Quote, actor: Any, by_provider: bool) -> None:
    """Declined or withdrawn: the other side is told, with the reason given."""
    verb = "declined" if quote.status == "declined" else "withdrew"
    if by_provider:
        people, who = _holder_side(session, quote), quote.provider_name
    else:
        people, who = provider_people(session, quote), f"{quote.request.holder.name}'s side"
    reason = f" Their reason: {quote.closing_reason}" if quote.closing_reason else ""
    noun = "the quote" if verb == "declined" or by_provider else "the request"
    _tell(
        session,
        people,
        quote,
        f"quote_{quote.status}",
        f"{who} {verb} {noun} for {_what(quote)}.{reason}",
        actor,
    )


def tell_expired(session: Any, quote: Quote) -> None:
    _tell(
        session,
        provider_people(session, quote) + _holder_side(session, quote),
        quote,
        "quote_expired",
        f"The quote from {quote.provider_name} for {_what(quote)} expired without an answer.",
        None,
    )
