from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from marketplace.accounts.models import AccountToken, User
from marketplace.accounts.passwords import verify_password
from marketplace.clock import utcnow
from marketplace.extensions import db
from tests.conftest import TEST_PASSWORD, link_in_mail, sent_mail, sign_in
from tests.factories import make_user

NEW_PASSWORD = "a brand new long password"


def _reset_link(app, client, email):
    response = client.post("/account/forgotten-password", data={"email": email})
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    return link_in_mail(app, "/account/reset/")


def test_password_reset_link_works_once(app, client):
    with app.app_context():
        user = make_user(confirmed=False)
    link = _reset_link(app, client, user.email.upper())
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        refreshed = db.session.get(User, user.id)
        assert verify_password(refreshed.password_hash, NEW_PASSWORD)
        assert refreshed.email_confirmed  # the link proved the mailbox
    assert sign_in(client, user.email, TEST_PASSWORD).status_code == 400
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302
    # Used once: the same link is refused, on GET and on POST.
    assert client.get(link).status_code == 400
    response = client.post(
        link, data={"password": "another password 123", "confirm_password": "another password 123"}
    )
    assert response.status_code == 400
    assert "expired or has already been used" in response.get_data(as_text=True)


def test_expired_reset_link_is_refused(app, client):
    with app.app_context():
        user = make_user()
    link = _reset_link(app, client, user.email)
    with app.app_context():
        db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 400
    with app.app_context():
        assert verify_password(db.session.get(User, user.id).password_hash, TEST_PASSWORD)


def test_reset_for_an_unknown_email_says_the_same_and_sends_nothing(app, client):
    response = client.post("/account/forgotten-password", data={"email": "nobody@example.com"})
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    assert not any("nobody@example.com" in m for m in sent_mail(app))


def test_reset_with_a_weak_password_keeps_the_link_usable(app, client):
    with app.app_context():
        user = make_user()
    link = _reset_link(app, client, user.email)
    response = client.post(link, data={"password": "short", "confirm_password": "short"})
    assert response.status_code == 400
    assert client.get(link).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(AccountToken.used_at)) is None


def test_a_new_password_kills_older_reset_links_and_other_sessions(app):
    with app.app_context():
        user = make_user()
    first, second = app.test_client(), app.test_client()
    assert sign_in(first, user.email).status_code == 302
    assert sign_in(second, user.email).status_code == 302
    old_link = _reset_link(app, app.test_client(), user.email)
    response = first.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert first.get("/account").status_code == 200  # this session stays signed in
    assert second.get("/account").status_code == 302  # the other one is signed out
    assert app.test_client().get(old_link).status_code == 400


def test_change_password_needs_the_current_one(app, client, sign_in_as):
    with app.app_context():
        user = make_user()
    sign_in_as(user)
    response = client.post(
        "/account/password",
        data={
            "current_password": "not my password",
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "Your current password is not correct" in response.get_data(as_text=True)


def test_resending_the_confirmation_link(app, client, sign_in_as):
    with app.app_context():
        user = make_user(confirmed=False)
    sign_in_as(user)
    assert client.post("/account/confirm/resend").status_code == 302
    link = link_in_mail(app, "/account/confirm/")
    assert client.get(link).status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).email_confirmed
