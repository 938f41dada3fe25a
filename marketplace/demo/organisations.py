"""Organisations for the demo: name, contact details, area, regulation and the offers they list.

Everything is drawn from the ``random.Random`` handed in, so the same seed gives the same
organisation. Postcodes are real districts of the organisation's council with an invented inward
part; phone numbers are in Ofcom's ranges reserved for drama; addresses use example.org/.com.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from marketplace.demo import names
from marketplace.demo.catalogue import LOCAL_NAMES, Archetype, OfferTemplate
from marketplace.demo.councils import CouncilSpec, council_districts, nearby_districts, nearest_town
from marketplace.demo.records import (
    BAND_ORDER,
    DAY_CODES,
    OfferPlan,
    UserPlan,
    ordered,
    pick_price,
    price_step,
)
from marketplace.directory import vocab

REGULATED = frozenset(c.slug for c in vocab.CATEGORIES if c.regulated)
REGULATOR_BY_NATION = {nation: reg for reg, nation in vocab.REGULATOR_NATION.items()}
# Most providers are rated well; a few need to improve (CQC, Care Inspectorate grades, CIW).
RATING_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "cqc": (("outstanding", 5), ("good", 75), ("requires_improvement", 17), ("inadequate", 3)),
    "care_inspectorate": (("6", 8), ("5", 35), ("4", 40), ("3", 12), ("2", 4), ("1", 1)),
    "ciw": (("excellent", 10), ("good", 60), ("adequate", 20), ("poor", 3), ("not_rated", 7)),
}
ACCESSIBILITY_CHANCE = {
    "step-free": 0.85,
    "accessible-toilet": 0.75,
    "hearing-loop": 0.4,
    "bsl": 0.08,
    "easy-read": 0.3,
    "parking": 0.5,
    "quiet-space": 0.3,
    "changing-places": 0.1,
}
DAY_LABELS = dict(vocab.DAYS)


@dataclass
class OrganisationPlan:
    fields: dict[str, Any]  # Organisation columns, status included
    council_code: str
    created_at: datetime
    claimed: bool  # False: added by the council and not yet claimed
    added_by_council: bool
    admin: UserPlan | None
    staff: list[UserPlan] = field(default_factory=list)
    offers: list[OfferPlan] = field(default_factory=list)


@dataclass(frozen=True)
class _Place:
    """Where an organisation is, for its offers."""

    spec: CouncilSpec
    base_district: str
    address: str  # street address of its own premises
    postcode: str
    town: str
    council_run: bool
    published: bool
    claimed: bool
    created_at: datetime
    reference: datetime


def _name(
    rng: random.Random,
    arch: Archetype,
    spec: CouncilSpec,
    kind: str,
    owner: tuple[str, str],
    town: str,
    used: set[str],
) -> str:
    patterns = arch.names + LOCAL_NAMES.get((arch.key, spec.nation), ())
    name = ""
    for _ in range(40):
        name = rng.choice(patterns).format(
            place=rng.choice(spec.places),
            first=owner[0],
            surname=owner[1],
            short=spec.short_name,
            cic=" CIC" if kind == "social_enterprise" else "",
            ltd=" Ltd" if kind == "private" and rng.random() < 0.4 else "",
        )
        if name.lower() not in used:
            return name
    # Every pattern taken: say which town, then count.
    candidate, n = f"{name} ({town})", 2
    while candidate.lower() in used:
        candidate, n = f"{name} ({town} {n})", n + 1
    return candidate


def _venue(rng: random.Random, template: OfferTemplate, place: _Place) -> tuple[str, str, str]:
    """(name shown in titles, full address, postcode) of a venue near the organisation."""
    if template.venue == "self":
        return place.address.split(",")[0], place.address, place.postcode
    patterns = names.VENUES[template.venue]
    if place.spec.nation == "Wales" and template.venue == "community" and rng.random() < 0.3:
        patterns = names.WELSH_VENUES
    venue = rng.choice(patterns).format(place=rng.choice(place.spec.places))
    district = rng.choice(nearby_districts(place.spec.code, place.base_district, 4))
    postcode = f"{district} {names.inward_code(rng)}"
    town = nearest_town(place.spec.code, district)
    address = f"{venue}, {rng.randint(1, 180)} {rng.choice(names.STREETS)}, {town}"
    return venue, address, postcode


def _split(rng: random.Random, style: str) -> tuple[int, int, int]:
    if style == "whole":
        return 10000, 0, 0
    if style == "care":
        if rng.random() < 0.25:
            return 7700, 1350, 950  # the split one provider published (DOMAIN.md)
        direct = rng.randrange(7000, 8201, 50)
        coordination = rng.randrange(800, 1601, 50)
    else:
        direct = rng.randrange(8500, 9501, 50)
        coordination = rng.randrange(0, min(600, 10000 - direct) + 1, 50)
    return direct, coordination, 10000 - direct - coordination


def _percent(bp: int) -> str:
    whole, rest = divmod(bp, 100)
    return str(whole) if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")


def _days(rng: random.Random, style: str) -> list[str]:
    if style == "all":
        return list(DAY_CODES)
    if style == "weekdays":
        return DAY_CODES[:5]
    if style == "weekend":
        return ["sat", "sun"]
    count = 1 if style == "one" else 2
    return ordered(rng.sample(DAY_CODES[:6], count), DAY_CODES)


def _subset(rng: random.Random, values: tuple[str, ...], order: list[str]) -> list[str]:
    if len(values) <= 1:
        return list(values)
    return ordered(rng.sample(values, rng.randint(1, len(values))), order)


def offer_languages(rng: random.Random, spec: CouncilSpec) -> list[str]:
    """English, plus a local community language now and then (Welsh often in Wales)."""
    total = sum(w for _, w in spec.backgrounds)
    spoken = ["en"]
    for background, weight in spec.backgrounds:
        extra = names.BACKGROUNDS[background].languages
        if extra and rng.random() < min(0.9, 1.2 * weight / total):
            spoken.append(extra[0])
    return ["en", *ordered([s for s in spoken if s != "en"], [c for c, _ in vocab.LANGUAGES])]


def _offer(rng: random.Random, template: OfferTemplate, place: _Place) -> OfferPlan:
    days = _days(rng, template.days)
    if template.days in ("one", "two") and len(template.bands) > 1:
        bands = [rng.choice(template.bands)]
    else:
        bands = list(template.bands)
    venue_name, venue_address, venue_postcode = "", "", None
    if "venue" in template.delivery:
        venue_name, venue_address, venue_postcode = _venue(rng, template, place)
    title = template.title.format(
        place=rng.choice(place.spec.places), day=DAY_LABELS[days[0]], venue=venue_name
    )
    free = template.unit == "free" or rng.random() < template.free
    unit, price = (
        ("free", 0) if free else (template.unit, pick_price(rng, template.low, template.high))
    )
    direct, coordination, overheads = _split(rng, "whole" if free else template.split)
    description = template.description
    if not free and template.split != "whole":
        description += (
            f" Our price is {_percent(direct)}% direct support, {_percent(coordination)}% "
            f"coordination and {_percent(overheads)}% overheads."
        )
    if place.council_run:
        # A direct payment may not buy a service the council itself provides.
        pay_dp, pay_managed, pay_isf = False, True, False
    elif free:
        pay_dp, pay_managed, pay_isf = template.dp, True, True
    else:
        pay_dp, pay_managed, pay_isf = template.dp, rng.random() < 0.85, rng.random() < 0.55
        if not (pay_dp or pay_managed or pay_isf):
            pay_managed = True
    capacity = vacancies = None
    if template.capacity:
        capacity = rng.randint(*template.capacity)
        vacancies = 0 if rng.random() < 0.25 else rng.randint(1, max(1, capacity // 3))
    venue = "venue" in template.delivery
    accessibility = (
        [a for a, chance in ACCESSIBILITY_CHANCE.items() if rng.random() < chance]
        if venue
        else (["easy-read"] if rng.random() < 0.2 else [])
    )
    status = "draft"
    if place.published:
        roll = rng.random()
        status = "published" if roll < 0.93 else "pending" if roll < 0.97 else "draft"
    latest = max(place.created_at, place.reference - timedelta(days=3))
    created = min(
        place.created_at + timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 600)),
        latest,
    )
    if status == "pending":
        # Waiting for review: sent in over the last few days.
        created = max(place.created_at, place.reference - timedelta(hours=rng.randint(2, 140)))
    pending, pending_at = None, None
    if status == "published" and place.claimed and not free and rng.random() < 0.04:
        pending = {"price_pence": price + price_step(price) * rng.randint(1, 4)}
        pending_at = place.reference - timedelta(hours=rng.randint(2, 120))
    fields: dict[str, Any] = {
        "title": title,
        "description": description,
        "category": template.category,
        "age_groups": _subset(rng, template.ages, [a for a, _ in vocab.AGE_GROUPS]),
        "needs": _subset(rng, template.needs, [n for n, _ in vocab.NEEDS]),
        "price_pence": price,
        "price_unit": unit,
        "direct_bp": direct,
        "coordination_bp": coordination,
        "overheads_bp": overheads,
        "pay_dp": pay_dp,
        "pay_managed": pay_managed,
        "pay_isf": pay_isf,
        "deliver_home": "home" in template.delivery,
        "deliver_venue": venue,
        "deliver_online": "online" in template.delivery,
        "venue_address": venue_address,
        "venue_postcode": venue_postcode,
        "venue_district": venue_postcode.split(" ")[0] if venue_postcode else None,
        "days": days,
        "time_bands": ordered(bands, BAND_ORDER),
        "capacity": capacity,
        "vacancies": vacancies,
        "accessibility": accessibility,
        "languages": offer_languages(rng, place.spec),
        "status": status,
        "last_reviewed_on": (created + timedelta(days=1)).date() if status == "published" else None,
    }
    return OfferPlan(fields, created, pending, pending_at)


def _offers(rng: random.Random, arch: Archetype, place: _Place) -> list[OfferPlan]:
    target = rng.randint(*arch.count)
    templates = [arch.offers[0], *rng.sample(arch.offers[1:], len(arch.offers) - 1)]
    offers: list[OfferPlan] = []
    titles: set[str] = set()
    # First each template once or a few times, then more places, days or venues for the
    # templates whose title names one, until the provider lists as many offers as it should.
    passes = [[(t, rng.randint(1, t.variants)) for t in templates]]
    varied = [t for t in templates if "{" in t.title]
    passes += [[(t, 1) for t in varied]] * 3
    for templates_this_pass in passes:
        for template, count in templates_this_pass:
            for _ in range(count):
                if len(offers) >= target:
                    return offers
                offer = _offer(rng, template, place)
                if offer.fields["title"] not in titles:
                    titles.add(offer.fields["title"])
                    offers.append(offer)
    return offers


def _regulation(
    rng: random.Random, nation: str, offers: list[OfferPlan], today: date, created_at: datetime
) -> dict[str, Any]:
    if not any(o.fields["category"] in REGULATED for o in offers):
        return {"regulator": "none", "regulator_id": "", "rating": None, "last_inspected_on": None}
    regulator = REGULATOR_BY_NATION[nation]
    reference = {
        "cqc": f"1-{rng.randrange(10**9, 10**10)}",
        "care_inspectorate": f"CS{rng.randint(2003, 2024)}{rng.randrange(10**5, 10**6)}",
        "ciw": f"SIN-{rng.randrange(10**7, 10**8):08d}-{rng.randrange(10**3, 10**4)}",
    }[regulator]
    if rng.random() < 0.04 or (today - created_at.date()).days < 120:
        # Newly registered: not inspected yet.
        return {
            "regulator": regulator,
            "regulator_id": reference,
            "rating": None,
            "last_inspected_on": None,
        }
    return {
        "regulator": regulator,
        "regulator_id": reference,
        "rating": names.weighted(rng, RATING_WEIGHTS[regulator]),
        "last_inspected_on": today - timedelta(days=rng.randint(40, 900)),
    }


def plan_organisation(
    rng: random.Random,
    arch: Archetype,
    spec: CouncilSpec,
    today: date,
    reference: datetime,
    used_names: set[str],
    *,
    fixed_name: str | None = None,
    fixed_district: str | None = None,
    admin: UserPlan | None = None,
    staff: list[UserPlan] | None = None,
) -> OrganisationPlan:
    """One organisation with its offers. The fixed_* and admin arguments pin the demo provider."""
    kind = "private" if fixed_name else names.weighted(rng, arch.kinds)
    background = names.weighted(rng, spec.backgrounds)
    owner = names.person(rng, background, woman=rng.random() < 0.6)
    base = fixed_district or rng.choice(council_districts(spec.code))
    town = nearest_town(spec.code, base)
    name = fixed_name or _name(rng, arch, spec, kind, owner, town, used_names)
    used_names.add(name.lower())
    slug = names.ascii_slug(name)
    postcode = f"{base} {names.inward_code(rng)}"
    address = f"{name}, {rng.randint(1, 240)} {rng.choice(names.STREETS)}, {town}"
    fixed = fixed_name is not None
    roll = rng.random()
    status = "published" if fixed or roll < 0.93 else "pending" if roll < 0.97 else "draft"
    claimed = fixed or status != "published" or rng.random() >= 0.12
    added_by_council = not claimed or rng.random() < 0.08
    created_at = reference - timedelta(days=rng.randint(30, 1100), minutes=rng.randint(0, 600))
    if status != "published":
        created_at = reference - timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 600))
    place = _Place(
        spec=spec,
        base_district=base,
        address=address,
        postcode=postcode,
        town=town,
        council_run=kind == vocab.COUNCIL_RUN,
        published=status == "published",
        claimed=claimed,
        created_at=created_at,
        reference=reference,
    )
    offers = _offers(rng, arch, place)

    if arch.area == "council":
        councils, districts = [spec.code], []
    else:
        count = rng.randint(3, 8) if arch.area == "districts" else rng.randint(1, 3)
        councils, districts = [], nearby_districts(spec.code, base, count)
    small = kind in ("micro_enterprise", "community_group")
    email_user = names.ascii_slug(owner[0]) if kind == "micro_enterprise" else "office"
    fields: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "description": arch.description.format(name=name, town=town, first=owner[0]),
        "email": f"{email_user}@{slug}.example.org",
        "phone": (
            f"07700 900{rng.randrange(1000):03d}"
            if small
            else f"{spec.phone_prefix}{rng.randrange(1000):03d}"
        ),
        "website": "" if small and rng.random() < 0.5 else f"https://www.{slug}.example.org",
        "base_postcode": postcode,
        "base_district": base,
        "service_councils": councils,
        "service_districts": districts,
        **_regulation(rng, spec.nation, offers, today, created_at),
        "status": status,
        "last_reviewed_on": (created_at + timedelta(days=2)).date()
        if status == "published"
        else None,
    }
    if admin is None and claimed:
        first, surname = names.person(rng, background, woman=rng.random() < 0.7)
        admin = UserPlan(f"manager@{slug}.example.org", f"{first} {surname}", "provider_admin")
    return OrganisationPlan(
        fields,
        spec.code,
        created_at,
        claimed,
        added_by_council,
        admin if claimed else None,
        staff or [],
        offers,
    )
