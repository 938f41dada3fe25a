"""Where each budget stream is heading by the end of its plan year, from its bookings and what
has been spent so far.

Two signals, each a plain comparison a person can check:
- **overspending**: spending faster than the year allows. Spent so far, at the same daily rate
  for the rest of the year, would pass the total by more than the tolerance; the warning says
  when the money would run out. (Bookings can never commit more than the total; this is the
  early warning that the pattern of spending will not last the year.)
- **underspending**: what is spent and booked (committed) falls short of the total by more than
  the tolerance once the year is under way: money that would go unused.
Otherwise **on track**.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app

from marketplace.budgets.models import Budget, BudgetStream
from marketplace.clock import date_text, today
from marketplace.money import format_money
from marketplace.plans.costing import stream_phrase

ON_TRACK, UNDERSPENDING, OVERSPENDING = "on_track", "underspending", "overspending"
LABELS = {ON_TRACK: "On track", UNDERSPENDING: "Underspending", OVERSPENDING: "Overspending"}
# Spending is judged only once this much of the year has gone: a week in, one early purchase
# says nothing about the year.
SETTLING_DAYS = 28


@dataclass(frozen=True)
class StreamForecast:
    stream_id: int
    name: str
    total_pence: int
    spent_pence: int
    committed_pence: int
    days_gone: int
    days_in_year: int
    expected_by_now_pence: int  # the total spread evenly over the year, up to today
    projected_pence: int  # spent + committed: what the year will cost from bookings so far
    run_rate_pence: int  # spent so far, at the same daily rate for the whole year
    status: str
    message: str
    runs_out_on: date | None

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def unused_pence(self) -> int:
        return max(self.total_pence - self.projected_pence, 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stream_id": self.stream_id,
            "name": self.name,
            "total_pence": self.total_pence,
            "spent_pence": self.spent_pence,
            "committed_pence": self.committed_pence,
            "expected_by_now_pence": self.expected_by_now_pence,
            "projected_pence": self.projected_pence,
            "run_rate_pence": self.run_rate_pence,
            "unused_pence": self.unused_pence,
            "days_gone": self.days_gone,
            "days_in_year": self.days_in_year,
            "status": self.status,
            "status_label": self.label,
            "message": self.message,
            "runs_out_on": self.runs_out_on.isoformat() if self.runs_out_on else None,
        }


def _tolerance_bp() -> int:
    return int(current_app.config["FORECAST_TOLERANCE_BP"])


def stream_forecast(stream: BudgetStream, on: date | None = None) -> StreamForecast:
    budget: Budget = stream.budget
    on = on or today()
    days_in_year = (budget.year_end - budget.year_start).days + 1
    days_gone = min(max((on - budget.year_start).days + 1, 0), days_in_year)
    total, spent, committed = stream.total_pence, stream.spent_pence, stream.committed_pence
    expected = total * days_gone // days_in_year
    projected = spent + committed
    run_rate = spent * days_in_year // days_gone if days_gone else 0
    tolerance = _tolerance_bp()
    phrase = stream_phrase(stream)
    status, runs_out_on = ON_TRACK, None
    settled = days_gone >= min(SETTLING_DAYS, days_in_year)
    if settled and total and run_rate * 10000 > total * (10000 + tolerance):
        status = OVERSPENDING
        daily = spent / days_gone
        runs_out_on = budget.year_start + timedelta(days=int(total / daily))
        message = (
            f"Spending is ahead of the year: {format_money(spent)} spent where "
            f"{format_money(expected)} was expected by now. At this rate {phrase} runs out "
            f"around {date_text(runs_out_on)}, before the year ends on "
            f"{date_text(budget.year_end)}."
        )
    elif settled and total and projected * 10000 < total * (10000 - tolerance):
        status = UNDERSPENDING
        unused = total - projected
        message = (
            f"{format_money(unused)} of {phrase} ({unused * 100 // total}%) is neither spent "
            f"nor booked: at the year's end on {date_text(budget.year_end)} it would be unused."
        )
    else:
        message = (
            f"On track: {format_money(spent)} spent and {format_money(committed)} booked of "
            f"{format_money(total)}."
        )
    return StreamForecast(
        stream_id=stream.id,
        name=stream.name,
        total_pence=total,
        spent_pence=spent,
        committed_pence=committed,
        days_gone=days_gone,
        days_in_year=days_in_year,
        expected_by_now_pence=expected,
        projected_pence=projected,
        run_rate_pence=run_rate,
        status=status,
        message=message,
        runs_out_on=runs_out_on,
    )


def budget_forecast(budget: Budget, on: date | None = None) -> list[StreamForecast]:
    """Each stream's forecast, in the budget's order (unpaid support has no stream)."""
    return [stream_forecast(stream, on) for stream in budget.streams]


def warnings(budget: Budget | None, on: date | None = None) -> list[StreamForecast]:
    """The streams that are not on track: the dashboards' early warning."""
    if budget is None:
        return []
    return [f for f in budget_forecast(budget, on) if f.status != ON_TRACK]
