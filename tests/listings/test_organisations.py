"""Provider administrators edit their organisation's details, a versioned listing like any other."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.directory.models import Organisation
from marketplace.errors import ValidationFailed
from marketplace.listings import rules, services
from marketplace.permissions import Role
from tests.factories import make_council, make_offer, make_organisation, make_user
from tests.listings.helpers import organisation_form, text, version_count


def test_an_admin_edits_a_draft_organisation_in_place(client, session, sign_in_as):
    make_council()
    organisation = make_organisation(status="draft", name="Old name")
    admin = make_user(Role.PROVIDER_ADMIN, organisation=organisation)
    sign_in_as(admin)

    page = client.get("/your-listings/organisation")
    assert page.status_code == 200 and "Leeds City Council" in text(page)
    response = client.post(
        "/your-listings/organisation", data=organisation_form(service_councils=["E08000035"])
    )

    assert response.status_code == 302
    session.expire_all()
    org = session.get(Organisation, organisation.id)
    assert org.name == "Helping Hands Leeds"
    assert org.base_district == "LS6"
    assert org.service_councils == ["E08000035"]
    assert org.service_districts == ["LS6", "LS7"]
    assert (org.regulator, org.rating, org.last_inspected_on) == ("cqc", "good", date(2023, 5, 12))
    assert version_count(session) == 0


def test_an_edit_of_a_published_organisation_waits_for_review(client, session, sign_in_as):
    organisation = make_organisation(name="Old name")
    sign_in_as(make_user(Role.PROVIDER_ADMIN, organisation=organisation))

    response = client.post("/your-listings/organisation", data=organisation_form())

    assert response.status_code == 302
    session.expire_all()
    assert session.get(Organisation, organisation.id).name == "Old name"
    assert version_count(session) == 1


BAD_ORGANISATIONS = [
    (
        {"regulator": "care_inspectorate", "rating": "5"},
        "regulator",
        "only regulates services in Scotland",
    ),
    ({"rating": "5"}, "rating", "Select a rating that Care Quality Commission (England) gives"),
    (
        {"regulator": "none", "regulator_id": ""},
        "rating",
        "Select the regulator that gave this rating",
    ),
    ({"regulator_id": ""}, "regulator_id", "Enter your registration number"),
    ({"base_postcode": "ZZ99 9ZZ"}, "base_postcode", "do not know the postcode district"),
    ({"base_postcode": "LS6"}, "base_postcode", "Enter a real UK postcode, like LS6 2AB"),
    (
        {"service_districts": "LS6, QQ1"},
        "service_districts",
        "“QQ1” is not a postcode district we know",
    ),
    ({"service_councils": ["X99999999"]}, "service_councils", "from the list"),
    ({"last_inspected_on": ["1", "13", "2023"]}, "last_inspected_on", "must be a real date"),
    ({"email": "not-an-email"}, "email", "correct format"),
    ({"website": "helpinghands.example"}, "website", "starting with https://"),
    ({"name": ""}, "name", "Enter the name of the organisation"),
    ({"name": "x" * 161}, "name", "160 characters or fewer"),
    ({"kind": "cooperative"}, "kind", "Select the kind of organisation"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_ORGANISATIONS)
def test_bad_organisation_details_are_refused_and_nothing_saved(
    client, session, sign_in_as, change, field, message
):
    make_council()
    organisation = make_organisation(status="draft", name="Old name")
    sign_in_as(make_user(Role.PROVIDER_ADMIN, organisation=organisation))

    response = client.post("/your-listings/organisation", data=organisation_form(**change))

    assert response.status_code == 400
    assert message in text(response)
    assert f'href="#{field}"' in text(response)
    session.expire_all()
    assert session.get(Organisation, organisation.id).name == "Old name"


def test_an_inspection_cannot_be_in_the_future(session):
    admin = make_user(Role.PROVIDER_ADMIN)
    tomorrow = date.today() + timedelta(days=1)
    details = rules.OrganisationInput.from_data(
        services.organisation_for_editing(session, admin).data
    )
    details.description = "Home care."
    details.regulator, details.regulator_id, details.rating = "cqc", "1-23", "good"
    details.last_inspected_on = tomorrow
    with pytest.raises(ValidationFailed) as refused:
        services.update_organisation(session, admin, details)
    assert "today or in the past" in refused.value.errors["last_inspected_on"]


def test_a_scottish_organisation_is_rated_by_the_care_inspectorate(session):
    admin = make_user(Role.PROVIDER_ADMIN, organisation=make_organisation(status="draft"))
    details = rules.OrganisationInput(
        name="Lothian Care",
        kind="voluntary",
        description="Care at home in Edinburgh.",
        base_postcode="EH1 1YZ",
        regulator="care_inspectorate",
        regulator_id="CS2003001234",
        rating="5",
    )
    assert services.update_organisation(session, admin, details) == "saved"
    with pytest.raises(ValidationFailed) as refused:
        details.regulator, details.rating = "cqc", "good"
        services.update_organisation(session, admin, details)
    assert "only regulates services in England" in refused.value.errors["regulator"]


def test_an_organisation_with_direct_payment_offers_cannot_become_council_run(
    client, session, sign_in_as
):
    organisation = make_organisation(status="draft")
    make_offer(organisation, pay_dp=True)
    sign_in_as(make_user(Role.PROVIDER_ADMIN, organisation=organisation))

    response = client.post(
        "/your-listings/organisation", data=organisation_form(kind="council_run")
    )

    assert response.status_code == 400
    assert "a council-run service cannot accept" in text(response)


def test_staff_cannot_edit_the_organisation_and_admins_only_their_own(client, session, sign_in_as):
    organisation = make_organisation()
    sign_in_as(make_user(Role.PROVIDER_STAFF, organisation=organisation))
    assert client.get("/your-listings/organisation").status_code == 404
    assert client.post("/your-listings/organisation", data=organisation_form()).status_code == 404

    other = make_organisation(status="draft")
    assert client.post(f"/your-listings/organisation/{other.id}/submit").status_code == 404
    assert version_count(session) == 0
    session.expire_all()
    assert session.scalar(select(Organisation).where(Organisation.id == other.id)).status == "draft"
