"""A plan line started from a need advert takes the times the PA or provider is free for."""

from __future__ import annotations

from datetime import date

from marketplace.directory.models import Offer, PAProfile
from marketplace.needs.models import NeedAdvert
from marketplace.needs.prefill import line_from_need


def _need(slots: list[str], hours: int = 900, rate: int = 1400) -> NeedAdvert:
    return NeedAdvert(
        title="Evenings",
        slots=slots,
        hours_hundredths=hours,
        rate_pence=rate,
        start_on=date(2027, 1, 4),
        end_on=None,
    )


def _pa(availability: list[str], rate: int = 1400) -> PAProfile:
    return PAProfile(display_name="Joanne W.", availability=availability, hourly_rate_pence=rate)


def test_a_pa_free_for_every_time_takes_the_advert_as_it_is():
    need = _need(["mon:evening", "wed:evening", "fri:evening"])
    line = line_from_need(need, _pa(["mon:evening", "wed:evening", "fri:evening", "sat:morning"]))
    assert (line.days, line.time_bands, line.hours_hundredths) == (
        ["mon", "wed", "fri"],
        ["evening"],
        900,
    )
    assert line.start_on == date(2027, 1, 4)
    assert line.note == "Filled in from the advert “Evenings”."


def test_times_the_pa_is_not_free_are_left_out_with_their_share_of_the_hours():
    need = _need(["mon:evening", "wed:evening", "fri:evening"])
    line = line_from_need(need, _pa(["wed:evening", "fri:evening"]))
    assert (line.days, line.time_bands, line.hours_hundredths) == (["wed", "fri"], ["evening"], 600)
    assert "(not Monday evening), so 6 of its 9 hours a week" in line.note


def test_hours_scale_down_to_the_quarter_hour():
    line = line_from_need(
        _need(["mon:morning", "tue:morning", "wed:morning"], hours=1000), _pa(["mon:morning"])
    )
    assert line.hours_hundredths == 325  # 10 / 3 = 3.33 → 3.25


def test_days_and_times_are_only_pairings_the_pa_is_free_for():
    # Free Monday morning and evening, Tuesday morning only: a line runs at every time on every
    # day, so it takes the time of day with the most days (mornings on Monday and Tuesday).
    need = _need(["mon:morning", "mon:evening", "tue:morning", "tue:evening"])
    line = line_from_need(need, _pa(["mon:morning", "mon:evening", "tue:morning"]))
    assert (line.days, line.time_bands) == (["mon", "tue"], ["morning"])


def test_a_pa_free_at_none_of_the_times_is_left_for_the_person_to_choose():
    line = line_from_need(_need(["sun:night"]), _pa(["mon:morning"]))
    assert (line.days, line.time_bands, line.hours_hundredths) == ([], [], 900)
    assert "is not free at any of the times it asks for" in line.note


def test_a_rate_above_the_pay_offered_is_pointed_out():
    line = line_from_need(_need(["mon:morning"]), _pa(["mon:morning"], rate=1825))
    assert "Joanne W. asks £18.25 an hour, more than the £14.00 the advert offers" in line.note


def test_a_provider_naming_no_days_is_taken_to_be_free_on_any_day():
    offer = Offer(title="PA service", days=[], time_bands=["evening"], price_unit="visit")
    need = _need(["mon:evening", "tue:morning"])
    line = line_from_need(need, offer=offer)
    assert (line.days, line.time_bands) == (["mon"], ["evening"])
