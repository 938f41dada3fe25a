"""The public pages of offers, personal assistants and organisations, and who may see them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.directory.models import PACheck
from marketplace.directory.pricing import price_parts
from marketplace.permissions import Role
from tests.directory.helpers import client_for, page_text
from tests.factories import (
    make_council,
    make_offer,
    make_organisation,
    make_pa,
    make_user,
)


def test_offer_page_shows_the_price_breakdown_and_how_it_can_be_paid_for(client, session):
    org = make_organisation(
        name="Helping Hands Leeds",
        regulator="cqc",
        rating="good",
        regulator_id="1-234567",
        last_inspected_on=date(2024, 3, 5),
    )
    offer = make_offer(
        org,
        price_pence=2250,
        price_unit="hour",
        direct_bp=7700,
        coordination_bp=1350,
        overheads_bp=950,
        pay_isf=False,
        deliver_venue=True,
        venue_address="Community Hall, 1 High Street, Leeds",
        venue_postcode="LS6 2AB",
        venue_district="LS6",
        age_groups=["65+"],
        needs=["dementia"],
        capacity=12,
        vacancies=3,
        accessibility=["step-free"],
        languages=["en", "ur"],
        last_reviewed_on=date(2025, 1, 10),
    )

    response = client.get(f"/offers/{offer.id}")

    assert response.status_code == 200
    text = page_text(response)
    # 77% / 13.5% / 9.5% of £22.50, rounded so that the parts add up to the price exactly.
    for share, amount in (("77%", "£17.32"), ("13.5%", "£3.04"), ("9.5%", "£2.14")):
        assert re.search(rf">{re.escape(share)}</td>\s*<td[^>]*>{re.escape(amount)}</td>", text)
    assert "Direct payment" in text
    assert "Council-managed budget" in text
    assert "Individual Service Fund" not in text
    assert "Community Hall, 1 High Street, Leeds, LS6 2AB" in text
    assert "Older people (65 and over)" in text
    assert "Dementia" in text
    assert "12 places, 3 free now" in text
    assert "Step-free access" in text
    assert "Urdu" in text
    assert "10 January 2025" in text
    assert f'href="/organisations/{org.id}"' in text
    assert "Care Quality Commission" in text
    assert "1-234567" in text
    assert "5 March 2024" in text
    assert f'href="/report/offer/{offer.id}"' in text
    assert "Add to shortlist" not in text  # signed out


def test_offer_page_offers_the_shortlist_to_budget_holders(client, session, sign_in_as):
    offer = make_offer()
    sign_in_as(make_user(Role.HOLDER))

    text = page_text(client.get(f"/offers/{offer.id}"))

    assert "Add to shortlist" in text
    assert f'action="/shortlist/offers/{offer.id}"' in text


@pytest.mark.parametrize("status", ["draft", "pending", "suspended"])
def test_unpublished_offer_is_hidden_from_the_public_and_other_providers(
    app, client, session, status
):
    offer = make_offer(status=status)
    other_provider = make_user(Role.PROVIDER_ADMIN)
    holder = make_user(Role.HOLDER)

    assert client.get(f"/offers/{offer.id}").status_code == 404
    assert client_for(app, other_provider).get(f"/offers/{offer.id}").status_code == 404
    assert client_for(app, holder).get(f"/offers/{offer.id}").status_code == 404


def test_unpublished_offer_is_shown_to_its_owner_and_moderators_with_its_status(app, session):
    org = make_organisation()
    offer = make_offer(org, status="pending")
    staff = make_user(Role.PROVIDER_STAFF, organisation=org)
    officer = make_user(Role.OFFICER)
    admin = make_user(Role.ADMIN)

    for viewer in (staff, officer, admin):
        response = client_for(app, viewer).get(f"/offers/{offer.id}")
        assert response.status_code == 200
        text = page_text(response)
        assert "Waiting for review" in text
        assert "Only you and moderators can see this page" in text
        assert "Report a problem" not in text


def test_staff_waiting_for_approval_do_not_see_their_organisations_drafts(app, session):
    org = make_organisation()
    offer = make_offer(org, status="draft")
    claimant = make_user(Role.PROVIDER_STAFF, organisation=org, org_approved=False)

    assert client_for(app, claimant).get(f"/offers/{offer.id}").status_code == 404


def test_published_offer_of_a_suspended_provider_is_hidden(client, session):
    org = make_organisation(status="suspended")
    offer = make_offer(org)

    assert client.get(f"/offers/{offer.id}").status_code == 404


def test_unknown_listings_are_not_found(client, session):
    assert client.get("/offers/999").status_code == 404
    assert client.get("/pas/999").status_code == 404
    assert client.get("/organisations/999").status_code == 404


def test_pa_page_never_shows_more_than_the_home_district(client, session):
    make_council()
    pa_user = make_user(Role.PA, name="Sam Helper", email="sam.helper@example.com")
    profile = make_pa(pa_user, home_district="LS6", travel_km=12)
    # Even an offer the PA gives at a venue (perhaps their own home) is shown to district only.
    make_offer(
        pa_profile=profile,
        title="Cookery sessions",
        category="learning",
        deliver_home=False,
        deliver_venue=True,
        venue_address="12 Acacia Avenue",
        venue_postcode="LS6 2AB",
        venue_district="LS6",
    )

    pa_text = page_text(client.get(f"/pas/{profile.id}"))
    offer_id = profile.offers[0].id
    offer_text = page_text(client.get(f"/offers/{offer_id}"))

    assert "LS6 postcode district" in pa_text
    assert "12 km" in pa_text
    for text in (pa_text, offer_text):
        assert "2AB" not in text
        assert "Acacia" not in text
        assert "sam.helper@example.com" not in text
        # No full postcode at all: an outward code followed by an inward code.
        assert not re.search(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b", text)
    assert "Cookery sessions" in pa_text


def test_pa_page_shows_rates_skills_availability_and_checks(client, session):
    profile = make_pa(
        make_user(Role.PA, name="Ali Support"),
        hourly_rate_pence=1650,
        sleep_in_rate_pence=9000,
        skills=["medication", "driving"],
        languages=["pl"],
        gender="male",
        availability=["mon:morning", "sat:sleep_in"],
        checks=(),
    )
    today = date.today()
    profile.checks = [
        PACheck(
            kind="enhanced_dbs",
            issued_on=today - timedelta(days=100),
            expires_on=today + timedelta(days=100),
        ),
        PACheck(
            kind="training",
            title="Moving and handling",
            issued_on=today - timedelta(days=800),
            expires_on=today - timedelta(days=1),
        ),
    ]
    session.commit()

    text = page_text(client.get(f"/pas/{profile.id}"))

    assert "£16.50 per hour" in text
    assert "£90.00 per night" in text
    assert "Does not offer waking nights" in text
    assert "Medication support" in text
    assert "Polish" in text
    assert "Male" in text
    # The availability table: a row per day, a column per time band, headers scoped.
    assert '<th scope="col" class="govuk-table__header">Sleep-in</th>' in text
    monday = re.search(
        r'<th scope="row" class="govuk-table__header">Monday</th>(.*?)</tr>', text, re.S
    )
    assert monday is not None
    assert re.findall(r"<td[^>]*>(Yes|No)</td>", monday.group(1)) == ["Yes", "No", "No", "No", "No"]
    # Checks: the expired one is flagged, the current one is not.
    rows = re.findall(
        r'<tr class="govuk-table__row">\s*<th scope="row"[^>]*>\s*(.*?)</tr>', text, re.S
    )
    training = next(row for row in rows if "Moving and handling" in row)
    dbs = next(row for row in rows if "Enhanced DBS" in row)
    assert "Expired" in training
    assert "Expired" not in dbs
    assert (today - timedelta(days=1)).strftime("%B %Y") in training


def test_unpublished_pa_is_shown_only_to_that_pa_and_moderators(app, client, session):
    pa_user = make_user(Role.PA)
    profile = make_pa(pa_user, status="draft")
    other_pa = make_user(Role.PA)

    assert client.get(f"/pas/{profile.id}").status_code == 404
    assert client_for(app, other_pa).get(f"/pas/{profile.id}").status_code == 404
    own = client_for(app, pa_user).get(f"/pas/{profile.id}")
    assert own.status_code == 200
    assert "Draft" in page_text(own)
    assert client_for(app, make_user(Role.OFFICER)).get(f"/pas/{profile.id}").status_code == 200


def test_organisation_page_shows_contact_area_regulator_and_offers(client, session):
    make_council()
    make_council(code="E08000036", name="Wakefield Council", districts=("WF1",))
    org = make_organisation(
        name="Acme Care",
        kind="voluntary",
        email="hello@acme.example",
        phone="0113 496 0000",
        website="https://acme.example",
        service_councils=["E08000036"],
        service_districts=["LS6", "LS7"],
        regulator="cqc",
        rating="requires_improvement",
    )
    make_offer(org, title="Day centre", category="day-opportunities")
    make_offer(org, title="Secret draft", status="draft")

    text = page_text(client.get(f"/organisations/{org.id}"))

    assert "Voluntary or charity" in text
    assert "mailto:hello@acme.example" in text
    assert "0113 496 0000" in text
    assert 'href="https://acme.example"' in text
    assert "LS6 2AB" in text  # an organisation's base is public
    assert "Wakefield Council" in text
    assert "LS6, LS7" in text
    assert "Requires improvement" in text
    assert "Day centre" in text
    assert "Secret draft" not in text
    assert "added by a council" not in text


def test_organisation_website_is_linked_only_when_it_is_a_web_address(client, session):
    org = make_organisation(website="javascript:alert(1)")

    text = page_text(client.get(f"/organisations/{org.id}"))

    assert 'href="javascript:' not in text


def test_unclaimed_organisation_invites_a_claim(app, client, session):
    org = make_organisation(claimed_at=None)

    text = page_text(client.get(f"/organisations/{org.id}"))

    assert "This listing was added by a council. Is this your organisation?" in text
    if "moderation.claim" in app.view_functions:  # the claim journey is built separately
        assert f'href="/organisations/{org.id}/claim"' in text


def test_unpublished_organisation_is_shown_only_to_its_staff_and_moderators(app, client, session):
    org = make_organisation(status="pending")
    staff = make_user(Role.PROVIDER_ADMIN, organisation=org)
    other = make_user(Role.PROVIDER_ADMIN)

    assert client.get(f"/organisations/{org.id}").status_code == 404
    assert client_for(app, other).get(f"/organisations/{org.id}").status_code == 404
    assert client_for(app, staff).get(f"/organisations/{org.id}").status_code == 200
    moderator = client_for(app, make_user(Role.ADMIN))
    assert moderator.get(f"/organisations/{org.id}").status_code == 200


@given(
    price=st.integers(min_value=1, max_value=10_000_000),
    direct=st.integers(min_value=0, max_value=10_000),
    coordination=st.integers(min_value=0, max_value=10_000),
)
def test_price_parts_always_add_up_to_the_price(price, direct, coordination):
    coordination = min(coordination, 10_000 - direct)
    offer = {
        "price_pence": price,
        "direct_bp": direct,
        "coordination_bp": coordination,
        "overheads_bp": 10_000 - direct - coordination,
    }

    parts = price_parts(offer)

    assert sum(part.pence for part in parts) == price
    for part in parts:
        exact = price * part.basis_points / 10_000
        assert abs(part.pence - exact) < 1
