"""Every role against every protected page: allowed → 200, other roles → 404, signed out → sign in.

Object-level: a provider opening another organisation's offer, or a PA another PA's check, gets
404 exactly like a missing id.
"""

from __future__ import annotations

import pytest

from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.factories import make_council, make_offer, make_organisation, make_pa, make_user

ALL_ROLES = list(Role)
SHORTLISTERS = {Role.HOLDER, Role.REPRESENTATIVE, Role.BROKER}
PROVIDERS = {Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF}
MODERATORS = {Role.OFFICER, Role.ADMIN}

# path → roles that may open it
PAGES: dict[str, set[Role]] = {
    "/account": set(ALL_ROLES),
    "/account/password": set(ALL_ROLES),
    "/shortlist": SHORTLISTERS,
    "/your-listings": PROVIDERS | {Role.PA},
    "/your-listings/offers/new": PROVIDERS | {Role.PA},
    "/your-listings/profile": {Role.PA},
    "/your-listings/organisation": {Role.PROVIDER_ADMIN},
    "/organisation/staff": {Role.PROVIDER_ADMIN},
    "/moderation": MODERATORS,
    "/moderation/reports": MODERATORS,
    "/moderation/claims": MODERATORS,
    "/admin/users": {Role.ADMIN},
    "/admin/users/new": {Role.ADMIN},
    "/caseload": {Role.REPRESENTATIVE, Role.BROKER},
    "/council/people": {Role.OFFICER},
}


@pytest.fixture
def people(app):
    with app.app_context():
        council = make_council()
        organisation = make_organisation()
        users = {
            role: make_user(
                role,
                organisation=organisation if role in PROVIDERS else None,
                council=council if role == Role.OFFICER else None,
            )
            for role in ALL_ROLES
        }
        make_pa(users[Role.PA])
    return users


@pytest.mark.parametrize("role", ALL_ROLES, ids=str)
def test_each_role_reaches_exactly_its_pages(app, people, role):
    client = app.test_client()
    response = client.post(
        "/sign-in", data={"email": people[role].email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    for path, allowed in PAGES.items():
        status = client.get(path).status_code
        expected = 200 if role in allowed else 404
        assert status == expected, f"{role} GET {path}: {status}, expected {expected}"


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/sign-in" in response.headers["Location"], path


def test_providers_cannot_open_another_organisations_offers(app, people, sign_in_as):
    with app.app_context():
        own = make_offer(db.session.get(Organisation, people[Role.PROVIDER_ADMIN].organisation_id))
        other = make_offer(make_organisation(), status="draft")
        other_pa_offer = make_offer(None, pa_profile_id=make_pa().id, status="draft")
    client = sign_in_as(people[Role.PROVIDER_STAFF])
    assert client.get(f"/your-listings/offers/{own.id}").status_code == 200
    assert client.get(f"/your-listings/offers/{other.id}").status_code == 404
    assert client.get(f"/your-listings/offers/{other_pa_offer.id}").status_code == 404
    assert client.get("/your-listings/offers/999999").status_code == 404
    assert client.post(f"/your-listings/offer/{other.id}/submit").status_code == 404
    # Drafts are not public, whoever asks.
    assert client.get(f"/offers/{other.id}").status_code == 404
