"""The public records the API gives for offers, personal assistants and organisations.

The same facts as the listing pages show, as JSON: money in integer pence, vocabulary values with
their labels, dates as ISO strings. A personal assistant is never placed more precisely than
their home postcode district.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from marketplace.directory import vocab
from marketplace.directory.models import Council, Offer, Organisation, PAProfile
from marketplace.directory.pricing import price_parts
from marketplace.directory.services import PUBLISHED
from marketplace.extensions import DbSession
from marketplace.urls import absolute_url

_ENDPOINT = {
    "offer": ("directory.offer", "offer_id"),
    "pa": ("directory.pa", "pa_id"),
    "organisation": ("directory.organisation", "org_id"),
}


def listing_url(kind: str, listing_id: int) -> str:
    """The absolute address of a listing's public page (on the configured site)."""
    endpoint, arg = _ENDPOINT[kind]
    return absolute_url(endpoint, **{arg: listing_id})


def _labelled(values: list[str] | None, pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"value": v, "label": vocab.label(pairs, v)} for v in values or []]


def _one(value: str | None, pairs: tuple[tuple[str, str], ...]) -> dict[str, str] | None:
    return {"value": value, "label": vocab.label(pairs, value)} if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _category(slug: str) -> dict[str, str]:
    category = vocab.CATEGORY_BY_SLUG.get(slug)
    return {"value": slug, "label": category.name if category else slug}


def _offer_summary(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.id,
        "title": offer.title,
        "category": offer.category,
        "price_pence": offer.price_pence,
        "unit": offer.price_unit,
        "url": listing_url("offer", offer.id),
    }


def _published_offers(offers: list[Offer]) -> list[dict[str, Any]]:
    shown = sorted((o for o in offers if o.status == PUBLISHED), key=lambda o: (o.title, o.id))
    return [_offer_summary(o) for o in shown]


def offer_record(offer: Offer) -> dict[str, Any]:
    if offer.organisation is not None:
        provider = {
            "kind": "organisation",
            "id": offer.organisation.id,
            "name": offer.organisation.name,
            "url": listing_url("organisation", offer.organisation.id),
        }
    else:
        assert offer.pa_profile is not None  # the one_owner constraint
        provider = {
            "kind": "pa",
            "id": offer.pa_profile.id,
            "name": offer.pa_profile.display_name,
            "url": listing_url("pa", offer.pa_profile.id),
        }
    venue: dict[str, Any] | None = None
    if offer.deliver_venue:
        if offer.pa_profile_id is not None:
            # A personal assistant's venue may be their home: never more than the district.
            venue = {"address": None, "postcode": None, "district": offer.venue_district}
        else:
            venue = {
                "address": offer.venue_address,
                "postcode": offer.venue_postcode,
                "district": offer.venue_district,
            }
    return {
        "id": offer.id,
        "kind": "offer",
        "url": listing_url("offer", offer.id),
        "title": offer.title,
        "description": offer.description,
        "category": _category(offer.category),
        "provider": provider,
        "price_pence": offer.price_pence,
        "unit": _one(offer.price_unit, vocab.PRICE_UNITS),
        "price_breakdown": [
            {
                "part": part.key,
                "label": part.label,
                "basis_points": part.basis_points,
                "pence": part.pence,
            }
            for part in price_parts(offer)
        ],
        "deployments": _labelled(offer.deployments, vocab.DEPLOYMENTS),
        "delivery": _labelled(
            [
                mode
                for mode, on in (
                    ("home", offer.deliver_home),
                    ("venue", offer.deliver_venue),
                    ("online", offer.deliver_online),
                )
                if on
            ],
            vocab.DELIVERY_MODES,
        ),
        "venue": venue,
        "age_groups": _labelled(offer.age_groups, vocab.AGE_GROUPS),
        "needs": _labelled(offer.needs, vocab.NEEDS),
        "days": _labelled(offer.days, vocab.DAYS),
        "time_bands": _labelled(offer.time_bands, vocab.TIME_BANDS),
        "capacity": offer.capacity,
        "vacancies": offer.vacancies,
        "accessibility": _labelled(offer.accessibility, vocab.ACCESSIBILITY),
        "languages": _labelled(offer.languages, vocab.LANGUAGES),
        "last_reviewed_on": _day(offer.last_reviewed_on),
    }


def pa_record(profile: PAProfile) -> dict[str, Any]:
    # Never more than the home district: no name behind the display name, no email, no
    # postcode, no check reference numbers.
    slots = []
    for slot in profile.availability or []:
        day, _, band = slot.partition(":")
        slots.append({"day": day, "time_band": band})
    return {
        "id": profile.id,
        "kind": "pa",
        "url": listing_url("pa", profile.id),
        "name": profile.display_name,
        "employment": _one(profile.employment, vocab.PA_EMPLOYMENT),
        "hourly_rate_pence": profile.hourly_rate_pence,
        "sleep_in_rate_pence": profile.sleep_in_rate_pence,
        "waking_night_rate_pence": profile.waking_night_rate_pence,
        "bio": profile.bio,
        "experience_years": profile.experience_years,
        "skills": _labelled(profile.skills, vocab.PA_SKILLS),
        "languages": _labelled(profile.languages, vocab.LANGUAGES),
        "gender": _one(profile.gender, vocab.GENDERS),
        "availability": slots,
        "district": profile.home_district,
        "travel_km": profile.travel_km,
        "checks": [
            {
                "kind": check.kind,
                "label": vocab.label(vocab.CHECK_KINDS, check.kind),
                "title": check.title,
                "issued_on": _day(check.issued_on),
                "expires_on": _day(check.expires_on),
                "expired": check.is_expired,
            }
            for check in profile.checks
        ],
        "offers": _published_offers(profile.offers),
        "last_reviewed_on": _day(profile.last_reviewed_on),
    }


def organisation_record(session: DbSession, organisation: Organisation) -> dict[str, Any]:
    codes = sorted(set(organisation.service_councils or []))
    councils = (
        session.execute(
            select(Council.code, Council.name).where(Council.code.in_(codes)).order_by(Council.name)
        ).all()
        if codes
        else []
    )
    regulated = organisation.regulator != "none"
    return {
        "id": organisation.id,
        "kind": "organisation",
        "url": listing_url("organisation", organisation.id),
        "name": organisation.name,
        "organisation_kind": _one(organisation.kind, vocab.ORGANISATION_KINDS),
        "description": organisation.description,
        "email": organisation.email or None,
        "phone": organisation.phone or None,
        "website": organisation.website or None,
        "base_postcode": organisation.base_postcode,
        "base_district": organisation.base_district,
        "service_councils": [{"code": code, "name": name} for code, name in councils],
        "service_districts": list(organisation.service_districts or []),
        "regulator": {
            "value": organisation.regulator,
            "label": vocab.label(vocab.REGULATORS, organisation.regulator),
            "registration_id": organisation.regulator_id or None,
            "rating": _one(organisation.rating, vocab.RATINGS.get(organisation.regulator, ())),
            "last_inspected_on": _day(organisation.last_inspected_on),
        }
        if regulated
        else None,
        "claimed": organisation.is_claimed,
        "offers": _published_offers(organisation.offers),
        "last_reviewed_on": _day(organisation.last_reviewed_on),
    }
