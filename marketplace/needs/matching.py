"""Explainable matching of need adverts with personal assistants (and providers' PA services).

Every candidate gets a score out of 100 made of named parts, each with the points earned, the
points possible and a sentence saying why (``scoring`` computes each part). Hard constraints
exclude a candidate with a stated reason instead of a place in the ranking: no free time at all,
living beyond their travel range (a provider: not working in the district), or a required check
missing or out of date. The same pure ``score_pa`` serves both directions: a need's matches, and
the needs that fit one PA.

Loading is a fixed handful of queries whatever the number of candidates: districts near the need
are worked out in Python from the bundled centroids, and the database is asked only for PAs whose
home district is one of them, read as plain rows. Scoring thousands of PAs stays cheap because
the parts' sentences are cached (see ``scoring``) and an excluded PA in a need's list gets only
its reasons. Nothing here reads the holder's name or postcode: a need is known only by its
district.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, load_only

from marketplace.clock import today
from marketplace.directory.models import (
    Council,
    CouncilDistrict,
    Offer,
    Organisation,
    PAProfile,
)
from marketplace.extensions import DbSession
from marketplace.needs import scoring
from marketplace.needs.candidates import (
    MAX_TRAVEL_KM,
    PAFacts,
    PAPlace,
    distances_from,
    districts_within,
    pas_near,
)
from marketplace.needs.models import NeedAdvert
from marketplace.needs.scoring import PARTS, Scored

__all__ = [
    "MAX_TRAVEL_KM",
    "PARTS",
    "PA_CATEGORY",
    "Match",
    "NeedMatches",
    "ScorePart",
    "districts_within",
    "match_need",
    "needs_for_pa",
    "rank",
    "score_offer",
    "score_pa",
]

# The directory category of providers' personal-assistant services.
PA_CATEGORY = "personal-assistant"


@dataclass(frozen=True)
class ScorePart:
    key: str  # one of PARTS' keys
    label: str
    points: int
    max_points: int
    reason: str  # a sentence a person reads: "Free for all 5 times wanted"


@dataclass(frozen=True)
class Match:
    """One candidate against one need: its score parts, or why it is excluded.

    ``exclusions`` lists the hard reasons, in PARTS order (the same sentences as the parts that
    caused them). Every part is present, in PARTS order, for an eligible candidate and in
    whatever ``score_pa`` or ``score_offer`` return; ``match_need``'s excluded list carries the
    reasons alone (no parts)."""

    kind: str  # "pa" (a PAProfile) or "offer" (a provider's personal-assistant Offer)
    candidate_id: int
    name: str  # the PA's display name, or "Offer title, Provider name"
    distance_km: float | None
    hourly_rate_pence: int | None  # None when the offer is not priced by the hour
    parts: tuple[ScorePart, ...]
    exclusions: tuple[str, ...] = ()  # empty when the candidate is eligible
    slots_free: tuple[str, ...] = ()  # the need's "day:band" slots the candidate is free for

    @property
    def score(self) -> int:
        return sum(p.points for p in self.parts)

    @property
    def eligible(self) -> bool:
        return not self.exclusions


@dataclass
class NeedMatches:
    need: NeedAdvert
    matches: list[Match]  # eligible, best first (see ``rank``)
    excluded: list[Match]  # nearest first; each with its reasons only (no parts: see score_pa)
    considered: int = 0  # candidates read from the database
    too_far_away: int = 0  # candidates beyond the widest travel range, not scored
    extra: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Wanted:
    """What a need asks, read once however many candidates are scored against it."""

    district: str
    slots: tuple[str, ...]
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    required: tuple[str, ...]
    preferences: scoring.Preferences
    rate_pence: int
    start_on: date
    # Checks (and a driving licence) must be in date on the start, or today once started.
    needed_on: date

    def check_kinds(self) -> set[str]:
        """The kinds of check scoring reads: those required, a driving licence if a driver is
        wanted, and background checks when none is required."""
        kinds = set(self.required) or set(scoring.BACKGROUND_CHECKS)
        return kinds | ({"driving_licence"} if self.preferences.driver else set())

    @classmethod
    def of(cls, need: NeedAdvert, on: date) -> _Wanted:
        return cls(
            district=need.district,
            slots=tuple(scoring.unique(need.slots)),
            skills=tuple(scoring.unique(need.skills)),
            languages=tuple(scoring.unique(need.languages)),
            required=tuple(scoring.unique(need.required_checks)),
            preferences=scoring.Preferences(
                need.preferred_gender or "",
                bool(need.needs_driver),
                bool(need.non_smoker),
                bool(need.has_pets),
            ),
            rate_pence=need.rate_pence,
            start_on=need.start_on,
            needed_on=max(need.start_on, on),
        )


_LABELS = {key: (label, most) for key, label, most in PARTS}
_KEYS = tuple(key for key, _, _ in PARTS)


@lru_cache(maxsize=8192)
def _part(key: str, scored: Scored) -> ScorePart:
    # Thousands of candidates share the same answer: share the same (immutable) part too.
    label, most = _LABELS[key]
    return ScorePart(key, label, scored.points, most, scored.reason)


def _match(
    kind: str,
    candidate_id: int,
    name: str,
    km: float | None,
    rate: int | None,
    scored: tuple[Scored, ...],
    free: tuple[str, ...],
) -> Match:
    """``scored``: one answer per part, in PARTS order."""
    parts = tuple(map(_part, _KEYS, scored))
    exclusions = tuple(e for answer in scored for e in answer.exclusions)
    shown_km = None if km is None else round(km, 1)
    return Match(kind, candidate_id, name, shown_km, rate, parts, exclusions, free)


def _excluded(
    pa: PAFacts | PAPlace, km: float | None, why: tuple[str, ...], free: tuple[str, ...]
) -> Match:
    shown_km = None if km is None else round(km, 1)
    return Match("pa", pa.id, pa.display_name, shown_km, pa.hourly_rate_pence, (), why, free)


def _score_pa(wanted: _Wanted, pa: PAFacts, km: float | None, *, in_full: bool = True) -> Match:
    """``in_full=False`` (a list of thousands): an excluded PA gets its exclusions only, no
    parts, which is all such a list shows; one beyond their travel range gets that reason alone
    (what else rules them out is moot) and no ``slots_free``, for a fraction of the work."""
    where = scoring.pa_distance(wanted.district, pa.home_district, pa.travel_km, km)
    if not in_full and where.exclusions:
        return _excluded(pa, km, where.exclusions, ())
    available = pa.availability or ()
    free = tuple(s for s in wanted.slots if s in available)
    checks = pa.checks
    # The other hard constraints: availability and checks.
    when = scoring.availability(wanted.slots, free)
    vetted = scoring.pa_checks(
        wanted.required,
        scoring.check_problems(wanted.required, checks, wanted.start_on, wanted.needed_on),
        "" if wanted.required else scoring.background_check(checks, wanted.needed_on),
    )
    if not in_full and (when.exclusions or vetted.exclusions):
        return _excluded(pa, km, when.exclusions + vetted.exclusions, free)
    has_skills = pa.skills or ()
    spoken = pa.languages or ()
    asked = wanted.preferences
    # Facts a preference does not ask about are left at their default, so the cached
    # sentences are shared by more PAs.
    drives = asked.driver and any(
        c.kind == "driving_licence" and scoring.in_date(c, wanted.needed_on) for c in checks
    )
    scored = (
        when,
        where,
        scoring.pa_skills(wanted.skills, tuple(s for s in wanted.skills if s in has_skills)),
        vetted,
        scoring.hourly_rate(pa.hourly_rate_pence, wanted.rate_pence),
        scoring.pa_preferences(
            asked,
            pa.gender if asked.gender else "",
            drives,
            asked.non_smoker and pa.non_smoker,
            asked.pets and pa.pets_ok,
        ),
        scoring.languages(wanted.languages, tuple(v for v in wanted.languages if v in spoken)),
    )
    return _match("pa", pa.id, pa.display_name, km, pa.hourly_rate_pence, scored, free)


def _too_far(wanted: _Wanted, place: PAPlace, km: float) -> Match:
    """A PA whose travel range does not reach the need: that reason alone."""
    where = scoring.pa_distance(wanted.district, place.home_district, place.travel_km, km)
    return _excluded(place, km, where.exclusions, ())


def _km(district: str, home_district: str) -> float | None:
    """Distance from the need's district, measured the same way for one PA or thousands."""
    near = distances_from(district)
    return (
        near[home_district] if home_district in near else scoring.between(district, home_district)
    )


def score_pa(need: NeedAdvert, pa: PAProfile, on: date) -> Match:
    """Score a PA against a need (pure: the PA's checks must be loaded or loadable). Every part is
    present, excluded or not, so a PA can see the whole explanation.

    Checks must be in date on the need's start, or on ``on`` once the need has started."""
    return _score_pa(_Wanted.of(need, on), pa, _km(need.district, pa.home_district))


def score_offer(
    need: NeedAdvert, offer: Offer, on: date, *, councils: Collection[str] | None = None
) -> Match:
    """Score a provider's personal-assistant offer against a need (its organisation loaded).

    ``councils`` are the ONS codes of the councils the need's district lies in (``match_need``
    reads them once for every offer); without them, the need's own council is used."""
    if councils is None:
        councils = {need.council.code} if need.council is not None else set()
    return _score_offer(_Wanted.of(need, on), offer, councils)


def _score_offer(wanted: _Wanted, offer: Offer, councils: Collection[str]) -> Match:
    organisation = offer.organisation
    if organisation is None:
        raise ValueError("score_offer takes a provider's offer, not a PA's own")
    free, unsaid = scoring.offer_free_slots(wanted.slots, offer)
    km = scoring.between(wanted.district, organisation.base_district)
    spoken = set(offer.languages or ())
    scored = (
        scoring.availability(wanted.slots, free, unsaid),
        scoring.offer_distance(wanted.district, organisation, councils, km),
        scoring.offer_skills(wanted.skills),
        scoring.offer_checks(wanted.required),
        scoring.offer_rate(offer, wanted.rate_pence),
        scoring.offer_preferences(wanted.preferences),
        scoring.languages(wanted.languages, tuple(v for v in wanted.languages if v in spoken)),
    )
    rate = {"hour": offer.price_pence, "free": 0}.get(offer.price_unit)
    name = f"{offer.title}, {organisation.name}"
    return _match("offer", offer.id, name, km, rate, scored, free)


def _nearest_first(match: Match) -> tuple[bool, float, str, str, int]:
    km = match.distance_km
    return (km is None, km or 0.0, match.name.casefold(), match.kind, match.candidate_id)


def rank(matches: list[Match]) -> list[Match]:
    """Eligible first; then the higher score, the cheaper hourly rate (unknown last), the
    nearer (unknown distance last), the name (ignoring case), and finally kind and id, so equal
    candidates always come in the same order."""

    def key(match: Match) -> tuple[bool, int, bool, int, bool, float, str, str, int]:
        missing, km, name, kind, candidate = _nearest_first(match)
        rate = match.hourly_rate_pence
        return (
            not match.eligible,
            -match.score,
            rate is None,
            rate or 0,
            missing,
            km,
            name,
            kind,
            candidate,
        )

    return sorted(matches, key=key)


def _district_councils(session: DbSession, district: str) -> set[str]:
    return set(
        session.scalars(
            select(Council.code)
            .join(CouncilDistrict, CouncilDistrict.council_id == Council.id)
            .where(CouncilDistrict.district == district)
        )
    )


# What scoring reads of an offer and its organisation (they have many more columns).
_OFFER_COLUMNS = (
    Offer.title,
    Offer.days,
    Offer.time_bands,
    Offer.price_pence,
    Offer.price_unit,
    Offer.languages,
)
_ORGANISATION_COLUMNS = (
    Organisation.name,
    Organisation.base_district,
    Organisation.service_councils,
    Organisation.service_districts,
)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Matching allocates tens of thousands of small objects (rows, parts, matches) and none of
    them refer to each other in cycles; left on, the cyclic collector would walk the whole heap
    of the process several times per call (measured: about 40% of the time). Reference
    counting still frees everything; the collector runs again once the call returns."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def match_need(session: DbSession, need: NeedAdvert, *, on: date | None = None) -> NeedMatches:
    """Every published PA living within ``MAX_TRAVEL_KM`` of the need, and every published
    provider PA service, scored: eligible ones ranked (``rank``), excluded ones nearest first with
    their reasons only (a PA beyond their own travel range: that reason alone). PAs farther than
    ``MAX_TRAVEL_KM`` are only counted (``too_far_away``).

    A closed need still matches (its page shows it read-only). Six statements whatever the
    number of candidates (one more per 5,000 PAs whose travel reaches the need). Reads nothing
    of the holder but the need itself."""
    with _without_cycle_collection():
        return _match_need(session, need, on)


def _match_need(session: DbSession, need: NeedAdvert, on: date | None) -> NeedMatches:
    on = on or today()
    wanted = _Wanted.of(need, on)
    near_km = distances_from(need.district)
    pas, beyond = pas_near(session, near_km, wanted.check_kinds())
    # Counting all and subtracting those read is cheaper than a NOT IN of a thousand districts.
    published = session.scalar(
        select(func.count(PAProfile.id)).where(PAProfile.status == "published")
    )
    offers = session.scalars(
        select(Offer)
        .join(Offer.organisation)
        .where(
            Offer.status == "published",
            Offer.category == PA_CATEGORY,
            Offer.organisation_id.is_not(None),
            Organisation.status == "published",
        )
        .options(
            load_only(*_OFFER_COLUMNS),
            contains_eager(Offer.organisation).load_only(*_ORGANISATION_COLUMNS),
        )
    ).all()
    councils = _district_councils(session, need.district) if offers else set()
    scored = [_score_pa(wanted, pa, near_km[pa.home_district], in_full=False) for pa in pas]
    scored += [_too_far(wanted, place, near_km[place.home_district]) for place in beyond]
    scored += [_score_offer(wanted, offer, councils) for offer in offers]
    return NeedMatches(
        need=need,
        matches=rank([m for m in scored if m.eligible]),
        excluded=sorted((m for m in scored if not m.eligible), key=_nearest_first),
        considered=len(scored),
        too_far_away=(published or 0) - len(pas) - len(beyond),
    )


def needs_for_pa(
    session: DbSession, pa: PAProfile, *, on: date | None = None
) -> list[tuple[NeedAdvert, Match]]:
    """The open needs (not ended by ``on``, today by default) in the PA's travel range that the
    PA is eligible for, each with its match: best score first, then the earliest start, then id."""
    on = on or today()
    near = sorted(districts_within(pa.home_district, pa.travel_km))
    needs = session.scalars(
        select(NeedAdvert).where(
            NeedAdvert.status == "open",
            or_(NeedAdvert.end_on.is_(None), NeedAdvert.end_on >= on),
            NeedAdvert.district.in_(near),
        )
    ).all()
    found = [(need, score_pa(need, pa, on)) for need in needs]
    eligible = [(need, match) for need, match in found if match.eligible]
    eligible.sort(key=lambda pair: (-pair[1].score, pair[0].start_on, pair[0].id))
    return eligible
