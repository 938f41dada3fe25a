"""Personal assistants for the demo: profile, checks and the offers each one lists.

Everything is drawn from the ``random.Random`` handed in, so the same seed gives the same PA.
Dates are relative to the ``today`` handed in: most checks are valid, a few have expired.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from marketplace.demo import names
from marketplace.demo.catalogue import PA_TITLES, SKILL_NEEDS
from marketplace.demo.councils import CouncilSpec, council_districts, nearest_town
from marketplace.demo.records import (
    BAND_ORDER,
    DAY_CODES,
    LANGUAGE_ORDER,
    OfferPlan,
    UserPlan,
    ordered,
    price_step,
)
from marketplace.directory import vocab

RURAL = {"E06000052", "E10000020", "S12000017", "W06000002", "W06000023"}

# How often a PA lists each skill.
SKILL_CHANCE = {
    "personal-care": 0.7,
    "meal-preparation": 0.6,
    "household": 0.5,
    "social-activities": 0.5,
    "medication": 0.45,
    "moving-handling": 0.4,
    "driving": 0.4,
    "dementia-care": 0.3,
    "learning-disability": 0.25,
    "autism-support": 0.2,
    "mental-health": 0.2,
    "epilepsy": 0.15,
    "employment": 0.1,
    "peg-feeding": 0.08,
}


@dataclass
class PAPlan:
    user: UserPlan
    council_code: str
    fields: dict[str, Any]  # PAProfile columns, status included
    checks: list[dict[str, Any]]
    offers: list[OfferPlan] = field(default_factory=list)
    created_at: datetime = datetime(2000, 1, 1)


def _dated(
    rng: random.Random, today: date, valid_days: int, expired_chance: float
) -> tuple[date, date]:
    """(issued, expires) for a document valid for valid_days; sometimes already expired."""
    if rng.random() < expired_chance:
        expires = today - timedelta(days=rng.randint(5, 200))
    else:
        expires = today + timedelta(days=rng.randint(20, valid_days - 1))
    return expires - timedelta(days=valid_days), expires


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def pa_checks(
    rng: random.Random, nation: str, employment: str, skills: list[str], today: date
) -> list[dict[str, Any]]:
    """Background checks and documents: DBS (England, Wales) or PVG (Scotland), right to work,
    training, insurance, driving licence and car. About one in twenty has expired."""
    checks: list[dict[str, Any]] = []

    def add(kind: str, title: str, reference: str, issued: date, expires: date | None) -> None:
        checks.append(
            {
                "kind": kind,
                "title": title,
                "reference": reference,
                "issued_on": issued,
                "expires_on": expires,
            }
        )

    if rng.random() < 0.9:
        if nation == "Scotland":
            # PVG scheme membership does not expire; the member stays under continuous checking.
            issued = today - timedelta(days=rng.randint(30, 2500))
            add("pvg", "PVG scheme membership (adults)", _digits(rng, 16), issued, None)
        else:
            # An enhanced DBS certificate has no expiry in law; holders agree a 3-year recheck.
            issued, expires = _dated(rng, today, 3 * 365, 0.06)
            add(
                "enhanced_dbs",
                "Enhanced DBS with adults' barred list",
                "00" + _digits(rng, 10),
                issued,
                expires,
            )
    if rng.random() < 0.95:
        if rng.random() < 0.8:
            add(
                "right_to_work",
                "UK passport",
                "",
                today - timedelta(days=rng.randint(30, 3000)),
                None,
            )
        else:
            issued, expires = _dated(rng, today, rng.choice((730, 1095, 1825)), 0.03)
            add("right_to_work", "Share code checked", "", issued, expires)
    courses = list(names.TRAINING) + (list(names.SCOTTISH_TRAINING) if nation == "Scotland" else [])
    for title in rng.sample(courses, rng.randint(1, 3)):
        issued, expires = _dated(rng, today, 3 * 365, 0.08)
        add("training", title, "", issued, expires)
    if employment == "self_employed" and rng.random() < 0.85:
        issued, expires = _dated(rng, today, 365, 0.07)
        add(
            "insurance",
            "Public liability insurance, £5 million",
            "PL" + _digits(rng, 8),
            issued,
            expires,
        )
    if "driving" in skills or rng.random() < 0.5:
        issued, expires = _dated(rng, today, 3650, 0.01)
        add("driving_licence", "Full UK driving licence", "", issued, expires)
        if rng.random() < 0.75:
            issued, expires = _dated(rng, today, 365, 0.05)
            add("car", "Car insured for business use", "", issued, expires)
    return checks


def _availability(rng: random.Random, sleep_in: bool, waking: bool) -> list[str]:
    pattern = rng.random()
    if pattern < 0.4:
        days = DAY_CODES[:5]
    elif pattern < 0.6:
        days = ["sat", "sun", *rng.sample(DAY_CODES[:5], rng.randint(1, 3))]
    else:
        days = rng.sample(DAY_CODES, rng.randint(3, 6))
    days = ordered(days, DAY_CODES)
    bands = ordered(rng.sample(["morning", "afternoon", "evening"], rng.randint(1, 3)), BAND_ORDER)
    slots = [f"{d}:{b}" for d in days for b in bands]
    if sleep_in:
        slots += [f"{d}:sleep_in" for d in rng.sample(days, min(len(days), rng.randint(2, 4)))]
    if waking:
        slots += [f"{d}:night" for d in rng.sample(days, min(len(days), rng.randint(1, 3)))]
    return sorted(slots, key=lambda s: (DAY_CODES.index(s[:3]), BAND_ORDER.index(s[4:])))


def _languages(rng: random.Random, background: str, nation: str) -> list[str]:
    spoken = ["en"]
    extra = names.BACKGROUNDS[background].languages
    if extra:
        spoken.append(extra[0])
        spoken += [code for code in extra[1:] if rng.random() < 0.5]
    if nation == "Wales" and background != "welsh" and rng.random() < 0.1:
        spoken.append("cy")
    if rng.random() < 0.04:
        spoken.append("bsl")
    return ["en", *ordered([s for s in spoken if s != "en"], LANGUAGE_ORDER)]


def _skills(rng: random.Random) -> list[str]:
    chosen = [skill for skill, chance in SKILL_CHANCE.items() if rng.random() < chance]
    while len(chosen) < 2:
        chosen.append(rng.choice([s for s in SKILL_CHANCE if s not in chosen]))
    return ordered(chosen, [s for s, _ in vocab.PA_SKILLS])


def _gender(roll: float, woman: bool) -> str:
    if roll < 0.03:
        return "not_said"
    if roll < 0.04:
        return "non_binary"
    return "female" if woman else "male"


def _habits(rng: random.Random) -> dict[str, bool]:
    """What need adverts ask about: most PAs say they do not smoke (about five in six of the
    population does not), and a little over half that they are happy to work with pets."""
    return {"non_smoker": rng.random() < 0.85, "pets_ok": rng.random() < 0.6}


def _status(roll: float) -> str:
    """Most listings are published; a few wait for review or are still drafts."""
    if roll < 0.9:
        return "published"
    return "pending" if roll < 0.95 else "draft"


def plan_pa(
    rng: random.Random,
    index: int,
    spec: CouncilSpec,
    today: date,
    reference: datetime,
    demo_user: UserPlan | None = None,
    *,
    habits: random.Random,
) -> PAPlan:
    """One PA. ``demo_user`` fixes the account (the documented pa@demo.example). Smoking and
    pets are drawn from ``habits``, a stream of their own, so adding them changed nothing else
    the seed gives; the documented PA does not smoke and is happy with pets."""
    background = "english" if demo_user is not None else names.weighted(rng, spec.backgrounds)
    woman = rng.random() < 0.8
    first, surname = names.person(rng, background, woman=woman)
    if demo_user is not None:
        first, surname = demo_user.name.split(" ", 1)
        user = demo_user
    else:
        email = f"{names.ascii_slug(first)}.{names.ascii_slug(surname)}.{index}@example.com"
        user = UserPlan(email.replace("-", ""), f"{first} {surname}", "pa")
    districts = council_districts(spec.code)
    home = "LS6" if demo_user is not None else rng.choice(districts)
    employment = "self_employed" if rng.random() < 0.55 else "seeking_employment"
    hourly = rng.randrange(1300, 2501, 25)
    sleep_in = rng.randrange(7000, 11001, 500) if rng.random() < 0.35 else None
    waking = rng.randrange(14000, 22001, 500) if rng.random() < 0.2 else None
    skills = _skills(rng)
    years = rng.randint(1, 25)
    bio = " ".join(
        [
            rng.choice(names.BIO_OPENINGS).format(years=years),
            *rng.sample(names.BIO_MIDDLES, rng.randint(1, 2)),
            rng.choice(names.BIO_CLOSINGS),
        ]
    )
    gender = _gender(rng.random(), woman)
    status = "published" if demo_user is not None else _status(rng.random())
    travel = rng.randint(10, 25) if spec.code in RURAL else rng.randint(3, 15)
    created_at = reference - timedelta(days=rng.randint(10, 700), minutes=rng.randint(0, 600))
    if status != "published":
        # Still a draft, or sent for review over the last few days.
        created_at = reference - timedelta(hours=rng.randint(2, 140))
    fields: dict[str, Any] = {
        "display_name": f"{first} {surname[0]}.",
        "employment": employment,
        "hourly_rate_pence": hourly,
        "sleep_in_rate_pence": sleep_in,
        "waking_night_rate_pence": waking,
        "bio": bio,
        "experience_years": years,
        "skills": skills,
        "languages": _languages(rng, background, spec.nation),
        "gender": gender,
        "availability": _availability(rng, sleep_in is not None, waking is not None),
        "home_district": home,
        "travel_km": travel,
        **({"non_smoker": True, "pets_ok": True} if demo_user is not None else _habits(habits)),
        "status": status,
        "last_reviewed_on": (created_at + timedelta(days=2)).date()
        if status == "published"
        else None,
    }
    plan = PAPlan(
        user,
        spec.code,
        fields,
        pa_checks(rng, spec.nation, employment, skills, today),
        created_at=created_at,
    )
    plan.offers = _pa_offers(rng, plan, nearest_town(spec.code, home), reference)
    if demo_user is not None:
        _documented_dbs(rng, plan, today)
    return plan


def _documented_dbs(rng: random.Random, plan: PAPlan, today: date) -> None:
    """The documented PA holds an Enhanced DBS check, in date for over a year: she is Grace's
    PA, and Grace asks for one (the package rules refuse a PA without it). Drawn last, so the
    rest of her profile is what the seed gives."""
    plan.checks = [c for c in plan.checks if c["kind"] != "enhanced_dbs"]
    issued = today - timedelta(days=rng.randint(90, 500))
    plan.checks.insert(
        0,
        {
            "kind": "enhanced_dbs",
            "title": "Enhanced DBS with adults' barred list",
            "reference": "00" + _digits(rng, 10),
            "issued_on": issued,
            "expires_on": issued + timedelta(days=3 * 365),
        },
    )


def _pa_offers(rng: random.Random, plan: PAPlan, town: str, reference: datetime) -> list[OfferPlan]:
    profile = plan.fields
    skills = profile["skills"]
    slots = profile["availability"]
    days = ordered([s[:3] for s in slots], DAY_CODES)
    day_bands = ordered(
        [s[4:] for s in slots if s[4:] in ("morning", "afternoon", "evening")], BAND_ORDER
    )
    needs = ordered(
        [SKILL_NEEDS[s] for s in skills if s in SKILL_NEEDS], [n for n, _ in vocab.NEEDS]
    )
    ages = ["26-64", "65+"]
    if "learning" in needs or "autism" in needs:
        ages = ["18-25", "26-64"]
    self_employed = profile["employment"] == "self_employed"
    where = (
        f"I live near {town} ({profile['home_district']}) and travel up to "
        f"{profile['travel_km']} km."
    )

    def offer(
        category: str, title: str, unit: str, price: int, bands: list[str], text: str
    ) -> OfferPlan:
        published = profile["status"] == "published"
        status = "published" if published else "draft"
        created = min(plan.created_at + timedelta(hours=rng.randint(1, 48)), reference)
        pending, pending_at = None, None
        if published and rng.random() < 0.04:
            pending = {"price_pence": price + price_step(price) * rng.randint(1, 4)}
            pending_at = reference - timedelta(hours=rng.randint(2, 120))
        fields = {
            "title": title,
            "description": f"{text} {where}",
            "category": category,
            "age_groups": ages,
            "needs": needs,
            "price_pence": price,
            "price_unit": unit,
            "direct_bp": 10000,
            "coordination_bp": 0,
            "overheads_bp": 0,
            "pay_dp": True,
            "pay_managed": self_employed and rng.random() < 0.4,
            "pay_isf": self_employed and rng.random() < 0.6,
            "deliver_home": True,
            "deliver_venue": False,
            "deliver_online": False,
            "venue_address": "",
            "venue_postcode": None,
            "venue_district": None,
            "days": days,
            "time_bands": bands,
            "capacity": None,
            "vacancies": None,
            "accessibility": [],
            "languages": list(profile["languages"]),
            "status": status,
            "last_reviewed_on": profile["last_reviewed_on"],
        }
        return OfferPlan(fields, created, pending, pending_at)

    labels = [PA_TITLES[s] for s in skills[:2]]
    offers = [
        offer(
            "personal-assistant",
            f"Personal assistant: {labels[0]} and {labels[1]}",
            "hour",
            profile["hourly_rate_pence"],
            day_bands or ["morning"],
            "One-to-one support at home and out and about, as your employee or self-employed.",
        )
    ]
    if profile["sleep_in_rate_pence"]:
        offers.append(
            offer(
                "personal-assistant",
                "Sleep-in nights",
                "night",
                profile["sleep_in_rate_pence"],
                ["sleep_in"],
                "I stay the night and am there if you need me.",
            )
        )
    if profile["waking_night_rate_pence"]:
        offers.append(
            offer(
                "personal-assistant",
                "Waking nights",
                "night",
                profile["waking_night_rate_pence"],
                ["night"],
                "I stay awake through the night to support you.",
            )
        )
    if "social-activities" in skills and rng.random() < 0.5:
        offers.append(
            offer(
                "befriending",
                "Companionship and days out",
                "hour",
                profile["hourly_rate_pence"],
                day_bands or ["afternoon"],
                "Company at home, walks, cafés, clubs and trips.",
            )
        )
    if "driving" in skills and rng.random() < 0.5:
        offers.append(
            offer(
                "transport",
                "Lifts and escorted journeys",
                "hour",
                profile["hourly_rate_pence"],
                day_bands or ["morning"],
                "I drive you to appointments, shops and visits, and stay with you.",
            )
        )
    if "household" in skills and rng.random() < 0.4:
        offers.append(
            offer(
                "home-help",
                "Help around the home",
                "hour",
                max(1300, profile["hourly_rate_pence"] - 100),
                day_bands or ["morning"],
                "Cleaning, laundry, changing beds and keeping on top of things.",
            )
        )
    return offers
