"""The demo's need adverts (issue 7), as plain data: who posts what, and who has replied.

Grace (holder@demo.example, LS6) advertises for a PA on Monday, Wednesday and Friday evenings,
for her draft plan; Joanne W. (pa@demo.example), who lives in LS6 too, matches it well (free on
two of the three evenings, with seed 2026) and has replied with a note.
Three generated holders advertise as well (with seed 2026: Brian in Leeds through his broker
Priya, with a dog, so "happy with pets" counts; Hodan in Birmingham herself; and Imran in Leeds
through his representative, whose advert has closed because they found someone).

Each advert's preferences and required checks are not written here: the loader starts from the
holder's record (``needs.services.defaults_for``), as the advert form does. Dates are relative to
the day the data is loaded, because an advert must start today or later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from marketplace.demo.care_records import HolderPlan
from marketplace.demo.people import PAPlan
from marketplace.directory import vocab

LEEDS = "E08000035"


@dataclass(frozen=True)
class ReplyPlan:
    pa: str  # the PA's email
    note: str


@dataclass(frozen=True)
class NeedPlan:
    holder: str  # email
    posted_by: str  # email: the holder, their representative or their broker
    title: str
    description: str
    slots: tuple[str, ...]
    hours_hundredths: int
    skills: tuple[str, ...]
    rate_pence: int
    starts_in_days: int
    # For the holder's draft support plan (Grace's), so a PA found goes straight into it.
    for_draft_plan: bool = False
    closed: bool = False
    replies: tuple[ReplyPlan, ...] = ()


GRACE_DAYS = ("mon", "wed", "fri")
DAY_NAMES = dict(vocab.DAYS)


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _grace_times(free: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """The part of the day Grace asks for on Mondays, Wednesdays and Fridays, and the slots: the
    first of evening, afternoon and morning that her PA is free for on one of those days at
    least (evenings, with seed 2026), so the PA matches however the seed drew her week."""
    for band in ("evening", "afternoon", "morning"):
        if any(f"{day}:{band}" in free for day in GRACE_DAYS):
            return band, tuple(f"{day}:{band}" for day in GRACE_DAYS)
    # The PA works none of those days: ask for up to three days she works, at her first time.
    daytime = [s for s in free if s.partition(":")[2] in ("morning", "afternoon", "evening")]
    band = daytime[0].partition(":")[2]
    return band, tuple(s for s in daytime if s.endswith(f":{band}"))[:3]


def _grace(holder: HolderPlan, pa: PAPlan) -> NeedPlan:
    band, slots = _grace_times(pa.fields["availability"])
    days = [DAY_NAMES[s.partition(":")[0]] for s in slots]
    free = [DAY_NAMES[s.partition(":")[0]] for s in slots if s in pa.fields["availability"]]
    note = " ".join(
        [
            f"I live nearby and I am free on {_and(free)} {band}s.",
            *(["I do not smoke."] if pa.fields["non_smoker"] else []),
            "I drive, so the weekly shop is no trouble."
            if "driving" in pa.fields["skills"]
            else "I am happy to do the weekly shop.",
        ]
    )
    weekdays = all(s.partition(":")[0] in ("mon", "tue", "wed", "thu", "fri") for s in slots)
    return NeedPlan(
        holder=holder.user.email,
        posted_by=holder.user.email,
        title=f"PA for {'weekday ' if weekdays else ''}{band}s and shopping",
        description=(
            f"I have multiple sclerosis and live on my own. I would like help on {_and(days)} "
            f"{band}s, about three hours each: making a meal, the weekly shop at the supermarket, "
            "a bit of tidying, and personal care. I work two days a week, so I value someone "
            "calm and reliable."
        ),
        slots=slots,
        hours_hundredths=900,
        skills=("personal-care", "household"),
        rate_pence=1350,
        starts_in_days=14,
        for_draft_plan=True,
        replies=(ReplyPlan(pa.user.email, note),),
    )


def _pets(holder: HolderPlan, sentence: str) -> str:
    return f" {sentence}" if holder.record.get("has_pets") else ""


def _by_broker(holder: HolderPlan) -> NeedPlan | None:
    """Posted by the holder's broker."""
    if holder.broker is None or holder.broker.status != "active":
        return None
    return NeedPlan(
        holder=holder.user.email,
        posted_by=holder.broker.broker,
        title="Company and help at home, three mornings a week",
        description=(
            "I live alone and would like someone to help with breakfast and light housework, "
            "and to get me out to the shops or the park."
            + _pets(holder, "My dog, Bess, will want to come too.")
        ),
        slots=("tue:morning", "thu:morning", "sat:morning"),
        hours_hundredths=750,
        skills=("household", "meal-preparation", "social-activities"),
        rate_pence=1400,
        starts_in_days=7,
    )


def _by_self(holder: HolderPlan) -> NeedPlan | None:
    """Posted by a holder elsewhere in the country, on their own."""
    if holder.council_code == LEEDS or holder.representative is not None:
        return None
    return NeedPlan(
        holder=holder.user.email,
        posted_by=holder.user.email,
        title="Evening PA: tea, medication and bedtime",
        description=(
            "I need a hand on weekday evenings: cooking a simple meal, reminding me of my "
            "tablets, and helping me wash and get to bed." + _pets(holder, "I have a cat.")
        ),
        slots=tuple(f"{day}:evening" for day in ("mon", "tue", "wed", "thu", "fri")),
        hours_hundredths=1000,
        skills=("personal-care", "meal-preparation", "medication"),
        rate_pence=1425,
        starts_in_days=21,
    )


def _by_representative(holder: HolderPlan) -> NeedPlan | None:
    """Posted by the holder's representative, and closed since: they found someone."""
    if holder.representative is None:
        return None
    return NeedPlan(
        holder=holder.user.email,
        posted_by=holder.representative.representative.email,
        title="PA who drives, for days out and appointments",
        description=(
            "Someone to drive me to appointments and activities on Monday and Wednesday "
            "afternoons and to a club on Saturday mornings, and to stay with me. Patience and a "
            "sense of humour matter more than experience."
        ),
        slots=("mon:afternoon", "wed:afternoon", "sat:morning"),
        hours_hundredths=800,
        skills=("driving", "social-activities"),
        rate_pence=1500,
        starts_in_days=7,
        closed=True,
    )


def plan_adverts(holders: Sequence[HolderPlan], pa: PAPlan) -> list[NeedPlan]:
    """Grace's advert (the first holder), then one advert each from the first other holders who
    fit: one with an active broker, one outside Leeds without a representative, one with a
    representative. The first holders are the same at every scale, so the adverts are too."""
    if not holders:
        return []
    adverts = [_grace(holders[0], pa)]
    taken = {holders[0].user.email}
    for make in (_by_broker, _by_self, _by_representative):
        for holder in holders[1:]:
            advert = None if holder.user.email in taken else make(holder)
            if advert is not None:
                adverts.append(advert)
                taken.add(holder.user.email)
                break
    return adverts
