"""Providers create and edit their offers; every bad input is refused with a message, saving nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.directory.models import Offer
from marketplace.errors import NotFound, ValidationFailed
from marketplace.listings import rules, services
from marketplace.permissions import Role
from tests.factories import make_offer, make_organisation, make_pa, make_user
from tests.listings.helpers import offer_form, text, version_count


def _offers(session) -> list[Offer]:
    session.expire_all()
    return list(session.scalars(select(Offer).order_by(Offer.id)))


def test_provider_staff_create_an_offer_as_a_draft(client, session, sign_in_as):
    staff = make_user(Role.PROVIDER_STAFF)
    sign_in_as(staff)

    assert client.get("/your-listings/offers/new").status_code == 200
    response = client.post("/your-listings/offers/new", data=offer_form())

    assert response.status_code == 302
    [offer] = _offers(session)
    assert offer.organisation_id == staff.organisation_id
    assert offer.status == "draft"
    assert offer.price_pence == 1250
    assert (offer.direct_bp, offer.coordination_bp, offer.overheads_bp) == (7700, 1350, 950)
    assert offer.venue_postcode == "LS6 2AB"
    assert offer.venue_district == "LS6"
    assert (offer.pay_dp, offer.pay_managed, offer.pay_isf) == (True, True, False)
    assert offer.capacity == 12 and offer.vacancies == 3
    page = text(client.get("/your-listings"))
    assert "Gardening club" in page and "Draft" in page and "Send for review" in page


def test_a_free_offer_has_no_price_and_needs_no_way_to_pay(client, session, sign_in_as):
    sign_in_as(make_user(Role.PROVIDER_ADMIN))

    response = client.post(
        "/your-listings/offers/new",
        data=offer_form(price="", price_unit="free", deployments=[], category="befriending"),
    )

    assert response.status_code == 302
    [offer] = _offers(session)
    assert (offer.price_pence, offer.price_unit) == (0, "free")


BAD_OFFERS = [
    ({"price": "-5"}, "price", "cannot be negative"),
    ({"price": "abc"}, "price", "Enter an amount in pounds and pence"),
    ({"price": "12.345"}, "price", "Enter an amount in pounds and pence"),
    ({"price": "0"}, "price", "must be more than £0"),
    ({"price": ""}, "price", "Enter the price"),
    ({"price": "100000.01"}, "price", "£100,000.00 or less"),
    ({"price": "5", "price_unit": "free"}, "price", "Leave the price empty"),
    ({"direct_percent": "70"}, "direct_percent", "must add up to 100% (they add up to 93%)"),
    ({"overheads_percent": "ten"}, "overheads_percent", "Enter a percentage"),
    ({"venue_postcode": "ZZ99 9ZZ"}, "venue_postcode", "do not know the postcode district"),
    ({"venue_postcode": "NOTAPC"}, "venue_postcode", "Enter a real UK postcode"),
    ({"venue_address": ""}, "venue_address", "Enter the address of the venue"),
    (
        {"category": "long-term-residential"},
        "deployments",
        "A direct payment cannot pay for long-term residential care",
    ),
    ({"deployments": []}, "deployments", "Select at least one way a personal budget can pay"),
    ({"delivery": []}, "delivery", "Select at least one way the offer is delivered"),
    ({"title": "x" * 121}, "title", "Title must be 120 characters or fewer"),
    ({"title": ""}, "title", "Enter a title"),
    ({"description": "x" * 5001}, "description", "5,000 characters or fewer"),
    ({"category": ""}, "category", "Select a category"),
    ({"category": "spaceships"}, "category", "Select a category"),
    ({"vacancies": "13"}, "vacancies", "cannot be more than the number of places"),
    ({"capacity": "twelve"}, "capacity", "Enter the number of places as a whole number"),
    ({"days": ["someday"]}, "days", "Select days from the list"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_OFFERS)
def test_a_bad_offer_is_refused_with_a_message_and_nothing_saved(
    client, session, sign_in_as, change, field, message
):
    sign_in_as(make_user(Role.PROVIDER_STAFF))

    response = client.post("/your-listings/offers/new", data=offer_form(**change))

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert message in page
    assert f'href="#{field}"' in page  # the error summary links to the field
    assert _offers(session) == []


def test_a_council_run_service_cannot_be_paid_by_direct_payment(client, session, sign_in_as):
    council_run = make_organisation(kind="council_run")
    sign_in_as(make_user(Role.PROVIDER_ADMIN, organisation=council_run))

    response = client.post("/your-listings/offers/new", data=offer_form(deployments=["dp"]))

    assert response.status_code == 400
    assert "cannot pay for a service the council runs itself" in text(response)
    assert _offers(session) == []
    ok = client.post("/your-listings/offers/new", data=offer_form(deployments=["managed"]))
    assert ok.status_code == 302


def test_an_edit_of_a_published_offer_with_a_bad_price_changes_nothing(client, session, sign_in_as):
    staff = make_user(Role.PROVIDER_STAFF)
    offer = make_offer(staff.organisation, title="Home care")
    sign_in_as(staff)

    response = client.post(f"/your-listings/offers/{offer.id}", data=offer_form(price="-5"))

    assert response.status_code == 400
    assert version_count(session) == 0
    assert _offers(session)[0].title == "Home care"


def test_someone_elses_offer_is_not_found_on_every_owner_route(client, session, sign_in_as):
    theirs = make_offer(status="draft")
    sign_in_as(make_user(Role.PROVIDER_ADMIN))

    assert client.get(f"/your-listings/offers/{theirs.id}").status_code == 404
    assert client.post(f"/your-listings/offers/{theirs.id}", data=offer_form()).status_code == 404
    assert client.post(f"/your-listings/offer/{theirs.id}/submit").status_code == 404
    assert client.post(f"/your-listings/offer/{theirs.id}/withdraw").status_code == 404
    assert client.get("/your-listings/offers/999999").status_code == 404
    assert _offers(session)[0].status == "draft"


def test_a_pa_cannot_edit_another_pas_offer(client, session, sign_in_as):
    other = make_pa()
    theirs = make_offer(pa_profile=other, organisation=None)
    me = make_user(Role.PA)
    make_pa(me)
    sign_in_as(me)

    assert client.get(f"/your-listings/offers/{theirs.id}").status_code == 404


def test_an_unapproved_claimant_cannot_act_for_the_organisation(client, session, sign_in_as):
    organisation = make_organisation(claimed_at=None)
    offer = make_offer(organisation, status="draft")
    claimant = make_user(Role.PROVIDER_ADMIN, organisation=organisation, org_approved=False)
    sign_in_as(claimant)

    page = client.get("/your-listings")
    assert page.status_code == 200
    assert "waiting for a moderator" in text(page)
    assert client.get(f"/your-listings/offers/{offer.id}").status_code == 404
    assert client.post("/your-listings/offers/new", data=offer_form()).status_code == 404
    assert client.get("/your-listings/organisation").status_code == 404


@pytest.mark.parametrize("role", [Role.HOLDER, Role.BROKER, Role.OFFICER])
def test_people_who_list_nothing_get_not_found(client, session, sign_in_as, role):
    sign_in_as(make_user(role))

    assert client.get("/your-listings").status_code == 404
    assert client.get("/your-listings/offers/new").status_code == 404
    assert client.get("/your-listings/profile").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, session):
    for path in ("/your-listings", "/your-listings/offers/new", "/your-listings/organisation"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_a_pa_lists_offers_of_their_own_once_they_have_a_profile(client, session, sign_in_as):
    pa = make_user(Role.PA)
    sign_in_as(pa)

    refused = client.post("/your-listings/offers/new", data=offer_form(delivery=["home"]))
    assert refused.status_code == 400
    assert "Create your personal assistant profile" in text(refused)

    profile = make_pa(pa)
    response = client.post("/your-listings/offers/new", data=offer_form(delivery=["home"]))
    assert response.status_code == 302
    [offer] = _offers(session)
    assert offer.pa_profile_id == profile.id and offer.organisation_id is None


def test_services_can_be_called_directly(session):
    staff = make_user(Role.PROVIDER_STAFF)
    offer = services.create_offer(
        session,
        staff,
        rules.OfferInput(
            title="Lunch club",
            description="Hot lunches on Fridays.",
            category="meals",
            price=450,
            price_unit="session",
            deployments=["isf"],
            delivery=["online"],
        ),
    )
    assert offer.status == "draft"
    assert session.scalar(select(func.count()).select_from(Offer)) == 1

    with pytest.raises(ValidationFailed) as refused:
        services.update_offer(
            session, staff, offer.id, rules.OfferInput(title="x", category="meals", price=-1)
        )
    assert refused.value.errors["price"] == "The price must be more than £0"
    assert "description" in refused.value.errors

    with pytest.raises(NotFound):
        services.update_offer(session, make_user(Role.PROVIDER_STAFF), offer.id, rules.OfferInput())
