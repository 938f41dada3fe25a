"""Stored times are UTC; people read them in UK time."""

from __future__ import annotations

from datetime import datetime

from marketplace.clock import uk_time_text


def test_winter_times_are_greenwich_mean_time():
    assert uk_time_text(datetime(2026, 12, 3, 14, 5)) == "3 December 2026 at 2:05pm"
    assert uk_time_text(datetime(2026, 12, 3, 0, 30)) == "3 December 2026 at 12:30am"


def test_summer_times_are_an_hour_ahead_and_can_change_the_day():
    assert uk_time_text(datetime(2026, 7, 1, 11, 0)) == "1 July 2026 at 12:00pm"
    assert uk_time_text(datetime(2026, 7, 1, 23, 15)) == "2 July 2026 at 12:15am"
