"""Claims: someone from an organisation a council added asks to manage its listing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.accounts.passwords import verify_password
from marketplace.directory.models import Organisation
from marketplace.errors import Conflict, NotFound
from marketplace.moderation import claims
from marketplace.moderation.models import Claim
from marketplace.permissions import Role
from tests.conftest import link_in_mail, sign_in
from tests.factories import make_organisation, make_user
from tests.listings.helpers import client_for, leeds_and_edinburgh, text

PASSWORD = "a long claim password"


def _claim_form(**overrides):
    data = {
        "name": "Priya Shah",
        "email": "Priya@HelpingHands.example",
        "password": PASSWORD,
        "job_title": "Registered manager",
        "evidence": "I am the registered manager; CQC lists me on our registration.",
    }
    data.update(overrides)
    return data


def _claims(session):
    session.expire_all()
    return list(session.scalars(select(Claim)))


def _users(session):
    session.expire_all()
    return list(session.scalars(select(User)))


def test_a_signed_out_person_claims_an_unclaimed_organisation(client, session):
    organisation = make_organisation(name="Helping Hands", claimed_at=None)

    page = client.get(f"/organisations/{organisation.id}/claim")
    assert page.status_code == 200 and "Helping Hands" in text(page)
    response = client.post(f"/organisations/{organisation.id}/claim", data=_claim_form())

    assert response.status_code == 302
    assert "Request sent" in text(client.get(response.headers["Location"]))
    [user] = _users(session)
    assert (user.email, user.role, user.organisation_id, user.org_approved) == (
        "priya@helpinghands.example",
        "provider_admin",
        organisation.id,
        False,
    )
    assert verify_password(user.password_hash, PASSWORD)
    assert not user.acts_for(organisation.id)
    [claim] = _claims(session)
    assert (claim.status, claim.user_id, claim.job_title) == (
        "pending",
        user.id,
        "Registered manager",
    )
    # They are sent a link to confirm the address they claimed with.
    assert client.get(link_in_mail(client.application, "/account/confirm/")).status_code == 302
    # They can sign in, but cannot act for the organisation yet.
    assert sign_in(client, "priya@helpinghands.example", PASSWORD).status_code == 302
    assert "waiting for a moderator" in text(client.get("/your-listings"))
    assert client.get("/your-listings/organisation").status_code == 404


BAD_CLAIMS = [
    ({"email": "not an email"}, "email", "correct format"),
    ({"password": "short"}, "password", "10 characters or more"),
    ({"name": ""}, "name", "Enter your full name"),
    ({"job_title": "x" * 121}, "job_title", "120 characters or fewer"),
    ({"evidence": ""}, "evidence", "Tell us why you are entitled"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_CLAIMS)
def test_a_bad_claim_is_refused_and_nothing_saved(client, session, change, field, message):
    organisation = make_organisation(claimed_at=None)

    response = client.post(f"/organisations/{organisation.id}/claim", data=_claim_form(**change))

    assert response.status_code == 400
    assert message in text(response)
    assert f'href="#{field}"' in text(response)
    assert _claims(session) == [] and _users(session) == []


def test_a_claim_with_an_email_already_in_use_is_refused(client, session):
    organisation = make_organisation(claimed_at=None)
    make_user(Role.HOLDER, email="priya@helpinghands.example")

    response = client.post(f"/organisations/{organisation.id}/claim", data=_claim_form())

    assert response.status_code == 400
    assert "An account with this email address already exists" in text(response)
    assert _claims(session) == []
    assert len(_users(session)) == 1


def test_a_claimed_organisation_cannot_be_claimed(client, session):
    organisation = make_organisation()  # the factory claims it

    assert client.get(f"/organisations/{organisation.id}/claim").status_code == 404
    assert (
        client.post(f"/organisations/{organisation.id}/claim", data=_claim_form()).status_code
        == 404
    )
    assert client.get("/organisations/99999/claim").status_code == 404


def test_a_signed_in_person_is_asked_to_sign_out_first(client, session, sign_in_as):
    organisation = make_organisation(claimed_at=None)
    sign_in_as(make_user(Role.HOLDER))

    page = client.get(f"/organisations/{organisation.id}/claim")
    assert page.status_code == 200 and "Sign out to claim" in text(page)
    assert (
        client.post(f"/organisations/{organisation.id}/claim", data=_claim_form()).status_code
        == 400
    )
    assert _claims(session) == []


def test_a_moderator_approves_a_claim(app, session):
    leeds, edinburgh = leeds_and_edinburgh()
    organisation = make_organisation(name="Helping Hands", claimed_at=None)
    claim = claims.submit_claim(session, organisation.id, claims.ClaimInput(**_claim_form()))
    outside = client_for(app, make_user(Role.OFFICER, council=edinburgh))
    assert "Helping Hands" not in text(outside.get("/moderation/claims"))
    assert outside.get(f"/moderation/claims/{claim.id}").status_code == 404
    assert outside.post(f"/moderation/claims/{claim.id}/approve").status_code == 404

    officer = client_for(app, make_user(Role.OFFICER, council=leeds))
    assert "Helping Hands" in text(officer.get("/moderation/claims"))
    page = officer.get(f"/moderation/claims/{claim.id}")
    assert "Registered manager" in text(page) and "not yet confirmed" in text(page)
    assert officer.post(f"/moderation/claims/{claim.id}/approve").status_code == 302

    session.expire_all()
    claim = session.get(Claim, claim.id)
    assert claim.status == "approved" and claim.decided_at is not None
    assert claim.user.org_approved and claim.user.acts_for(organisation.id)
    assert session.get(Organisation, organisation.id).claimed_at is not None
    claimant = client_for(app, claim.user, PASSWORD)
    assert claimant.get("/your-listings/organisation").status_code == 200
    # Claimed now: nobody else can claim it.
    assert client_for(app).get(f"/organisations/{organisation.id}/claim").status_code == 404


def test_a_moderator_rejects_a_claim_with_a_reason(app, session):
    organisation = make_organisation(claimed_at=None)
    claim = claims.submit_claim(session, organisation.id, claims.ClaimInput(**_claim_form()))
    admin = client_for(app, make_user(Role.ADMIN))

    refused = admin.post(f"/moderation/claims/{claim.id}/reject", data={"reason": ""})
    assert refused.status_code == 400 and "Enter the reason" in text(refused)
    response = admin.post(
        f"/moderation/claims/{claim.id}/reject",
        data={"reason": "The email address is not at the organisation."},
    )

    assert response.status_code == 302
    session.expire_all()
    claim = session.get(Claim, claim.id)
    assert (claim.status, claim.reason) == (
        "rejected",
        "The email address is not at the organisation.",
    )
    assert not claim.user.org_approved
    assert session.get(Organisation, organisation.id).claimed_at is None


def test_a_second_claim_of_an_organisation_claimed_meanwhile_cannot_be_approved(session):
    organisation = make_organisation(claimed_at=None)
    first = claims.submit_claim(session, organisation.id, claims.ClaimInput(**_claim_form()))
    second = claims.submit_claim(
        session,
        organisation.id,
        claims.ClaimInput(**_claim_form(email="someone@example.org", name="Someone")),
    )
    admin = make_user(Role.ADMIN)
    claims.approve_claim(session, admin, first.id)

    with pytest.raises(Conflict):
        claims.approve_claim(session, admin, second.id)
    session.expire_all()
    assert session.get(Claim, second.id).status == "pending"
    assert not session.get(Claim, second.id).user.org_approved
    with pytest.raises(NotFound):
        claims.claimable(session, organisation.id)
