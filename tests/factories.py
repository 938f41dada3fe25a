"""Test factories: build valid objects with as little as a test cares to say.

They write straight to the database (no moderation, no mail); tests of the services and views
exercise those paths themselves.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.clock import utcnow
from marketplace.directory.areas import refresh_listing_areas
from marketplace.directory.models import (
    Council,
    CouncilDistrict,
    Offer,
    Organisation,
    PACheck,
    PAProfile,
)
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.conftest import TEST_PASSWORD

_seq = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _password_hash(password: str) -> str:
    # argon2 is slow on purpose; hash each distinct test password once per run.
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def _loaded(obj: Any) -> Any:
    """Reload after the commit so the object stays readable once its app context has gone."""
    db.session.refresh(obj)
    return obj


def make_council(
    code: str = "E08000035",
    name: str = "Leeds City Council",
    nation: str = "England",
    districts: tuple[str, ...] = ("LS1", "LS2", "LS6", "LS7"),
) -> Council:
    council = Council(code=code, name=name, nation=nation)
    council.districts = [CouncilDistrict(district=d) for d in districts]
    db.session.add(council)
    db.session.commit()
    return _loaded(council)


def make_organisation(**fields: Any) -> Organisation:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"Helping Hands {n}",
        "kind": "private",
        "description": "Home care across the city.",
        "email": f"office{n}@example.org",
        "base_postcode": "LS6 2AB",
        "base_district": "LS6",
        "service_districts": ["LS6", "LS7"],
        "status": "published",
        "claimed_at": utcnow(),
    }
    values.update(fields)
    organisation = Organisation(**values)
    db.session.add(organisation)
    db.session.commit()
    if organisation.status == "published":
        refresh_listing_areas(db.session, organisation)
        db.session.commit()
    return _loaded(organisation)


def make_user(
    role: Role | str = Role.HOLDER,
    *,
    email: str | None = None,
    password: str = TEST_PASSWORD,
    organisation: Organisation | None = None,
    council: Council | None = None,
    confirmed: bool = True,
    **fields: Any,
) -> User:
    role = Role(role)
    n = next(_seq)
    if role in (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF) and organisation is None:
        organisation = make_organisation()
    if role == Role.OFFICER and council is None:
        council = make_council(code=f"E0{n:07d}", name=f"Council {n}")
    user = User(
        email=email or f"{role.value}{n}@example.com",
        name=fields.pop("name", f"Test {role.value.title()} {n}"),
        password_hash=_password_hash(password),
        role=role.value,
        organisation_id=organisation.id if organisation else None,
        council_id=council.id if council else None,
        email_confirmed_at=utcnow() if confirmed else None,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return _loaded(user)


def make_pa(
    user: User | None = None, *, checks: tuple[str, ...] = ("enhanced_dbs",), **fields: Any
) -> PAProfile:
    user = user or make_user(Role.PA)
    values: dict[str, Any] = {
        "user_id": user.id,
        "display_name": user.name,
        "employment": "self_employed",
        "hourly_rate_pence": 1650,
        "bio": "Experienced PA, calm and reliable.",
        "experience_years": 5,
        "skills": ["personal-care", "meal-preparation"],
        "languages": ["en"],
        "gender": "female",
        "availability": ["mon:morning", "tue:morning", "wed:afternoon"],
        "home_district": "LS6",
        "travel_km": 8,
        "status": "published",
    }
    values.update(fields)
    profile = PAProfile(**values)
    profile.checks = [
        PACheck(
            kind=kind,
            issued_on=date.today() - timedelta(days=100),
            expires_on=date.today() + timedelta(days=900),
        )
        for kind in checks
    ]
    db.session.add(profile)
    db.session.commit()
    if profile.status == "published":
        refresh_listing_areas(db.session, profile)
        db.session.commit()
    return _loaded(profile)


def make_offer(organisation: Organisation | None = None, **fields: Any) -> Offer:
    if organisation is None and "pa_profile" not in fields and "pa_profile_id" not in fields:
        organisation = make_organisation()
    values: dict[str, Any] = {
        "title": "Home care visits",
        "description": "Personal care at home, morning and evening visits.",
        "category": "personal-care",
        "price_pence": 2250,
        "price_unit": "hour",
        "direct_bp": 7700,
        "coordination_bp": 1350,
        "overheads_bp": 950,
        "deliver_home": True,
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "time_bands": ["morning", "evening"],
        "status": "published",
    }
    values.update(fields)
    offer = Offer(organisation=organisation, **values)
    db.session.add(offer)
    db.session.commit()
    if offer.status == "published":
        refresh_listing_areas(db.session, offer)
        db.session.commit()
    return _loaded(offer)
