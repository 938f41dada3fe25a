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
from marketplace.clock import financial_year_start, utcnow
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


def make_holder(council: Council | None = None, *, district: str = "LS6", **fields: Any) -> User:
    """A budget holder with a record in ``council`` (none if not given) and that district."""
    from marketplace.holders.models import HolderRecord

    holder = make_user(Role.HOLDER, **fields)
    record = HolderRecord(
        user_id=holder.id,
        council_id=council.id if council else None,
        postcode=f"{district} 1AA" if council else "",
        district=district if council else "",
    )
    db.session.add(record)
    db.session.commit()
    return holder


def make_budget(
    holder: User,
    council: Council,
    *,
    streams: tuple[tuple[str, int], ...] = (("dp", 936_000), ("managed", 624_000)),
    contribution_pence: int = 0,
    year_start: date | None = None,
    isf_organisation: Organisation | None = None,
    set_by: User | None = None,
) -> Any:
    """A budget whose total is the sum of ``streams`` ((kind, annual pence) pairs; an "other"
    stream is named "Access to Work"; an "isf" stream is held by ``isf_organisation``)."""
    from marketplace.budgets.models import Budget, BudgetStream

    start = year_start or financial_year_start(date.today())
    officer = set_by or make_user(Role.OFFICER, council=council)
    budget = Budget(
        holder_id=holder.id,
        council_id=council.id,
        year_start=start,
        year_end=start.replace(year=start.year + 1) - timedelta(days=1),
        total_pence=sum(amount for _, amount in streams),
        contribution_pence=contribution_pence,
        set_by_id=officer.id,
    )
    for kind, amount in streams:
        if kind == "isf" and isf_organisation is None:
            isf_organisation = make_organisation()
        budget.streams.append(
            BudgetStream(
                kind=kind,
                label="Access to Work" if kind == "other" else "",
                organisation_id=isf_organisation.id if kind == "isf" and isf_organisation else None,
                total_pence=amount,
            )
        )
    db.session.add(budget)
    db.session.commit()
    return _loaded(budget)


def make_plan(
    holder: User,
    *,
    status: str = "draft",
    council: Council | None = None,
    outcomes: tuple[str, ...] = ("independence",),
    year_start: date | None = None,
    **fields: Any,
) -> Any:
    """A support plan written straight to the database, in any status (no workflow run)."""
    from marketplace.plans.models import PlanOutcome, SupportPlan

    start = year_start or financial_year_start(date.today())
    submitted = status in {"submitted", "referred", "approved", "rejected", "superseded"}
    plan = SupportPlan(
        holder_id=holder.id,
        council_id=council.id if council else None,
        year_start=start,
        status=status,
        what_matters=fields.pop("what_matters", "Getting out and seeing friends."),
        created_by_id=holder.id,
        submitted_at=utcnow() if submitted else None,
        review_due_on=start.replace(year=start.year + 1) if status == "approved" else None,
        **fields,
    )
    plan.outcomes = [
        PlanOutcome(code=code, how_met="A PA twice a week.", position=i)
        for i, code in enumerate(outcomes)
    ]
    db.session.add(plan)
    db.session.commit()
    return _loaded(plan)


def link_representative(holder: User, representative: User | None = None) -> User:
    from marketplace.holders.models import Representation

    representative = representative or make_user(Role.REPRESENTATIVE)
    db.session.add(
        Representation(
            holder_id=holder.id,
            representative_id=representative.id,
            relationship_kind="family",
            linked_by_id=holder.id,
        )
    )
    db.session.commit()
    return representative


def link_broker(holder: User, broker: User | None = None, *, status: str = "active") -> User:
    from marketplace.holders.models import BrokerLink

    broker = broker or make_user(Role.BROKER)
    db.session.add(
        BrokerLink(
            holder_id=holder.id,
            broker_id=broker.id,
            status=status,
            invited_by_id=holder.id,
            accepted_at=utcnow() if status == "active" else None,
        )
    )
    db.session.commit()
    return broker


def make_need(holder: User, *, posted_by: User | None = None, **fields: Any) -> Any:
    """An open need advert for ``holder`` in their district (LS6 unless given): Monday and
    Wednesday mornings, 6 hours a week, £14 an hour, starting in a week."""
    from marketplace.needs.models import NeedAdvert

    values: dict[str, Any] = {
        "holder_id": holder.id,
        "posted_by_id": (posted_by or holder).id,
        "title": "PA for weekday mornings",
        "description": "Help getting up, breakfast and a walk.",
        "district": "LS6",
        "slots": ["mon:morning", "wed:morning"],
        "hours_hundredths": 600,
        "skills": ["personal-care"],
        "rate_pence": 1400,
        "start_on": date.today() + timedelta(days=7),
    }
    values.update(fields)
    need = NeedAdvert(**values)
    db.session.add(need)
    db.session.commit()
    return _loaded(need)
