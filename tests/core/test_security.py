from __future__ import annotations

import re

import pytest

from config.settings import InsecureSettings
from marketplace import create_app
from tests.factories import make_user


def test_pages_carry_a_nonce_csp_and_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all(f'nonce="{nonce}"' in attrs for attrs in scripts)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/").headers["Content-Security-Policy"] != csp  # a new nonce each time


def test_session_cookie_is_httponly_and_lax(app, client):
    with app.app_context():
        user = make_user()
    response = client.post(
        "/sign-in", data={"email": user.email, "password": "correct horse battery staple"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_outside_development(monkeypatch):
    monkeypatch.setenv("APP_ENV", "staging")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(InsecureSettings):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SESSION_COOKIE_SECURE"]


def test_forms_without_a_csrf_token_are_refused(app, client):
    with app.app_context():
        user = make_user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/sign-in", data={"email": user.email, "password": "correct horse battery staple"}
        )
        assert response.status_code == 400
        assert "Your session expired or the form was out of date" in response.get_data(as_text=True)
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        response = client.post(
            "/sign-in",
            data={
                "email": user.email,
                "password": "correct horse battery staple",
                "csrf_token": token.group(1),
            },
        )
        assert response.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_unknown_pages_are_404_pages_and_json_for_the_api(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "path", ["/offers/99999999999", "/holders/99999999999", "/plans/99999999999"]
)
def test_ids_too_big_for_the_database_are_not_found(app_ctx, sign_in_as, path):
    # PostgreSQL would refuse such an id with an error; the URL must not even match.
    client = sign_in_as(make_user("officer"))
    assert client.get(path).status_code == 404
