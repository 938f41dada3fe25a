"""``flask demo-data``: coverage, the rules the data keeps, idempotence and determinism."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date

from flask import Flask
from sqlalchemy import func, select

from marketplace import geo
from marketplace.accounts.models import User
from marketplace.clock import today
from marketplace.demo.load import table_counts
from marketplace.demo.plan import DEMO_PASSWORD, build_plan
from marketplace.directory import areas, vocab
from marketplace.directory.models import (
    Council,
    CouncilDistrict,
    ListingArea,
    Offer,
    Organisation,
    PACheck,
    PAProfile,
)
from marketplace.extensions import db, empty_all_tables
from marketplace.listings import rules
from marketplace.moderation.models import ListingVersion
from marketplace.moderation.snapshots import kind_of, snapshot
from tests.conftest import sign_in

SCALE = "0.05"
DEMO_ACCOUNTS = (
    "holder@demo.example",
    "representative@demo.example",
    "broker@demo.example",
    "pa@demo.example",
    "provider@demo.example",
    "staff@demo.example",
    "officer@demo.example",
    "admin@demo.example",
)


def _run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["demo-data", "--scale", SCALE, *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return table_counts(db.session)


def _empty_tables(app: Flask) -> None:
    """As the conftest does after each test (organisations and users refer to each other)."""
    with app.app_context():
        empty_all_tables()


def _digest(app: Flask) -> str:
    """Names, prices and dates of everything loaded, by natural key (ids differ between runs)."""
    with app.app_context():
        s = db.session
        councils = [
            (c.code, c.name, c.nation, c.district_codes) for c in s.scalars(select(Council))
        ]
        organisations = [
            (
                o.name,
                o.kind,
                o.base_postcode,
                o.phone,
                o.regulator,
                o.rating,
                o.status,
                o.claimed_at is None,
                o.service_councils,
                o.service_districts,
            )
            for o in s.scalars(select(Organisation))
        ]
        offers = [
            (
                o.provider_name,
                o.title,
                o.price_pence,
                o.price_unit,
                o.direct_bp,
                o.coordination_bp,
                o.venue_postcode,
                o.days,
                o.languages,
                o.status,
            )
            for o in s.scalars(select(Offer))
        ]
        pas = [
            (
                p.user.email,
                p.display_name,
                p.hourly_rate_pence,
                p.home_district,
                p.availability,
                [(c.kind, c.issued_on, c.expires_on) for c in p.checks],
            )
            for p in s.scalars(select(PAProfile))
        ]
        users = [(u.email, u.name, u.role) for u in s.scalars(select(User))]
        versions = Counter(v.status for v in s.scalars(select(ListingVersion)))
        data = [
            sorted(councils),
            sorted(organisations, key=str),
            sorted(offers, key=str),
            sorted(pas, key=str),
            sorted(users),
            sorted(versions.items()),
        ]
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()


def test_small_scale_covers_at_least_ten_real_councils_in_three_nations(app, session):
    _run(app)

    councils = session.scalars(select(Council)).all()
    assert len(councils) >= 10
    assert {c.nation for c in councils} == {"England", "Scotland", "Wales"}
    known = geo.districts()
    for council in councils:
        assert len(council.code) == 9 and council.code[0] == council.nation[0]
        assert len(council.districts) >= 3, council.name
        assert {known[d].nation for d in council.district_codes} == {council.nation}
    leeds = session.scalar(select(Council).where(Council.code == "E08000035"))
    assert "LS1" in leeds.district_codes and "LS6" in leeds.district_codes


def test_counts_follow_the_scale(app, session):
    _run(app)

    plan = build_plan(2026, float(SCALE), today())
    assert session.scalar(select(func.count()).select_from(Organisation)) == 9
    assert session.scalar(select(func.count()).select_from(PAProfile)) == 8
    assert session.scalar(select(func.count()).select_from(Offer)) == plan.offer_count
    # Organisations spread over many councils even at a small scale.
    bases = select(Organisation.base_district)
    homes = session.scalars(
        select(CouncilDistrict.council_id).where(CouncilDistrict.district.in_(bases)).distinct()
    ).all()
    assert len(homes) >= 7


def test_full_scale_plan_is_big_enough_and_varied():
    plan = build_plan(2026, 1.0, date(2026, 1, 15))

    assert len(plan.organisations) + len(plan.pas) >= 300
    assert plan.offer_count >= 2000
    assert {o.fields["kind"] for o in plan.organisations} == vocab.values(vocab.ORGANISATION_KINDS)
    categories = {f.fields["category"] for o in plan.organisations for f in o.offers}
    assert categories == {c.slug for c in vocab.CATEGORIES}
    assert len({o.fields["name"].lower() for o in plan.organisations}) == len(plan.organisations)
    assert {o.council_code for o in plan.organisations} == {c.code for c in plan.councils}
    languages = {lang for p in plan.pas for lang in p.fields["languages"]}
    assert {"ur", "pa", "pl", "cy"} <= languages


def test_a_bigger_scale_only_adds_organisations_and_pas():
    small = build_plan(7, 0.05, date(2026, 1, 15))
    big = build_plan(7, 0.2, date(2026, 1, 15))

    assert [o.fields for o in small.organisations] == [
        o.fields for o in big.organisations[: len(small.organisations)]
    ]
    assert [p.fields for p in small.pas] == [p.fields for p in big.pas[: len(small.pas)]]


def test_every_listing_keeps_the_rules_owners_are_held_to(app, session):
    _run(app)

    codes = list(session.scalars(select(Council.code)))
    for offer in session.scalars(select(Offer)):
        data = snapshot(offer)
        council_run = offer.organisation is not None and offer.organisation.kind == "council_run"
        checked = rules.offer_data(rules.OfferInput.from_data(data), council_run=council_run)
        assert checked == data, offer.title
    for profile in session.scalars(select(PAProfile)):
        data = snapshot(profile)
        assert rules.pa_profile_data(rules.PAProfileInput.from_data(data), data["checks"]) == data
    for organisation in session.scalars(select(Organisation)):
        data = snapshot(organisation)
        checked = rules.organisation_data(rules.OrganisationInput.from_data(data), codes)
        assert checked == data, organisation.name


def test_no_direct_payment_for_residential_care_or_council_run_services(app, session):
    _run(app, "--scale", "0.3")

    offers = session.scalars(select(Offer)).all()
    residential = [o for o in offers if o.category == vocab.LONG_TERM_RESIDENTIAL]
    council_run = [o for o in offers if o.organisation and o.organisation.kind == "council_run"]
    assert residential and council_run
    assert not any(o.pay_dp for o in residential + council_run)
    assert any(o.pay_dp for o in offers)


def test_offers_are_priced_and_placed_sensibly(app, session):
    _run(app, "--scale", "0.3")

    served = set(session.scalars(select(CouncilDistrict.district)))
    for offer in session.scalars(select(Offer)):
        assert (offer.price_unit == "free") == (offer.price_pence == 0)
        if offer.deliver_venue:
            assert offer.venue_district in served and offer.venue_postcode.startswith(
                offer.venue_district + " "
            )
        if offer.category in ("personal-care", "personal-assistant") and offer.price_unit == "hour":
            assert 1300 <= offer.price_pence <= 3000, offer.title
        if offer.category == vocab.LONG_TERM_RESIDENTIAL:
            assert offer.price_unit == "week"
    for organisation in session.scalars(select(Organisation)):
        assert organisation.base_district in served
        assert organisation.email.endswith((".example.org", ".example.com"))
        nation = geo.districts()[organisation.base_district].nation
        if organisation.regulator != "none":
            assert vocab.REGULATOR_NATION[organisation.regulator] == nation


def test_pa_checks_fit_the_nation_and_a_few_have_expired(app, session):
    _run(app, "--scale", "0.3")

    checks = session.scalars(select(PACheck)).all()
    for check in checks:
        nation = geo.districts()[check.pa_profile.home_district].nation
        if check.kind == "pvg":
            assert nation == "Scotland"
        if check.kind == "enhanced_dbs":
            assert nation in ("England", "Wales")
    expired = [c for c in checks if c.is_expired]
    assert 0 < len(expired) < len(checks) / 5


def test_published_listings_have_their_areas_and_an_approved_first_version(app, session):
    _run(app)

    listings = [
        *session.scalars(select(Offer)),
        *session.scalars(select(PAProfile)),
        *session.scalars(select(Organisation)),
    ]
    statuses = Counter(listing.status for listing in listings)
    assert statuses["published"] > statuses["pending"] + statuses["draft"]
    for listing in listings:
        kind = kind_of(listing)
        versions = session.scalars(
            select(ListingVersion)
            .where(ListingVersion.kind == kind, ListingVersion.listing_id == listing.id)
            .order_by(ListingVersion.number)
        ).all()
        stored = set(
            session.scalars(
                select(ListingArea.council_id).where(
                    ListingArea.kind == kind, ListingArea.listing_id == listing.id
                )
            )
        )
        if listing.status == "published":
            assert stored and stored == areas.councils_for(session, listing)
            assert versions[0].number == 1 and versions[0].status == "approved"
            assert versions[0].data == snapshot(listing)
            assert all(v.status == "pending" for v in versions[1:])
        elif listing.status == "pending":
            assert [(v.number, v.status) for v in versions] == [(1, "pending")]
            assert not stored
        else:
            assert versions == [] and not stored


def test_a_second_run_adds_nothing(app):
    _run(app)
    before = _counts(app)

    output = _run(app)

    assert "already loaded: nothing added" in output
    assert _counts(app) == before


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(app):
    _run(app, "--seed", "11")
    first = _digest(app)
    _empty_tables(app)

    _run(app, "--seed", "11")
    assert _digest(app) == first

    _empty_tables(app)
    _run(app, "--seed", "12")
    assert _digest(app) != first


def test_demo_provider_staff_and_officer_are_linked(app, session):
    _run(app)

    users = {
        u.email: u for u in session.scalars(select(User).where(User.email.like("%@demo.example")))
    }
    assert set(DEMO_ACCOUNTS) <= set(users)
    assert all(u.email_confirmed for u in users.values())
    provider, staff = users["provider@demo.example"], users["staff@demo.example"]
    assert provider.role == "provider_admin" and staff.role == "provider_staff"
    assert provider.organisation.name == "Aire Valley Home Care"
    assert staff.organisation_id == provider.organisation_id
    assert provider.organisation.regulator == "cqc" and provider.organisation.offers
    assert users["officer@demo.example"].council.name == "Leeds City Council"
    pa = session.scalar(select(PAProfile).join(User).where(User.email == "pa@demo.example"))
    assert pa.status == "published" and pa.home_district == "LS6"


def test_each_demo_account_can_sign_in_with_the_documented_password(app):
    _run(app)

    for email in DEMO_ACCOUNTS:
        client = app.test_client()
        response = sign_in(client, email, DEMO_PASSWORD)
        assert response.status_code == 302, email
        assert email in client.get("/account").get_data(as_text=True)
