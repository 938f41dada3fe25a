from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.conftest import TEST_PASSWORD, link_in_mail, sign_in
from tests.factories import make_user


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _sign_up(client, role="holder", **overrides):
    data = {
        "name": "Ada Holder",
        "email": "Ada@Example.com",
        "password": TEST_PASSWORD,
        "confirm_password": TEST_PASSWORD,
    }
    data.update(overrides)
    return client.post(f"/sign-up/{role}", data=data)


def test_holder_signs_up_is_signed_in_and_is_sent_a_confirmation_link(app, client):
    response = _sign_up(client)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "ada@example.com"
        assert user.role == "holder"
        assert user.password_hash.startswith("$argon2id$")
        assert not user.email_confirmed
    assert "Your account" in client.get("/account").get_data(as_text=True)
    link = link_in_mail(app, "/account/confirm/")
    assert client.get(link).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User)).email_confirmed
    # The link is single-use.
    assert client.get(link).status_code == 400


def test_choosing_a_role_leads_to_its_sign_up_form(client):
    response = client.get("/sign-up?role=broker")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-up/broker")
    assert client.get("/sign-up?role=officer").status_code == 400


def test_officers_and_admins_cannot_sign_themselves_up(app, client):
    for role in ("officer", "admin", "provider_staff", "nonsense"):
        assert _sign_up(client, role=role).status_code == 404
    assert _count(app, User) == 0


def test_duplicate_email_is_refused_with_a_message_and_nothing_saved(app, client):
    with app.app_context():
        make_user(Role.BROKER, email="ada@example.com")
    response = _sign_up(client, email="ADA@example.com ")
    assert response.status_code == 400
    assert "An account with this email address already exists" in response.get_data(as_text=True)
    assert _count(app, User) == 1


def test_bad_sign_up_input_is_refused_field_by_field(app, client):
    cases = {
        "Enter your full name": {"name": ""},
        "Enter an email address in the correct format": {"email": "not-an-email"},
        "Password must be 10 characters or more": {
            "password": "short",
            "confirm_password": "short",
        },
        "The passwords do not match": {"confirm_password": "something else entirely"},
        "Name must be 120 characters or fewer": {"name": "x" * 121},
    }
    for message, overrides in cases.items():
        response = _sign_up(client, **overrides)
        assert response.status_code == 400, message
        page = response.get_data(as_text=True)
        assert "There is a problem" in page and message in page
    assert _count(app, User) == 0


def test_provider_sign_up_creates_an_unpublished_organisation_with_its_administrator(app, client):
    response = _sign_up(
        client,
        role="provider_admin",
        organisation_name="Aire Valley Care",
        organisation_kind="voluntary",
        base_postcode="ls6 2ab",
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        org = db.session.scalar(select(Organisation))
        assert user.role == Role.PROVIDER_ADMIN
        assert user.organisation_id == org.id and user.org_approved
        assert (org.name, org.kind, org.base_postcode, org.base_district) == (
            "Aire Valley Care",
            "voluntary",
            "LS6 2AB",
            "LS6",
        )
        assert org.status == "draft"


def test_provider_sign_up_with_an_unknown_postcode_saves_nothing(app, client):
    response = _sign_up(
        client,
        role="provider_admin",
        organisation_name="Nowhere Care",
        organisation_kind="private",
        base_postcode="ZZ99 9ZZ",
    )
    assert response.status_code == 400
    assert "We do not know the postcode district ZZ99" in response.get_data(as_text=True)
    assert _count(app, User) == 0 and _count(app, Organisation) == 0


def test_sign_in_with_wrong_password_gives_one_message_for_both_fields(app, client):
    with app.app_context():
        user = make_user()
    response = sign_in(client, user.email, "wrong password here")
    assert response.status_code == 400
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    response = sign_in(client, "nobody@example.com", "wrong password here")
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "elsewhere",
    ["//evil.example/x", "/\\evil.example/x", "https://evil.example/x", "evil.example"],
)
def test_sign_in_follows_only_same_site_next_links(app, client, elsewhere):
    with app.app_context():
        user = make_user()
    response = client.post(
        "/sign-in",
        query_string={"next": elsewhere},
        data={"email": user.email, "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/my-support"  # a holder's own starting page
    client.post("/sign-out", data={})
    response = client.post(
        "/sign-in?next=/browse", data={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/browse"


def test_deactivated_user_cannot_sign_in(app, client):
    with app.app_context():
        user = make_user(active=False)
    assert sign_in(client, user.email).status_code == 400


def test_sign_in_is_throttled_with_a_clear_message(app, client):
    with app.app_context():
        user = make_user()
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [sign_in(client, user.email, "wrong password 1").status_code for _ in range(3)]
        assert statuses == [400, 400, 400]
        response = sign_in(client, user.email)
        assert response.status_code == 429
        assert "Too many attempts" in response.get_data(as_text=True)
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute;50 per hour"


def test_sign_out_needs_a_post(app, client, sign_in_as):
    with app.app_context():
        user = make_user()
    sign_in_as(user)
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 302
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("holder", "/my-support"),
        ("representative", "/caseload"),
        ("broker", "/caseload"),
        ("officer", "/council/plans"),
        ("pa", "/account"),
        ("provider_admin", "/account"),
        ("admin", "/account"),
    ],
)
def test_each_role_starts_on_the_page_with_its_work(app, client, role, landing):
    with app.app_context():
        user = make_user(role)
    response = sign_in(client, user.email)
    assert response.headers["Location"] == landing
    assert client.get(landing, follow_redirects=True).status_code == 200
