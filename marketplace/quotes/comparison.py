"""The comparison of a request's answers, side by side: what each costs on the request's
schedule (a week and the plan year), its breakdown and terms, the provider's regulator rating and
distance, and whether the stream that would pay can afford it beside the plan's other lines.

One function for the page and the API, so both always show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marketplace import geo, money
from marketplace.budgets.models import BudgetStream
from marketplace.directory import vocab as directory_vocab
from marketplace.plans.costing import line_annual_pence, plan_costs
from marketplace.plans.vocab import PERIODS_PER_YEAR
from marketplace.quotes.models import Quote, QuoteRequest
from marketplace.quotes.states import OPEN


@dataclass(frozen=True)
class Affordability:
    stream: BudgetStream
    # What the stream has left for this line: its remaining total less the plan's other lines.
    left_pence: int
    annual_pence: int

    @property
    def affordable(self) -> bool:
        return self.annual_pence <= self.left_pence

    @property
    def over_pence(self) -> int:
        return max(0, self.annual_pence - self.left_pence)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stream_id": self.stream.id,
            "stream_name": self.stream.name,
            "left_pence": self.left_pence,
            "affordable": self.affordable,
            "over_pence": self.over_pence,
        }


@dataclass(frozen=True)
class Column:
    """One quote in the comparison. Costs are None until the provider has quoted."""

    quote: Quote
    price_pence: int | None
    annual_pence: int | None
    weekly_pence: int | None  # None for a one-off
    rating: str  # "Good (CQC)", "Not inspected", "Not regulated (personal assistant)"
    distance_km: float | None
    affordability: Affordability | None
    cheapest: bool = False

    @property
    def is_open(self) -> bool:
        return self.quote.status in OPEN

    @property
    def expires_at(self) -> datetime | None:
        return self.quote.expires_at if self.is_open else None


@dataclass(frozen=True)
class Comparison:
    request: QuoteRequest
    columns: list[Column]
    stream: BudgetStream | None

    @property
    def answered(self) -> list[Column]:
        return [c for c in self.columns if c.price_pence is not None]


def costs(request: QuoteRequest, price_pence: int) -> tuple[int, int | None]:
    """(cost over the plan year, cost a week) of the request's schedule at this price per unit;
    a one-off has no weekly cost. The same rounding as plan lines (``plans.costing``)."""
    annual = money.annual_cost(
        price_pence, request.quantity_hundredths, PERIODS_PER_YEAR[request.frequency]
    )
    weekly = None if request.frequency == "once" else money.annual_to_weekly(annual)[0]
    return annual, weekly


_REGULATOR_SHORT = {"cqc": "CQC", "care_inspectorate": "Care Inspectorate", "ciw": "CIW"}


def rating_text(quote: Quote) -> str:
    organisation = quote.organisation
    if organisation is None:
        return "Not regulated (personal assistant)"
    if organisation.regulator == "none":
        return "Not regulated"
    regulator = _REGULATOR_SHORT.get(organisation.regulator, organisation.regulator)
    if not organisation.rating:
        return f"Not yet rated ({regulator})"
    ratings = directory_vocab.RATINGS.get(organisation.regulator, ())
    return f"{directory_vocab.label(ratings, organisation.rating)} ({regulator})"


def distance_km(request: QuoteRequest, quote: Quote) -> float | None:
    if quote.organisation is not None:
        home = quote.organisation.base_district
    else:
        home = quote.pa_profile.home_district if quote.pa_profile is not None else ""
    places = geo.districts()
    if request.district not in places or home not in places:
        return None
    return round(geo.distance_km(places[request.district], places[home]), 1)


def _left_for_line(request: QuoteRequest, stream: BudgetStream) -> int:
    """What the stream has left for this line: what it has left for the plan (plans.costing:
    money on the plan's own lines' bookings is not taken twice) less what the draft plan's other
    lines on it cost over the year. A booking already made for this line counts as the line's
    cost, i.e. the quote is taken to replace it: booking the quote beside it is still checked
    against the stream's real balance (bookings.ledger) and refused if it does not fit."""
    plan = request.plan
    if plan is None:
        return stream.remaining_pence
    available = next(
        (item.available_pence for item in plan_costs(plan).streams if item.stream.id == stream.id),
        stream.remaining_pence,
    )
    others = sum(
        line_annual_pence(line)
        for line in plan.lines
        if line.stream_id == stream.id and line.id != request.line_id
    )
    return available - others


def affordability_at(request: QuoteRequest, price_pence: int) -> Affordability | None:
    """Whether the request's stream can afford ``price_pence`` a unit on its schedule beside the
    plan's other lines (None when no stream is chosen): what accepting at that price means."""
    stream = request.stream
    if stream is None:
        return None
    annual, _weekly = costs(request, price_pence)
    return Affordability(stream, _left_for_line(request, stream), annual)


def compare(request: QuoteRequest) -> Comparison:
    """Every quote of the request, in the order asked, with the cheapest answer marked."""
    stream = request.stream
    left = _left_for_line(request, stream) if stream is not None else None
    columns = []
    for quote in request.quotes:
        price = quote.unit_price_pence  # the provider's price stands while a counter is answered
        annual = weekly = None
        affordability = None
        if price is not None:
            annual, weekly = costs(request, price)
            if stream is not None and left is not None:
                affordability = Affordability(stream, left, annual)
        columns.append(
            Column(
                quote=quote,
                price_pence=price,
                annual_pence=annual,
                weekly_pence=weekly,
                rating=rating_text(quote),
                distance_km=distance_km(request, quote),
                affordability=affordability,
            )
        )
    priced = [c.annual_pence for c in columns if c.annual_pence is not None and c.is_open]
    if len(priced) > 1:
        lowest = min(priced)
        columns = [
            Column(**{**c.__dict__, "cheapest": c.annual_pence == lowest and c.is_open})
            for c in columns
        ]
    return Comparison(request=request, columns=columns, stream=stream)
