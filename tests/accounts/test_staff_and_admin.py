from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import Invitation, User
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.conftest import TEST_PASSWORD, link_in_mail
from tests.factories import make_council, make_user


def test_provider_admin_invites_staff_who_join_the_organisation(app, client, sign_in_as):
    with app.app_context():
        admin = make_user(Role.PROVIDER_ADMIN)
    sign_in_as(admin)
    response = client.post("/organisation/staff", data={"email": "New.Starter@example.org"})
    assert response.status_code == 302
    link = link_in_mail(app, "/invitations/")
    client.post("/sign-out")
    invitee = app.test_client()
    assert invitee.get(link).status_code == 200
    response = invitee.post(
        link,
        data={"name": "New Starter", "password": TEST_PASSWORD, "confirm_password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    with app.app_context():
        staff = db.session.scalar(select(User).where(User.email == "new.starter@example.org"))
        assert staff.role == Role.PROVIDER_STAFF
        assert staff.organisation_id == admin.organisation_id
        assert staff.email_confirmed
    # The invitation is single-use.
    assert app.test_client().get(link).status_code == 400


def test_inviting_someone_who_already_has_an_account_is_refused(app, client, sign_in_as):
    with app.app_context():
        admin = make_user(Role.PROVIDER_ADMIN)
        other = make_user(Role.HOLDER)
    sign_in_as(admin)
    response = client.post("/organisation/staff", data={"email": other.email})
    assert response.status_code == 400
    assert "already has an account" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_only_provider_admins_reach_the_staff_page(app, client, sign_in_as):
    with app.app_context():
        staff = make_user(Role.PROVIDER_STAFF)
    sign_in_as(staff)
    assert client.get("/organisation/staff").status_code == 404
    assert client.post("/organisation/staff", data={"email": "x@example.org"}).status_code == 404


def test_an_unapproved_claimant_cannot_invite_staff(app, client, sign_in_as):
    with app.app_context():
        claimant = make_user(Role.PROVIDER_ADMIN, org_approved=False)
    sign_in_as(claimant)
    assert client.get("/organisation/staff").status_code == 404


def test_admin_creates_an_officer_for_a_council(app, client, sign_in_as):
    with app.app_context():
        admin = make_user(Role.ADMIN)
        council = make_council()
    sign_in_as(admin)
    data = {
        "name": "Olive Officer",
        "email": "olive@leeds.example",
        "role": "officer",
        "council": council.code,
        "password": TEST_PASSWORD,
    }
    assert client.post("/admin/users/new", data=data).status_code == 302
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "olive@leeds.example"))
        assert officer.role == Role.OFFICER and officer.council_id == council.id
    assert "olive@leeds.example" in client.get("/admin/users?role=officer").get_data(as_text=True)


def test_an_officer_without_a_council_is_refused(app, client, sign_in_as):
    with app.app_context():
        admin = make_user(Role.ADMIN)
    sign_in_as(admin)
    data = {
        "name": "Olive Officer",
        "email": "olive@leeds.example",
        "role": "officer",
        "council": "",
        "password": TEST_PASSWORD,
    }
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 400
    assert "Select the council the officer works for" in response.get_data(as_text=True)


def test_non_admins_cannot_reach_user_management(app, client, sign_in_as):
    with app.app_context():
        officer = make_user(Role.OFFICER)
    sign_in_as(officer)
    assert client.get("/admin/users").status_code == 404
    assert client.get("/admin/users/new").status_code == 404


def test_create_user_command_makes_an_officer(app):
    with app.app_context():
        council = make_council()
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "olive@leeds.example",
            "--name",
            "Olive Officer",
            "--role",
            "officer",
            "--council",
            council.code,
            "--password",
            TEST_PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created officer olive@leeds.example" in result.output
    bad = runner.invoke(
        args=[
            "create-user",
            "x@leeds.example",
            "--name",
            "X",
            "--role",
            "officer",
            "--council",
            "NOPE",
            "--password",
            TEST_PASSWORD,
        ]
    )
    assert bad.exit_code == 2
    assert "Select the council" in bad.output
