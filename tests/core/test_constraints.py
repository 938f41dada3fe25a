"""The database itself refuses what the code must never do (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.directory.models import Offer, PACheck, ShortlistItem
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.factories import make_offer, make_organisation, make_pa, make_user


def _refused(statement) -> None:
    with pytest.raises(IntegrityError):
        db.session.execute(statement)
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "values",
    [
        {"direct_bp": 7000, "coordination_bp": 2000, "overheads_bp": 500},  # sums to 95%
        {"direct_bp": 11000, "coordination_bp": -1000, "overheads_bp": 0},  # negative share
        {"price_pence": -100},
        {"price_pence": 0},  # only a "free" offer costs nothing
        {"price_unit": "free", "price_pence": 500},
        {"price_unit": "fortnight"},
        {"category": "long-term-residential", "pay_dp": True},
        {"deliver_home": False, "deliver_venue": False, "deliver_online": False},
        {"deliver_venue": True, "venue_district": None},
        {"capacity": 5, "vacancies": 6},
        {"status": "live"},
        {"organisation_id": None},  # an offer has exactly one owner
    ],
)
def test_offer_constraints(session, values):
    offer = make_offer()
    _refused(update(Offer).where(Offer.id == offer.id).values(**values))


def test_a_valid_offer_update_is_accepted(session):
    offer = make_offer()
    session.execute(
        update(Offer)
        .where(Offer.id == offer.id)
        .values(
            category="long-term-residential", pay_dp=False, price_unit="week", price_pence=95000
        )
    )
    session.commit()


@pytest.mark.parametrize(
    ("role", "with_org", "with_council"),
    [
        (Role.PROVIDER_ADMIN, False, False),  # staff without an organisation
        (Role.HOLDER, True, False),  # a holder inside an organisation
        (Role.OFFICER, False, False),  # an officer without a council
        (Role.BROKER, False, True),  # a broker with a council
        ("wizard", False, False),
    ],
)
def test_user_role_constraints(session, role, with_org, with_council):
    officer = make_user(Role.OFFICER)
    org = make_organisation()
    user = make_user(Role.HOLDER)
    _refused(
        update(User)
        .where(User.id == user.id)
        .values(
            role=str(role),
            organisation_id=org.id if with_org else None,
            council_id=officer.council_id if with_council else None,
        )
    )


def test_emails_are_unique_and_lowercase(session):
    user = make_user(Role.HOLDER)
    other = make_user(Role.HOLDER)
    _refused(update(User).where(User.id == other.id).values(email=user.email))
    _refused(update(User).where(User.id == other.id).values(email="Mixed@Example.com"))


def test_pa_rates_and_check_dates(session):
    from datetime import date

    from marketplace.directory.models import PAProfile

    profile = make_pa()
    _refused(update(PAProfile).where(PAProfile.id == profile.id).values(hourly_rate_pence=0))
    _refused(update(PAProfile).where(PAProfile.id == profile.id).values(travel_km=500))
    _refused(
        update(PACheck)
        .where(PACheck.pa_profile_id == profile.id)
        .values(issued_on=date(2025, 1, 1), expires_on=date(2024, 1, 1))
    )


def test_a_shortlist_item_points_at_one_thing_once(session):
    user = make_user(Role.HOLDER)
    offer = make_offer()
    profile = make_pa()
    session.add(ShortlistItem(user_id=user.id, offer_id=offer.id))
    session.commit()
    with pytest.raises(IntegrityError):
        session.add(ShortlistItem(user_id=user.id, offer_id=offer.id))
        session.commit()
    session.rollback()
    with pytest.raises(IntegrityError):
        session.add(ShortlistItem(user_id=user.id, offer_id=offer.id, pa_profile_id=profile.id))
        session.commit()
    session.rollback()
