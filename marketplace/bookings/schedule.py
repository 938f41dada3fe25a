"""Which days a booking has sessions on, and when each starts: pure functions of the pattern."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from marketplace.clock import UK_TIME

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def session_days(
    kind: str, start_on: date, end_on: date | None, days: list[str], last_day: date
) -> list[date]:
    """A one-off's one day, or each of the weekly pattern's weekdays from ``start_on`` to
    ``end_on`` (or ``last_day``, the end of the plan year, whichever is first)."""
    if kind == "one_off":
        return [start_on] if start_on <= last_day else []
    end = min(end_on or last_day, last_day)
    wanted = {WEEKDAYS.index(day) for day in days if day in WEEKDAYS}
    found = []
    day = start_on
    while day <= end:
        if day.weekday() in wanted:
            found.append(day)
        day += timedelta(days=1)
    return found


def starts_at(day: date, start_time: time) -> datetime:
    """A session's start as a stored (naive UTC) time, from its UK date and time."""
    local = datetime.combine(day, start_time, tzinfo=UK_TIME)
    return local.astimezone(UTC).replace(tzinfo=None)
