"""Personal API tokens: made on the account page, shown once, kept as a hash, revocable."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from marketplace.accounts.models import ApiToken, User
from marketplace.api.tokens import LAST_USED_RESOLUTION
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.api.conftest import count
from tests.factories import make_user

TOKEN = re.compile(r"pbm_[A-Za-z0-9_-]{43}")


def _create(client, name="Nightly export"):
    response = client.post("/account/api-tokens", data={"name": name})
    assert response.status_code == 200, response.data[:300]
    return TOKEN.search(response.get_data(as_text=True)).group(0)


def _tokens(app):
    with app.app_context():
        return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def test_account_page_links_to_the_token_page(app, sign_in_as):
    with app.app_context():
        user = make_user(Role.PROVIDER_ADMIN)
    client = sign_in_as(user)
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/api-tokens"' in page
    assert client.get("/account/api-tokens").status_code == 200


def test_a_new_token_is_shown_once_and_only_its_hash_and_prefix_are_kept(app, sign_in_as):
    with app.app_context():
        user = make_user(Role.HOLDER)
    client = sign_in_as(user)
    token = _create(client)

    [row] = _tokens(app)
    assert row.user_id == user.id
    assert row.name == "Nightly export"
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.prefix == token[:12]
    assert token not in {row.token_hash, row.prefix, row.name}
    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert "Nightly export" in listing
    assert row.prefix in listing
    assert token not in listing
    assert "Not used yet" in listing


def test_the_page_that_shows_a_token_is_not_cached(app, sign_in_as):
    with app.app_context():
        user = make_user(Role.BROKER)
    response = sign_in_as(user).post("/account/api-tokens", data={"name": "Caseload sync"})
    assert response.headers["Cache-Control"] == "no-store"


def test_a_token_signs_its_owner_in_to_the_api_and_records_when_it_was_used(app, sign_in_as):
    with app.app_context():
        user = make_user(Role.REPRESENTATIVE)
    token = _create(sign_in_as(user))
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == user.email
    assert body["role"] == "representative"
    assert "act_for_holders" in body["permissions"]
    [row] = _tokens(app)
    assert row.last_used_at is not None


def test_last_use_is_written_at_most_every_few_minutes(app, api_as):
    with app.app_context():
        user = make_user(Role.HOLDER)
    api = api_as(user)
    assert api.get("/api/v1/me").status_code == 200
    [row] = _tokens(app)
    first = row.last_used_at
    assert api.get("/api/v1/me").status_code == 200
    assert _tokens(app)[0].last_used_at == first
    with app.app_context():
        db.session.get(ApiToken, row.id).last_used_at = utcnow() - 2 * LAST_USED_RESOLUTION
        db.session.commit()
    assert api.get("/api/v1/me").status_code == 200
    assert _tokens(app)[0].last_used_at > first - 2 * LAST_USED_RESOLUTION


def _assert_unauthorised(response):
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorised"
    assert "Bearer" in response.get_json()["error"]["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(app, sign_in_as):
    with app.app_context():
        user = make_user(Role.HOLDER)
    client = sign_in_as(user)
    token = _create(client)
    [row] = _tokens(app)
    response = client.post(f"/account/api-tokens/{row.id}/revoke")
    assert response.status_code == 302
    assert "is revoked" in client.get("/account/api-tokens").get_data(as_text=True)
    assert _tokens(app)[0].revoked_at is not None
    assert "Nightly export" not in client.get("/account/api-tokens").get_data(as_text=True)
    _assert_unauthorised(
        app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    )
    # Revoking twice finds nothing to revoke.
    assert client.post(f"/account/api-tokens/{row.id}/revoke").status_code == 404


def test_requests_without_a_working_token_are_refused(app, api_as):
    with app.app_context():
        user = make_user(Role.HOLDER)
    api = api_as(user)
    plain = app.test_client()
    _assert_unauthorised(plain.get("/api/v1/me"))
    _assert_unauthorised(plain.get("/api/v1/budgets"))
    for header in (
        "Bearer pbm_not-a-real-token",
        "Bearer " + api.token[4:],  # without its prefix
        "Bearer " + api.token + "x",
        "Basic " + api.token,
        api.token,
        "Bearer",
    ):
        _assert_unauthorised(plain.get("/api/v1/me", headers={"Authorization": header}))
    assert (
        plain.get("/api/v1/me", headers={"Authorization": f"bearer {api.token}"}).status_code == 200
    )


def test_a_token_of_an_inactive_account_is_refused(app, api_as):
    with app.app_context():
        user = make_user(Role.OFFICER)
    api = api_as(user)
    assert api.get("/api/v1/me").status_code == 200
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    _assert_unauthorised(api.get("/api/v1/me"))


def test_the_session_cookie_does_not_sign_in_to_the_api(app, sign_in_as):
    with app.app_context():
        user = make_user(Role.HOLDER)
    client = sign_in_as(user)
    assert client.get("/account").status_code == 200
    _assert_unauthorised(client.get("/api/v1/me"))
    _assert_unauthorised(client.get("/api/v1/budgets"))
    _assert_unauthorised(client.post("/api/v1/plans", json={"holder_id": user.id}))


def test_a_token_needs_a_short_name(app, sign_in_as):
    with app.app_context():
        user = make_user(Role.HOLDER)
    client = sign_in_as(user)
    for name in ("", "   ", "x" * 81):
        response = client.post("/account/api-tokens", data={"name": name})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "govuk-error-summary" in page
        assert "name" in page.lower()
        assert not TOKEN.search(page)
    assert count(app, ApiToken) == 0


def test_nobody_can_revoke_someone_elses_token(app, sign_in_as, api_as):
    with app.app_context():
        owner = make_user(Role.HOLDER)
        other = make_user(Role.HOLDER)
    api = api_as(owner)
    [row] = _tokens(app)
    response = sign_in_as(other).post(f"/account/api-tokens/{row.id}/revoke")
    assert response.status_code == 404
    assert api.get("/api/v1/me").status_code == 200
    assert other.name not in sign_in_as(other).get("/account/api-tokens").get_data(as_text=True)


def test_token_pages_ask_visitors_to_sign_in(client):
    for response in (
        client.get("/account/api-tokens"),
        client.post("/account/api-tokens", data={"name": "x"}),
        client.post("/account/api-tokens/1/revoke"),
    ):
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_token_forms_need_csrf_but_the_api_does_not(app, sign_in_as, api_as):
    with app.app_context():
        user = make_user(Role.HOLDER)
    client = sign_in_as(user)
    api = api_as(user)
    [row] = _tokens(app)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/account/api-tokens", data={"name": "x"}).status_code == 400
        assert client.post(f"/account/api-tokens/{row.id}/revoke").status_code == 400
        # The API is CSRF-exempt: it reads no cookie, only the token.
        response = api.post("/api/v1/plans", json={"holder_id": user.id})
        assert response.status_code == 201, response.get_json()
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert len(_tokens(app)) == 1
    assert _tokens(app)[0].revoked_at is None
