"""The booking tests' world: the quote tests' holder, people and providers, with Aire Valley's
quote (£21.50 an hour, 48 hours' notice, late cancellations charged in full) accepted for the
direct payment, and the budget's plan year running eleven months from today, so bookings made
in the tests always fall inside it whatever the date."""

from __future__ import annotations

from datetime import date, time, timedelta
from types import SimpleNamespace
from typing import Any

from marketplace.bookings.services import BookingInput
from marketplace.budgets.models import Budget
from marketplace.extensions import db
from marketplace.quotes import answers
from marketplace.quotes.requests import create_request
from tests.quotes.world import make_quote_world, request_input, terms


def make_booking_world(*, dp_pence: int | None = None) -> SimpleNamespace:
    w = make_quote_world()
    request = create_request(db.session, w.broker, request_input(w, stream_id=w.dp.id))
    aire, kirk = request.quotes
    answers.offer_quote(db.session, w.aire_staff, aire.id, terms())
    answers.accept_quote(db.session, w.broker, aire.id)
    budget = db.session.get(Budget, w.budget.id)
    budget.year_start = date.today() - timedelta(days=30)
    budget.year_end = budget.year_start.replace(year=budget.year_start.year + 1) - timedelta(days=1)
    if dp_pence is not None:
        dp = next(s for s in budget.streams if s.kind == "dp")
        budget.total_pence += dp_pence - dp.total_pence
        dp.total_pence = dp_pence
    db.session.commit()
    w.request, w.quote, w.kirk_quote = request, aire, kirk
    return w


def booking_input(w: SimpleNamespace, **changes: Any) -> BookingInput:
    """Aire's accepted quote, 2 hours each Monday, Wednesday and Friday at 9am from three weeks
    today for six weeks: 18 sessions of £43.00."""
    start = date.today() + timedelta(days=21)
    values: dict[str, Any] = {
        "quote_id": w.quote.id,
        "kind": "weekly",
        "days": ["mon", "wed", "fri"],
        "start_time": time(9, 0),
        "start_on": start,
        "end_on": start + timedelta(days=41),
        "quantity_hundredths": 200,
    }
    values.update(changes)
    return BookingInput(**values)
