"""A plan line started from a need advert: the advert's times that the chosen PA (or provider)
is free for, its hours scaled to those times, its dates, and a note saying what was filled in
and what differs from the advert (times left out, a rate above the pay offered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marketplace.directory import vocab
from marketplace.directory.models import Offer, PAProfile
from marketplace.money import format_pence, format_quantity
from marketplace.needs.models import NeedAdvert
from marketplace.needs.presenting import when_text

_DAY_ORDER = [day for day, _ in vocab.DAYS]
_BAND_ORDER = [band for band, _ in vocab.TIME_BANDS]
# Hours are rounded down to the quarter hour when scaled to fewer times.
_QUARTER = 25


@dataclass(frozen=True)
class LinePrefill:
    days: list[str]
    time_bands: list[str]
    hours_hundredths: int
    start_on: date
    end_on: date | None
    note: str


def _free(need: NeedAdvert, pa: PAProfile | None, offer: Offer | None) -> list[str]:
    if pa is not None:
        available = set(pa.availability or ())
        return [slot for slot in need.slots if slot in available]
    if offer is not None:  # a provider that names no days (or times) is taken to be free then
        days, bands = set(offer.days or ()), set(offer.time_bands or ())
        return [
            slot
            for slot in need.slots
            if (not days or slot.split(":")[0] in days)
            and (not bands or slot.split(":")[1] in bands)
        ]
    return list(need.slots)


def _grid(slots: list[str]) -> tuple[list[str], list[str]]:
    """Days and times of day every pairing of which is among ``slots`` (a line runs at each
    time on each day), covering as many of them as can be: every time on the days that have
    them all, or one time of day on all its days, whichever covers more (more days on a tie)."""
    days_by_band: dict[str, set[str]] = {}
    for slot in slots:
        day, _, band = slot.partition(":")
        days_by_band.setdefault(band, set()).add(day)
    if not days_by_band:
        return [], []
    options = [(set.intersection(*days_by_band.values()), set(days_by_band))]
    options += [(days, {band}) for band, days in days_by_band.items()]
    days, bands = max(options, key=lambda o: (len(o[0]) * len(o[1]), len(o[0])))
    return (
        [d for d in _DAY_ORDER if d in days],
        [b for b in _BAND_ORDER if b in bands],
    )


def line_from_need(
    need: NeedAdvert, pa: PAProfile | None = None, offer: Offer | None = None
) -> LinePrefill:
    days, bands = _grid(_free(need, pa, offer))
    chosen = [f"{d}:{b}" for d in days for b in bands]
    hours = need.hours_hundredths
    if chosen and len(chosen) < len(need.slots):
        hours = max(_QUARTER, hours * len(chosen) // len(need.slots) // _QUARTER * _QUARTER)
    name = pa.display_name if pa is not None else offer.provider_name if offer else ""
    sentences = [f"Filled in from the advert “{need.title}”."]
    left_out = [slot for slot in need.slots if slot not in chosen]
    if not chosen:
        sentences.append(f"{name} is not free at any of the times it asks for: choose the times.")
    elif left_out:
        sentences.append(
            f"{when_text(chosen)}: the times {name} is free of those it asks for (not "
            f"{when_text(left_out)}), so {format_quantity(hours)} of its "
            f"{format_quantity(need.hours_hundredths)} hours a week."
        )
    rate = pa.hourly_rate_pence if pa is not None else None
    if offer is not None and offer.price_unit == "hour":
        rate = offer.price_pence
    if rate is not None and rate > need.rate_pence:
        sentences.append(
            f"{name} asks {format_pence(rate)} an hour, more than the "
            f"{format_pence(need.rate_pence)} the advert offers: the line is costed at their "
            "rate until a price is agreed."
        )
    return LinePrefill(days, bands, hours, need.start_on, need.end_on, " ".join(sentences))
