"""The parts of a match's score, one pure function each: points earned and a sentence saying why.

Each function returns a ``Scored``: the points (out of the part's maximum in ``PARTS``), the reason
a person reads, and the hard exclusions it found (empty unless the candidate cannot do the work).
``matching`` puts the parts together into a ``Match``; nothing here reads the database.

Speed: matching one need scores thousands of PAs, and most of them share their answers (the same
rate, the same free times, the same skills of those asked for). So the PA parts take plain,
hashable facts (what a PA has *of what was asked*) and are cached: a part's sentence is built once
per distinct answer, not once per PA.

Wording follows ``packages.rules``: days and bands by their labels ("Friday morning"), checks by
their short names ("enhanced DBS check"), dates as "3 May 2026", money by ``money.format_pence``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import NamedTuple, Protocol

from marketplace import geo
from marketplace.directory import vocab
from marketplace.directory.models import Offer, Organisation
from marketplace.money import format_pence

# The parts of the score, in the order they are shown, with their maximum points (sum 100).
PARTS: tuple[tuple[str, str, int], ...] = (
    ("availability", "Availability", 30),
    ("distance", "Distance", 15),
    ("skills", "Skills and tasks", 15),
    ("checks", "Checks", 10),
    ("rate", "Pay rate", 15),
    ("preferences", "Preferences", 10),
    ("languages", "Languages", 5),
)
TOP: dict[str, int] = {key: most for key, _, most in PARTS}

# A provider's base counts as near up to this far: its points fall from 15 to 5 over it.
PROVIDER_REACH_KM = 50
# Checks that say someone is safe to work with adults at risk (England and Wales; Scotland).
BACKGROUND_CHECKS = {"enhanced_dbs": "an enhanced DBS check", "pvg": "PVG scheme membership"}


class CheckFacts(Protocol):
    """What scoring reads of a PA's check (a ``PACheck`` is one)."""

    @property
    def kind(self) -> str: ...

    @property
    def expires_on(self) -> date | None: ...


class Scored(NamedTuple):
    points: int
    reason: str
    exclusions: tuple[str, ...] = ()


# --- words ----------------------------------------------------------------------------------------


def unique(values: Iterable[str] | None) -> list[str]:
    """The values in their first order, each once."""
    return list(dict.fromkeys(values or ()))


def km_text(km: float, limit: int | None = None) -> str:
    """A distance as pages and reasons say it: 'under 1 km', '8.4 km', from 10 km whole
    ('23 km'); against a travel ``limit`` a decimal stays when the whole number would not show
    the difference ('10.4 km' when they travel up to 10 km; '0.6 km' when up to 0 km)."""
    if km < 1 and limit is None:
        return "under 1 km"
    whole = round(km)
    if km >= 10 and (limit is None or whole > limit):
        return f"{whole} km"
    return f"{km:.1f} km"


def join(words: Sequence[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or 'or'); 'a; b' when a word has an 'and' or 'or' of its
    own ("housework and shopping; personal care"), so the list still reads as two things."""
    if len(words) <= 1:
        return "".join(words)
    if any(f" {joiner} " in word for word in words for joiner in ("and", "or")):
        return "; ".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def lower_first(text: str) -> str:
    """'Personal care' -> 'personal care', but 'PEG feeding' and 'PVG ...' keep their capitals."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


_DAYS, _BANDS = dict(vocab.DAYS), dict(vocab.TIME_BANDS)


@lru_cache(maxsize=256)
def slot_words(slot: str) -> str:
    """'fri:morning' -> 'Friday morning'."""
    day, _, band = slot.partition(":")
    return f"{_DAYS.get(day, day)} {_BANDS.get(band, band).lower()}"


@lru_cache(maxsize=64)
def check_name(kind: str) -> str:
    """'enhanced_dbs' -> 'Enhanced DBS check' (the label without its nation)."""
    return vocab.label(vocab.CHECK_KINDS, kind).split(" (")[0]


def day_words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _times(count: int) -> str:
    return "time" if count == 1 else "times"


# --- availability ---------------------------------------------------------------------------------

NOT_FREE = "Not free at any of the times wanted"


@lru_cache(maxsize=4096)
def availability(wanted: tuple[str, ...], free: tuple[str, ...], unsaid: str = "") -> Scored:
    """Points for the share of the wanted slots the candidate is free for; none at all excludes.

    ``unsaid`` names what a provider has not told us ("days", "times of day"): such a provider
    is taken to be free then, but earns at most half the points and the reason says to ask."""
    top = TOP["availability"]
    if not wanted:
        return Scored(top, "No particular times asked for")
    if not free:
        return Scored(0, NOT_FREE, (NOT_FREE,))
    points = top * len(free) // len(wanted)
    if len(free) == len(wanted):
        reason = (
            "Free at the one time wanted"
            if len(wanted) == 1
            else "Free for both times wanted"
            if len(wanted) == 2
            else f"Free for all {len(wanted)} times wanted"
        )
    else:
        missing = [slot_words(s) for s in wanted if s not in free]
        reason = (
            f"Free for {len(free)} of the {len(wanted)} {_times(len(wanted))} wanted; "
            f"not {join(missing, 'or')}"
        )
    if unsaid:
        points = min(points, top // 2)
        reason = f"{reason}. The provider has not said which {unsaid}: ask them"
    return Scored(points, reason)


def offer_free_slots(wanted: Sequence[str], offer: Offer) -> tuple[tuple[str, ...], str]:
    """The wanted slots an offer's days x time bands cover, and what the provider has not said
    (an empty list of days or bands means any day or any time)."""
    days, bands = set(offer.days or ()), set(offer.time_bands or ())
    free = tuple(
        slot
        for slot in wanted
        if (not days or slot.partition(":")[0] in days)
        and (not bands or slot.partition(":")[2] in bands)
    )
    unsaid = {
        (True, True): "days or times",
        (True, False): "days",
        (False, True): "times of day",
    }.get((not days, not bands), "")
    return free, unsaid


# --- distance -------------------------------------------------------------------------------------


def between(a: str, b: str) -> float | None:
    """Kilometres between two postcode districts' centres; None when either is unknown."""
    places = geo.districts()
    here, there = places.get(a), places.get(b)
    if here is None or there is None:
        return None
    return geo.distance_km(here, there)


@lru_cache(maxsize=8192)
def pa_distance(district: str, home_district: str, travel_km: int, km: float | None) -> Scored:
    """Full points next door, falling to 5 at the edge of the PA's travel range; beyond it, the
    PA is excluded."""
    top = TOP["distance"]
    if km is None:
        return Scored(0, f"We cannot tell how far {home_district} is from {district}")
    if km > travel_km:
        reason = f"Lives {km_text(km, travel_km)} away and travels up to {travel_km} km"
        return Scored(0, reason, (reason,))
    points = top - int(10 * km // max(travel_km, 1))
    if home_district == district:
        return Scored(points, f"Lives in {district} too; travels up to {travel_km} km")
    return Scored(points, f"{km_text(km, travel_km)} away; travels up to {travel_km} km")


def serves(organisation: Organisation, district: str, councils: Collection[str]) -> bool:
    """Whether the organisation works in the district: named itself, through a council it serves
    (``councils``: the ONS codes of the councils the district lies in), or as its base."""
    return (
        district in (organisation.service_districts or ())
        or any(code in councils for code in organisation.service_councils or ())
        or organisation.base_district == district
    )


def offer_distance(
    district: str, organisation: Organisation, councils: Collection[str], km: float | None
) -> Scored:
    """A provider that works in the district earns 15 points for a base next door, down to 5 at
    ``PROVIDER_REACH_KM`` and beyond; one that does not work there is excluded."""
    top = TOP["distance"]
    if not serves(organisation, district, councils):
        reason = f"Does not work in {district}"
        return Scored(0, reason, (reason,))
    if km is None:
        return Scored(5, f"Works in {district}")
    points = max(5, top - int(10 * km // PROVIDER_REACH_KM))
    if organisation.base_district == district:
        return Scored(points, f"Works in {district} and is based there")
    return Scored(points, f"Works in {district} (based {km_text(km)} away)")


# --- skills ---------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _skill(value: str) -> str:
    return lower_first(vocab.label(vocab.PA_SKILLS, value))


@lru_cache(maxsize=4096)
def pa_skills(wanted: tuple[str, ...], held: tuple[str, ...]) -> Scored:
    """``held``: those of the ``wanted`` skills the PA lists."""
    top = TOP["skills"]
    if not wanted:
        return Scored(top, "No particular skills asked for")
    has = [_skill(s) for s in wanted if s in held]
    lacking = [_skill(s) for s in wanted if s not in held]
    points = top * len(has) // len(wanted)
    n = len(wanted)
    if not lacking:
        which = "the skill" if n == 1 else "both skills" if n == 2 else f"all {n} skills"
        return Scored(points, f"Has {which} asked for: {join(has)}")
    if not has:
        which = "the skill" if n == 1 else f"any of the {n} skills"
        return Scored(points, f"Does not list {which} asked for: {join(lacking, 'or')}")
    reason = f"Has {len(has)} of the {n} skills asked for: {join(has)}; not {join(lacking, 'or')}"
    return Scored(points, reason)


@lru_cache(maxsize=256)
def offer_skills(wanted: tuple[str, ...]) -> Scored:
    """A provider's service lists no skills: half the points, and the reason says what to ask."""
    if not wanted:
        return Scored(TOP["skills"], "No particular skills asked for")
    asked = join([_skill(s) for s in wanted])
    return Scored(TOP["skills"] // 2, f"A provider's service: ask them about {asked}")


# --- checks ---------------------------------------------------------------------------------------


def in_date(check: CheckFacts, on: date) -> bool:
    return check.expires_on is None or check.expires_on >= on


def check_problems(
    required: Sequence[str], checks: Iterable[CheckFacts], start_on: date, needed_on: date
) -> tuple[str, ...]:
    """Why the PA's checks exclude them: each required check must be held and in date on
    ``needed_on`` (the start, or today once the work has started). Empty when nothing is wrong."""
    if not required:
        return ()
    good = {c.kind for c in checks if c.expires_on is None or c.expires_on >= needed_on}
    if all(kind in good for kind in required):
        return ()  # the usual case, answered without building a sentence
    held: dict[str, list[CheckFacts]] = {}
    for check in checks:
        held.setdefault(check.kind, []).append(check)
    problems: list[str] = []
    for kind in required:
        mine = held.get(kind, [])
        if not mine:
            problems.append(f"No {lower_first(check_name(kind))}, which is required")
        elif not any(in_date(c, needed_on) for c in mine):
            last = max(c.expires_on for c in mine if c.expires_on is not None)
            when = (
                f"before the start on {day_words(start_on)}"
                if needed_on == start_on
                else "and the work has already started"
            )
            problems.append(f"{check_name(kind)} expired on {day_words(last)}, {when}")
    return tuple(problems)


def background_check(checks: Iterable[CheckFacts], on: date) -> str:
    """The kind of the first in-date background check (BACKGROUND_CHECKS) the PA holds, or ''."""
    kinds = {c.kind for c in checks if c.kind in BACKGROUND_CHECKS and in_date(c, on)}
    return next((kind for kind in BACKGROUND_CHECKS if kind in kinds), "")


@lru_cache(maxsize=1024)
def pa_checks(required: tuple[str, ...], problems: tuple[str, ...], background: str) -> Scored:
    """Full points with every required check (``problems`` from ``check_problems`` exclude).
    With none required, an in-date background check (``background_check``) still counts."""
    top = TOP["checks"]
    if problems:
        return Scored(0, "; ".join(problems), problems)
    if required:
        names = join([lower_first(check_name(k)) for k in required])
        return Scored(top, f"Has every check asked for: {names}")
    if background:
        return Scored(top, f"No checks required; has {BACKGROUND_CHECKS[background]}")
    return Scored(top // 2, "No checks required; no background check recorded")


@lru_cache(maxsize=256)
def offer_checks(required: tuple[str, ...]) -> Scored:
    """A provider vets its own staff: never excluded on checks, half the points."""
    if required:
        names = join([lower_first(check_name(k)) for k in required])
        return Scored(
            TOP["checks"] // 2, f"The provider checks its staff: ask them to confirm the {names}"
        )
    return Scored(TOP["checks"] // 2, "The provider checks its staff: ask them which checks")


# --- rate -----------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def hourly_rate(ask: int, offered: int, verb: str = "Asks") -> Scored:
    """Full points within the rate offered, falling evenly to none at twice the rate offered
    (15 points: one less for each 6.67% over). Never an exclusion: the holder may decide to pay
    more."""
    top = TOP["rate"]
    if ask <= offered:
        words = f"{verb} {format_pence(ask)} an hour, within the {format_pence(offered)} offered"
        return Scored(top, words)
    over = ask - offered
    # top * over / offered, rounded up, in integers.
    points = max(0, top - -(-top * over // offered))
    return Scored(
        points,
        f"{verb} {format_pence(ask)} an hour, {format_pence(over)} more than the "
        f"{format_pence(offered)} offered",
    )


def offer_rate(offer: Offer, offered: int) -> Scored:
    if offer.price_unit == "free":
        return Scored(TOP["rate"], "Free of charge")
    if offer.price_unit == "hour":
        return hourly_rate(offer.price_pence, offered, verb="Charges")
    unit = vocab.label(vocab.PRICE_UNITS, offer.price_unit)
    return Scored(TOP["rate"] // 2, f"Priced {unit}: ask for a quote")


# --- preferences ----------------------------------------------------------------------------------


class Preferences(NamedTuple):
    """What a need asks about the person (an empty gender: no preference)."""

    gender: str = ""
    driver: bool = False
    non_smoker: bool = False
    pets: bool = False

    def asked(self) -> list[str]:
        flags = (("driver", self.driver), ("non_smoker", self.non_smoker), ("pets", self.pets))
        return (["gender"] if self.gender else []) + [key for key, on in flags if on]


@lru_cache(maxsize=1024)
def pa_preferences(
    wanted: Preferences, gender: str, drives: bool, non_smoker: bool, pets_ok: bool
) -> Scored:
    """A share of the points for each preference the PA meets (``drives``: an in-date driving
    licence); preferences never exclude."""
    top = TOP["preferences"]
    asked = wanted.asked()
    if not asked:
        return Scored(top, "No preferences given")
    label = vocab.label(vocab.GENDERS, wanted.gender)
    unsaid_gender = gender in ("", "not_said")
    # key: (met?, said when met, said when not met)
    facts = {
        "gender": (
            gender == wanted.gender,
            label,
            "has not said their gender" if unsaid_gender else f"is not {label.lower()}",
        ),
        "driver": (drives, "drives", "has no in-date driving licence recorded"),
        "non_smoker": (non_smoker, "does not smoke", "has not said they do not smoke"),
        "pets": (pets_ok, "happy with pets", "has not said they are happy with pets"),
    }
    met = [facts[k][1] for k in asked if facts[k][0]]
    unmet = [facts[k][2] for k in asked if not facts[k][0]]
    points = top * len(met) // len(asked)
    reason = "; ".join(part for part in (", ".join(met), ", ".join(unmet)) if part)
    return Scored(points, upper_first(reason))


@lru_cache(maxsize=256)
def offer_preferences(wanted: Preferences) -> Scored:
    """A provider chooses whom it sends: each preference is something to ask, for half the points."""
    asked = wanted.asked()
    if not asked:
        return Scored(TOP["preferences"], "No preferences given")
    words = {
        "gender": f"a {vocab.label(vocab.GENDERS, wanted.gender).lower()} PA",
        "driver": "a PA who drives",
        "non_smoker": "a PA who does not smoke",
        "pets": "a PA happy with pets",
    }
    return Scored(
        TOP["preferences"] // 2, f"Ask the provider for {join([words[k] for k in asked])}"
    )


# --- languages ------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def languages(wanted: tuple[str, ...], shared: tuple[str, ...]) -> Scored:
    """Full points for speaking any language asked for (``shared``: those of ``wanted`` the
    candidate lists), none otherwise."""
    top = TOP["languages"]
    if not wanted:
        return Scored(top, "No languages asked for")
    if shared:
        return Scored(top, f"Speaks {join([vocab.label(vocab.LANGUAGES, v) for v in shared])}")
    names = [vocab.label(vocab.LANGUAGES, v) for v in wanted]
    return Scored(0, f"Does not list {join(names, 'or')}")
