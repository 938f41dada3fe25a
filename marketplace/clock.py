"""Time in one place: naive UTC datetimes in the database (SQLite keeps no time zone)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()


# Plan years run from April to March, as councils' financial years do.
def financial_year_start(on: date) -> date:
    """1 April on or before the day."""
    start = date(on.year, 4, 1)
    return start if on >= start else date(on.year - 1, 4, 1)


def plan_year_end(year_start: date) -> date:
    """The last day of the plan year that starts then: one year later, less a day."""
    try:
        next_start = year_start.replace(year=year_start.year + 1)
    except ValueError:  # 29 February: the next year starts on 1 March
        next_start = date(year_start.year + 1, 3, 1)
    return next_start - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), kept within the month: 31 Jan + 1 = 28 Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def date_text(day: date) -> str:
    """'4 December 2026'."""
    return f"{day.day} {day:%B %Y}"


# How far ahead support can be asked for or offered to start: a year (a plan's span).
START_WITHIN = timedelta(days=366)
# How long a request may say it lasts, from its start; longer is "carries on" (no end date).
LASTS_AT_MOST = timedelta(days=5 * 366)


def start_date_error(start_on: date) -> str | None:
    """Why a start date for support is refused: gone, or more than a year away."""
    if start_on < today():
        return "The start date must be today or in the future"
    latest = today() + START_WITHIN
    if start_on > latest:
        return f"The start date must be within a year, by {date_text(latest)}"
    return None


# The service is for England, Scotland and Wales: times are shown in UK time.
UK_TIME = ZoneInfo("Europe/London")


def uk_time_text(moment: datetime) -> str:
    """A stored (naive UTC) time as people in the UK read it: '3 December 2026 at 2:05pm'
    (British Summer Time in summer)."""
    local = moment.replace(tzinfo=UTC).astimezone(UK_TIME)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
