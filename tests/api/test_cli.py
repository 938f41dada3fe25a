"""``flask create-token EMAIL``: prints a working token, once; refuses unknown or inactive accounts."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.accounts.models import ApiToken, User
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.factories import make_user


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["create-token", *args])


def test_create_token_prints_a_token_that_works(app, client):
    with app.app_context():
        user = make_user(Role.OFFICER, email="officer@example.com")
    result = _run(app, "Officer@Example.com", "--name", "Nightly report")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert re.fullmatch(r"pbm_[A-Za-z0-9_-]{43}", token)
    assert "Nightly report" in result.stderr
    with app.app_context():
        row = db.session.scalars(select(ApiToken)).one()
        assert (row.user_id, row.name, row.prefix) == (user.id, "Nightly report", token[:12])
        assert token not in row.token_hash
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["email"] == "officer@example.com"


def test_create_token_has_a_default_name(app):
    with app.app_context():
        make_user(Role.ADMIN, email="admin@example.com")
    assert _run(app, "admin@example.com").exit_code == 0
    with app.app_context():
        assert db.session.scalars(select(ApiToken.name)).one() == "Command line"


def test_create_token_refuses_an_unknown_or_inactive_account_or_a_bad_name(app):
    with app.app_context():
        make_user(Role.HOLDER, email="gone@example.com")
        db.session.scalars(select(User)).one().active = False
        db.session.commit()
        make_user(Role.HOLDER, email="here@example.com")
    for args in (
        ("nobody@example.com",),
        ("gone@example.com",),
        ("here@example.com", "--name", "  "),
        ("here@example.com", "--name", "x" * 81),
    ):
        result = _run(app, *args)
        assert result.exit_code == 2, args
        assert "pbm_" not in result.output
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).all() == []
