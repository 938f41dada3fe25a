"""What owners may say about their listings: the inputs and the domain rules that check them.

Each ``*_data`` function takes what the owner typed (already parsed: money in pence, percentages
in basis points, dates as dates), checks every rule, and returns the snapshot the listing should
hold, or raises ``ValidationFailed`` keyed by the input's field names (the forms use the same).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marketplace import geo
from marketplace.clock import today
from marketplace.directory import vocab
from marketplace.errors import ValidationFailed
from marketplace.moderation.snapshots import check_to_json, normalise
from marketplace.money import MAX_PRICE_PENCE, format_pence, format_percent

Pairs = tuple[tuple[str, str], ...]
AVAILABILITY_SLOTS: Pairs = tuple(
    (f"{day}:{band}", f"{day_label} {band_label.lower()}")
    for day, day_label in vocab.DAYS
    for band, band_label in vocab.TIME_BANDS
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _text(
    errors: dict[str, str], name: str, value: str, label: str, limit: int, *, required: bool
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = f"Enter {label}"
    elif len(value) > limit:
        errors[name] = f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer"
    return value


def _known(
    errors: dict[str, str], name: str, chosen: Iterable[str], pairs: Pairs, what: str
) -> list[str]:
    chosen = list(dict.fromkeys(chosen or []))  # keep the order, drop repeats
    if any(value not in vocab.values(pairs) for value in chosen):
        errors[name] = f"Select {what} from the list"
    return chosen


def _one_of(
    errors: dict[str, str], name: str, value: str | None, pairs: Pairs, message: str
) -> str:
    if value not in vocab.values(pairs):
        errors[name] = message
    return value or ""


def _amount(
    errors: dict[str, str], name: str, pence: int | None, label: str, *, required: bool
) -> int | None:
    if pence is None:
        if required:
            errors[name] = f"Enter {label}"
        return None
    if pence <= 0:
        errors[name] = f"{label[0].upper()}{label[1:]} must be more than £0"
    elif pence > MAX_PRICE_PENCE:
        errors[name] = (
            f"{label[0].upper()}{label[1:]} must be {format_pence(MAX_PRICE_PENCE)} or less"
        )
    return pence


def _whole(
    errors: dict[str, str], name: str, value: int | None, label: str, low: int, high: int
) -> int | None:
    if value is not None and not low <= value <= high:
        errors[name] = f"{label} must be between {low:,} and {high:,}"
    return value


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(errors)


# --- offers -----------------------------------------------------------------------------------


@dataclass
class OfferInput:
    title: str = ""
    description: str = ""
    category: str = ""
    age_groups: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    price: int | None = None  # pence
    price_unit: str = "hour"
    direct_percent: int | None = 10000  # basis points
    coordination_percent: int | None = 0
    overheads_percent: int | None = 0
    deployments: list[str] = field(default_factory=list)
    delivery: list[str] = field(default_factory=list)
    venue_address: str = ""
    venue_postcode: str = ""
    days: list[str] = field(default_factory=list)
    time_bands: list[str] = field(default_factory=list)
    capacity: int | None = None
    vacancies: int | None = None
    accessibility: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> OfferInput:
        """The input that would produce this snapshot: what an edit form starts from."""
        free = data.get("price_unit") == "free"
        return cls(
            title=data.get("title", ""),
            description=data.get("description", ""),
            category=data.get("category", ""),
            age_groups=list(data.get("age_groups") or []),
            needs=list(data.get("needs") or []),
            price=None if free else data.get("price_pence"),
            price_unit=data.get("price_unit", "hour"),
            direct_percent=data.get("direct_bp"),
            coordination_percent=data.get("coordination_bp"),
            overheads_percent=data.get("overheads_bp"),
            deployments=[d for d, _ in vocab.DEPLOYMENTS if data.get(f"pay_{d}")],
            delivery=[m for m, _ in vocab.DELIVERY_MODES if data.get(f"deliver_{m}")],
            venue_address=data.get("venue_address") or "",
            venue_postcode=data.get("venue_postcode") or "",
            days=list(data.get("days") or []),
            time_bands=list(data.get("time_bands") or []),
            capacity=data.get("capacity"),
            vacancies=data.get("vacancies"),
            accessibility=list(data.get("accessibility") or []),
            languages=list(data.get("languages") or []),
        )


def offer_data(offer: OfferInput, *, council_run: bool = False) -> dict[str, Any]:
    """Check an offer against every rule; return its snapshot.

    council_run: the offering organisation is run by a council, so a direct payment cannot pay for it.
    """
    errors: dict[str, str] = {}
    title = _text(errors, "title", offer.title, "a title", 120, required=True)
    description = _text(
        errors, "description", offer.description, "a description", 5000, required=True
    )
    category = _one_of(
        errors,
        "category",
        offer.category,
        tuple((c.slug, c.name) for c in vocab.CATEGORIES),
        "Select a category",
    )
    unit = _one_of(
        errors, "price_unit", offer.price_unit, vocab.PRICE_UNITS, "Select what the price is for"
    )
    free = unit == "free"
    if free:
        if offer.price:
            errors["price"] = "Leave the price empty when the offer is free"
        price = 0
    else:
        price = _amount(errors, "price", offer.price, "the price", required=True) or 0

    shares = {
        "direct_percent": (offer.direct_percent, "direct support"),
        "coordination_percent": (offer.coordination_percent, "coordination"),
        "overheads_percent": (offer.overheads_percent, "overheads"),
    }
    for name, (value, what) in shares.items():
        if value is None:
            errors[name] = f"Enter the share of the price for {what}, as a percentage"
        elif not 0 <= value <= 10000:
            errors[name] = "A percentage must be between 0 and 100"
    if not any(name in errors for name in shares):
        total = sum(value or 0 for value, _ in shares.values())
        if total != 10000:
            errors["direct_percent"] = (
                f"The shares of the price must add up to 100% (they add up to {format_percent(total)})"
            )

    deployments = _known(
        errors, "deployments", offer.deployments, vocab.DEPLOYMENTS, "how it can be paid"
    )
    if not free and not deployments and "deployments" not in errors:
        errors["deployments"] = "Select at least one way a personal budget can pay for this offer"
    elif "dp" in deployments and category == vocab.LONG_TERM_RESIDENTIAL:
        errors["deployments"] = (
            "A direct payment cannot pay for long-term residential care. "
            "Untick direct payment, or choose respite for short stays"
        )
    elif "dp" in deployments and council_run:
        errors["deployments"] = (
            "A direct payment cannot pay for a service the council runs itself. Untick direct payment"
        )

    delivery = _known(
        errors, "delivery", offer.delivery, vocab.DELIVERY_MODES, "how it is delivered"
    )
    if not delivery and "delivery" not in errors:
        errors["delivery"] = "Select at least one way the offer is delivered"
    venue_address, venue_postcode, venue_district = "", None, None
    if "venue" in delivery:
        venue_address = _text(
            errors,
            "venue_address",
            offer.venue_address,
            "the address of the venue",
            300,
            required=True,
        )
        try:
            postcode = geo.parse_postcode(offer.venue_postcode, allow_district=False)
        except geo.UnknownPostcode as error:
            errors["venue_postcode"] = error.message
        else:
            venue_postcode, venue_district = postcode.text, postcode.district.code

    capacity = _whole(errors, "capacity", offer.capacity, "Places", 0, 100_000)
    vacancies = _whole(errors, "vacancies", offer.vacancies, "Places free", 0, 100_000)
    if (
        "vacancies" not in errors
        and capacity is not None
        and vacancies is not None
        and vacancies > capacity
    ):
        errors["vacancies"] = "Places free cannot be more than the number of places"

    data = {
        "title": title,
        "description": description,
        "category": category,
        "age_groups": _known(
            errors, "age_groups", offer.age_groups, vocab.AGE_GROUPS, "age groups"
        ),
        "needs": _known(errors, "needs", offer.needs, vocab.NEEDS, "needs"),
        "price_pence": price,
        "price_unit": unit,
        "direct_bp": offer.direct_percent,
        "coordination_bp": offer.coordination_percent,
        "overheads_bp": offer.overheads_percent,
        "pay_dp": "dp" in deployments,
        "pay_managed": "managed" in deployments,
        "pay_isf": "isf" in deployments,
        "deliver_home": "home" in delivery,
        "deliver_venue": "venue" in delivery,
        "deliver_online": "online" in delivery,
        "venue_address": venue_address,
        "venue_postcode": venue_postcode,
        "venue_district": venue_district,
        "days": _known(errors, "days", offer.days, vocab.DAYS, "days"),
        "time_bands": _known(
            errors, "time_bands", offer.time_bands, vocab.TIME_BANDS, "times of day"
        ),
        "capacity": capacity,
        "vacancies": vacancies,
        "accessibility": _known(
            errors,
            "accessibility",
            offer.accessibility,
            vocab.ACCESSIBILITY,
            "accessibility features",
        ),
        "languages": _known(errors, "languages", offer.languages, vocab.LANGUAGES, "languages"),
    }
    _raise(errors)
    return normalise("offer", data)


# --- personal assistants ------------------------------------------------------------------------


@dataclass
class PAProfileInput:
    display_name: str = ""
    employment: str = ""
    hourly_rate: int | None = None  # pence
    sleep_in_rate: int | None = None
    waking_night_rate: int | None = None
    bio: str = ""
    experience_years: int | None = 0
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    gender: str = "not_said"
    availability: list[str] = field(default_factory=list)
    home_postcode: str = ""
    travel_km: int | None = 10
    non_smoker: bool = False
    pets_ok: bool = False

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PAProfileInput:
        return cls(
            display_name=data.get("display_name", ""),
            employment=data.get("employment", ""),
            hourly_rate=data.get("hourly_rate_pence"),
            sleep_in_rate=data.get("sleep_in_rate_pence"),
            waking_night_rate=data.get("waking_night_rate_pence"),
            bio=data.get("bio", ""),
            experience_years=data.get("experience_years", 0),
            skills=list(data.get("skills") or []),
            languages=list(data.get("languages") or []),
            gender=data.get("gender", "not_said"),
            availability=list(data.get("availability") or []),
            home_postcode=data.get("home_district", ""),
            travel_km=data.get("travel_km", 10),
            # Snapshots taken before PAs were asked about smoking and pets have neither.
            non_smoker=bool(data.get("non_smoker")),
            pets_ok=bool(data.get("pets_ok")),
        )


def pa_profile_data(profile: PAProfileInput, checks: list[dict[str, Any]]) -> dict[str, Any]:
    """Check a PA profile; return its snapshot (with the given checks). Only the district of the
    home postcode is kept: a PA is never located more precisely than that."""
    errors: dict[str, str] = {}
    display_name = _text(
        errors, "display_name", profile.display_name, "the name to show", 120, required=True
    )
    employment = _one_of(
        errors, "employment", profile.employment, vocab.PA_EMPLOYMENT, "Select how you want to work"
    )
    hourly = _amount(errors, "hourly_rate", profile.hourly_rate, "your hourly rate", required=True)
    sleep_in = _amount(
        errors, "sleep_in_rate", profile.sleep_in_rate, "the sleep-in rate", required=False
    )
    waking = _amount(
        errors,
        "waking_night_rate",
        profile.waking_night_rate,
        "the waking night rate",
        required=False,
    )
    bio = _text(errors, "bio", profile.bio, "something about yourself", 5000, required=True)
    if profile.experience_years is None:
        errors["experience_years"] = "Enter your years of experience, as a whole number"
    experience = _whole(
        errors, "experience_years", profile.experience_years, "Years of experience", 0, 70
    )
    if profile.travel_km is None:
        errors["travel_km"] = "Enter how far you will travel, in kilometres"
    travel = _whole(errors, "travel_km", profile.travel_km, "Distance you will travel", 0, 200)
    home_district = ""
    try:
        home_district = geo.parse_postcode(profile.home_postcode).district.code
    except geo.UnknownPostcode as error:
        errors["home_postcode"] = error.message
    data = {
        "display_name": display_name,
        "employment": employment,
        "hourly_rate_pence": hourly,
        "sleep_in_rate_pence": sleep_in,
        "waking_night_rate_pence": waking,
        "bio": bio,
        "experience_years": experience,
        "skills": _known(errors, "skills", profile.skills, vocab.PA_SKILLS, "skills"),
        "languages": _known(errors, "languages", profile.languages, vocab.LANGUAGES, "languages"),
        "gender": _one_of(
            errors, "gender", profile.gender, vocab.GENDERS, "Select a gender, or prefer not to say"
        ),
        "availability": _known(
            errors,
            "availability",
            profile.availability,
            AVAILABILITY_SLOTS,
            "times you are available",
        ),
        "home_district": home_district,
        "travel_km": travel,
        "non_smoker": bool(profile.non_smoker),
        "pets_ok": bool(profile.pets_ok),
        "checks": checks,
    }
    _raise(errors)
    return normalise("pa_profile", data)


@dataclass
class CheckInput:
    kind: str = ""
    title: str = ""
    reference: str = ""
    issued_on: date | None = None
    expires_on: date | None = None


def check_data(check: CheckInput) -> dict[str, Any]:
    """Check one background check or document; return it as a snapshot holds it."""
    errors: dict[str, str] = {}
    kind = _one_of(
        errors, "kind", check.kind, vocab.CHECK_KINDS, "Select the kind of check or document"
    )
    title = _text(errors, "title", check.title, "a title", 120, required=False)
    reference = _text(errors, "reference", check.reference, "a reference", 60, required=False)
    if check.issued_on is None:
        errors["issued_on"] = "Enter the date it was issued"
    elif check.issued_on > today():
        errors["issued_on"] = "The date it was issued must be today or in the past"
    elif check.expires_on is not None and check.expires_on < check.issued_on:
        errors["expires_on"] = "The expiry date must be the same as or after the date it was issued"
    _raise(errors)
    return check_to_json(
        {
            "kind": kind,
            "title": title,
            "reference": reference,
            "issued_on": check.issued_on,
            "expires_on": check.expires_on,
        }
    )


# --- organisations ------------------------------------------------------------------------------


@dataclass
class OrganisationInput:
    name: str = ""
    kind: str = ""
    description: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    base_postcode: str = ""
    service_councils: list[str] = field(default_factory=list)
    service_districts: str = ""  # comma-separated
    regulator: str = "none"
    regulator_id: str = ""
    rating: str = ""
    last_inspected_on: date | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> OrganisationInput:
        inspected = data.get("last_inspected_on")
        return cls(
            name=data.get("name", ""),
            kind=data.get("kind", ""),
            description=data.get("description", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            website=data.get("website", ""),
            base_postcode=data.get("base_postcode", ""),
            service_councils=list(data.get("service_councils") or []),
            service_districts=", ".join(data.get("service_districts") or []),
            regulator=data.get("regulator") or "none",
            regulator_id=data.get("regulator_id", ""),
            rating=data.get("rating") or "",
            last_inspected_on=date.fromisoformat(inspected) if inspected else None,
        )


def organisation_data(org: OrganisationInput, known_councils: Iterable[str]) -> dict[str, Any]:
    """Check an organisation's details; return its snapshot.

    The regulator must be the one for the nation of the main office, and the rating one of that
    regulator's; an unregulated organisation has no rating or inspection date.
    """
    errors: dict[str, str] = {}
    name = _text(errors, "name", org.name, "the name of the organisation", 160, required=True)
    kind = _one_of(
        errors, "kind", org.kind, vocab.ORGANISATION_KINDS, "Select the kind of organisation"
    )
    description = _text(
        errors, "description", org.description, "a description", 5000, required=True
    )
    email = _text(errors, "email", org.email, "an email address", 254, required=False).lower()
    if email and "email" not in errors and not _EMAIL.match(email):
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    phone = _text(errors, "phone", org.phone, "a phone number", 30, required=False)
    if phone and "phone" not in errors and not re.fullmatch(r"[0-9+()\-\s]{6,30}", phone):
        errors["phone"] = "Enter a phone number, like 0113 496 0000"
    website = _text(errors, "website", org.website, "a website address", 300, required=False)
    if website and "website" not in errors and not _WEBSITE.match(website):
        errors["website"] = (
            "Enter a website address starting with https://, like https://example.org"
        )

    base_postcode, base_district, nation = "", "", None
    try:
        postcode = geo.parse_postcode(org.base_postcode, allow_district=False)
    except geo.UnknownPostcode as error:
        errors["base_postcode"] = error.message
    else:
        base_postcode, base_district, nation = (
            postcode.text,
            postcode.district.code,
            postcode.district.nation,
        )

    councils = list(dict.fromkeys(org.service_councils or []))
    if set(councils) - set(known_councils):
        errors["service_councils"] = "Select councils from the list"
    districts: list[str] = []
    for part in (org.service_districts or "").split(","):
        if not part.strip():
            continue
        try:
            code = geo.parse_postcode(part).district.code
        except geo.UnknownPostcode:
            errors["service_districts"] = (
                f"“{part.strip()[:10]}” is not a postcode district we know. "
                "Enter districts like LS6, separated by commas"
            )
            break
        if code not in districts:
            districts.append(code)

    regulator = _one_of(
        errors, "regulator", org.regulator, vocab.REGULATORS, "Select the regulator"
    )
    regulator_id = _text(
        errors, "regulator_id", org.regulator_id, "the registration number", 40, required=False
    )
    rating = org.rating or None
    inspected = org.last_inspected_on
    if inspected is not None and inspected > today():
        errors["last_inspected_on"] = "The date of the last inspection must be today or in the past"
    if regulator == "none":
        if rating:
            errors["rating"] = "Select the regulator that gave this rating"
        if inspected is not None:
            errors["last_inspected_on"] = "Select the regulator that inspected you"
        if regulator_id:
            errors["regulator_id"] = "Select the regulator you are registered with"
    elif "regulator" not in errors:
        expected = vocab.REGULATOR_NATION[regulator]
        if nation is not None and nation != expected:
            errors["regulator"] = (
                f"Your main office is in {nation}; {vocab.label(vocab.REGULATORS, regulator)} "
                f"only regulates services in {expected}"
            )
        if not regulator_id and "regulator_id" not in errors:
            errors["regulator_id"] = "Enter your registration number with the regulator"
        if rating and rating not in vocab.values(vocab.RATINGS[regulator]):
            errors["rating"] = (
                f"Select a rating that {vocab.label(vocab.REGULATORS, regulator)} gives"
            )
    data = {
        "name": name,
        "kind": kind,
        "description": description,
        "email": email,
        "phone": phone,
        "website": website,
        "base_postcode": base_postcode,
        "base_district": base_district,
        "service_councils": councils,
        "service_districts": districts,
        "regulator": regulator,
        "regulator_id": regulator_id,
        "rating": rating,
        "last_inspected_on": inspected,
    }
    _raise(errors)
    return normalise("organisation", data)
