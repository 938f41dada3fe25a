"""A small directory in Leeds for the search page and API tests, built with the factories.

Factory commits reach the real Whoosh index through the outbox, as every listing change does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from marketplace.directory.models import Council, Offer, Organisation, PACheck, PAProfile
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.factories import make_council, make_offer, make_organisation, make_pa, make_user


@dataclass(frozen=True)
class Directory:
    leeds: Council
    gardeners: Organisation
    day_centre_org: Organisation
    garden_offer: Offer
    day_centre: Offer
    advice: Offer
    pa: PAProfile
    draft_offer: Offer


def build_directory() -> Directory:
    leeds = make_council()
    gardeners = make_organisation(
        name="Green Fingers Leeds",
        kind="social_enterprise",
        description="Garden maintenance by a local social enterprise.",
        base_postcode="LS6 2AB",
        base_district="LS6",
        service_districts=["LS6", "LS7"],
    )
    garden_offer = make_offer(
        gardeners,
        title="Garden tidy-ups",
        description="Mowing, weeding and pruning to keep your garden safe and usable.",
        category="gardening",
        price_pence=1500,
        price_unit="hour",
        deliver_home=True,
        days=["sat"],
        time_bands=["morning"],
        age_groups=["65+"],
    )
    day_centre_org = make_organisation(
        name="Meanwood Community Hub",
        kind="voluntary",
        description="A community hub with a day centre.",
        base_postcode="LS6 4LD",
        base_district="LS6",
        service_districts=["LS6"],
    )
    day_centre = make_offer(
        day_centre_org,
        title="Day centre activities",
        description="Art, music and lunch at our day centre, weekdays.",
        category="day-opportunities",
        price_pence=3500,
        price_unit="day",
        deliver_home=False,
        deliver_venue=True,
        venue_address="Meanwood Community Hub, Green Road, Leeds",
        venue_postcode="LS6 4LD",
        venue_district="LS6",
        days=["mon", "wed"],
        time_bands=["morning", "afternoon"],
        accessibility=["step-free", "accessible-toilet"],
        capacity=20,
        vacancies=3,
    )
    advice = make_offer(
        day_centre_org,
        title="Budget advice by phone",
        description="Free advice on managing a direct payment.",
        category="information-advice",
        price_pence=0,
        price_unit="free",
        direct_bp=10000,
        coordination_bp=0,
        overheads_bp=0,
        deliver_home=False,
        deliver_online=True,
    )
    pa_user = make_user(Role.PA, name="Asha Khan", email="asha.khan@example.com")
    pa = make_pa(
        pa_user,
        display_name="Asha K",
        bio="Friendly personal assistant who speaks Urdu and English; help with showering and meals.",
        languages=["en", "ur"],
        home_district="LS6",
        travel_km=8,
        checks=("enhanced_dbs", "right_to_work"),
    )
    draft_offer = make_offer(
        gardeners,
        title="Secret gardening club",
        description="Not published yet.",
        category="gardening",
        status="draft",
    )
    return Directory(
        leeds, gardeners, day_centre_org, garden_offer, day_centre, advice, pa, draft_offer
    )


def add_misspelt_listing() -> Offer:
    """A listing whose text has a typo: searching that typo finds it, and a better spelling."""
    allotments = make_organisation(
        name="Meanwood Allotment Society",
        kind="community_group",
        description="Allotments for everyone.",
    )
    return make_offer(
        allotments,
        title="Allotment mornings",
        description="Gardning with neighbours at the allotment.",
        category="leisure-sport",
        price_pence=300,
        price_unit="session",
    )


def expire_check(pa: PAProfile, kind: str) -> None:
    """Make one of the PA's checks out of date (it stays listed, flagged expired)."""
    check = db.session.scalars(
        db.select(PACheck).where(PACheck.pa_profile_id == pa.id, PACheck.kind == kind)
    ).one()
    check.issued_on = date.today() - timedelta(days=800)
    check.expires_on = date.today() - timedelta(days=1)
    db.session.commit()
