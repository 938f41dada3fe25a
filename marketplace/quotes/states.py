"""The quote state machine: which moves are allowed, who makes them, and how they read.

    requested ──offer──▶ offered ──accept──▶ accepted
        │                 │   ▲
        │              counter│offer (the provider answers a counter-offer with a new price,
        │                 ▼   │       or declines it and keeps their price)
        │               countered
    any open state ──▶ declined | withdrawn | expired | not_chosen (another quote was accepted)

Only the provider declines a requested quote, only the holder's side an offered one; a countered
quote is never declined: the provider declining the counter-offer puts it back on offer at their
price, and a provider who wants out withdraws. Open states are requested, offered and countered;
the other five are final.
"""

from __future__ import annotations

from enum import StrEnum

from marketplace.errors import Forbidden, InvalidTransition


class QuoteStatus(StrEnum):
    REQUESTED = "requested"
    OFFERED = "offered"
    COUNTERED = "countered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NOT_CHOSEN = "not_chosen"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Side(StrEnum):
    """Who may make a move: the holder's side (the requester) or the provider's."""

    REQUESTER = "requester"
    PROVIDER = "provider"
    SYSTEM = "system"  # the clock (expiry) and another quote's acceptance (not chosen)


S = QuoteStatus
OPEN = frozenset({S.REQUESTED, S.OFFERED, S.COUNTERED})
FINAL = frozenset(set(S) - OPEN)

# (from, to) → the sides that may make that move.
MOVES: dict[tuple[QuoteStatus, QuoteStatus], frozenset[Side]] = {
    (S.REQUESTED, S.OFFERED): frozenset({Side.PROVIDER}),
    (S.COUNTERED, S.OFFERED): frozenset({Side.PROVIDER}),
    (S.OFFERED, S.OFFERED): frozenset({Side.PROVIDER}),  # a revised offer before an answer
    (S.OFFERED, S.COUNTERED): frozenset({Side.REQUESTER}),
    (S.OFFERED, S.ACCEPTED): frozenset({Side.REQUESTER}),
    # Declining: the provider declines to quote; the requester turns down an offer.
    (S.REQUESTED, S.DECLINED): frozenset({Side.PROVIDER}),
    (S.OFFERED, S.DECLINED): frozenset({Side.REQUESTER}),
    **{(state, S.WITHDRAWN): frozenset({Side.REQUESTER, Side.PROVIDER}) for state in OPEN},
    **{(state, S.EXPIRED): frozenset({Side.SYSTEM}) for state in OPEN},
    **{(state, S.NOT_CHOSEN): frozenset({Side.SYSTEM}) for state in OPEN},
}

LABELS: dict[str, str] = {
    S.REQUESTED: "Waiting for a quote",
    S.OFFERED: "Quote received",
    S.COUNTERED: "Counter-offer sent",
    S.ACCEPTED: "Accepted",
    S.DECLINED: "Declined",
    S.NOT_CHOSEN: "Not chosen",
    S.EXPIRED: "Expired",
    S.WITHDRAWN: "Withdrawn",
}
# The same states as the provider reads them (they answer requests; they are not chosen).
PROVIDER_LABELS: dict[str, str] = {
    **LABELS,
    S.REQUESTED: "Waiting for your quote",
    S.OFFERED: "Quote sent",
    S.COUNTERED: "Counter-offer to answer",
}
# GOV.UK tag colours for each state.
TAG_CLASSES: dict[str, str] = {
    S.REQUESTED: "govuk-tag--blue",
    S.OFFERED: "govuk-tag--turquoise",
    S.COUNTERED: "govuk-tag--yellow",
    S.ACCEPTED: "govuk-tag--green",
    S.DECLINED: "govuk-tag--red",
    S.NOT_CHOSEN: "govuk-tag--grey",
    S.EXPIRED: "govuk-tag--grey",
    S.WITHDRAWN: "govuk-tag--grey",
}
_WORDS = {status: status.replace("_", " ") for status in S}
# Where the bare state would read oddly in "This quote is …": what it means, naming it still.
_NOW = {
    S.REQUESTED: "still requested (no price has been given yet)",
    S.COUNTERED: "countered (the provider has yet to answer the counter-offer)",
}


def words(status: str) -> str:
    """A state as a sentence says it: "not chosen"."""
    return _WORDS.get(status, status)  # type: ignore[call-overload]


def transition_error(current: str, wanted: str) -> InvalidTransition:
    """The 409 for a move not allowed from the current state, naming both."""
    if current == wanted and current in FINAL:
        message = f"This quote is {words(current)} already."
    else:
        now = _NOW.get(current, words(current))  # type: ignore[call-overload]
        message = f"This quote is {now}, so it cannot be {words(wanted)}."
    return InvalidTransition(current, wanted, message=message)


def leads_to(current: str, wanted: str) -> QuoteStatus:
    """The state asking for ``wanted`` puts a quote in: ``wanted`` itself, except that declining
    a counter-offer does not end the quote. The provider turning the counter-offer down keeps
    their price, so the quote is back on offer at their terms (the move a new price makes too)."""
    if current == S.COUNTERED and wanted == S.DECLINED:
        return S.OFFERED
    return QuoteStatus(wanted)


def check_move(current: str, wanted: str, side: Side) -> QuoteStatus:
    """Raise the 409 unless ``side`` may ask for ``wanted`` from ``current`` (the 403 when it is
    the other side's move); else the state it leads to (``leads_to``)."""
    to = leads_to(current, wanted)
    sides = MOVES.get((QuoteStatus(current), to))
    if sides is None:
        raise transition_error(current, wanted)
    if side not in sides:
        who = "the provider" if Side.PROVIDER in sides else "the person asking for the quote"
        raise Forbidden(f"Only {who} can do that.")
    return to


def allowed_moves(current: str, side: Side) -> list[QuoteStatus]:
    """What ``side`` may ask for from ``current``, each named by the state asked for (what
    buttons a page shows, the API's actions): declining a countered quote among them."""
    return [
        wanted
        for wanted in S
        if side in MOVES.get((QuoteStatus(current), leads_to(current, wanted)), ())
    ]
