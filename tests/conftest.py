"""Shared fixtures. The database is SQLite by default, PostgreSQL when DATABASE_URL says so.

Each test starts with empty tables (rows are deleted after every test), so tests that need real
commits — concurrency, the live server of the browser tests — behave like the others.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from marketplace import create_app
from marketplace.extensions import db, empty_all_tables, limiter

TEST_PASSWORD = "correct horse battery staple"


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "APP_ENV": "test",
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "MAIL_DIR": str(instance / "mail"),
            "INDEX_DIR": str(instance / "index"),
            "WTF_CSRF_ENABLED": False,
            "SITE_URL": "http://localhost",
        }
    )
    from marketplace.mail.backends import FileMailer

    app.extensions["mailer"] = FileMailer(instance / "mail")
    # Objects built by factories stay readable after their app context ends; each request
    # still loads fresh rows in its own session.
    with app.app_context():
        db.session.configure(expire_on_commit=False)
        # The schema comes from the migrations, so every run tests them on this database.
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(app: Flask) -> Iterator[None]:
    yield
    with app.app_context():
        empty_all_tables()
        limiter.reset()
        # The index follows the tables: empty it too (cheap when nothing was indexed).
        search = app.extensions["search"]
        if getattr(search, "is_open", True):
            leftover = search.keys()
            if leftover:
                search.remove(leftover)


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


@pytest.fixture
def session(app_ctx: Flask) -> Any:
    """The app's SQLAlchemy session, inside an app context."""
    return db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def sign_in(client: FlaskClient, email: str, password: str = TEST_PASSWORD) -> Any:
    return client.post(
        "/sign-in", data={"email": email, "password": password}, follow_redirects=False
    )


@pytest.fixture
def sign_in_as(client: FlaskClient) -> Any:
    """sign_in_as(user) signs the shared test client in as that user."""

    def _sign_in(user: Any) -> FlaskClient:
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.data[:500]
        return client

    return _sign_in


@pytest.fixture
def mail_dir(app: Flask) -> Path:
    return Path(app.config["MAIL_DIR"])


def sent_mail(app: Flask) -> list[str]:
    """Every .eml message written so far, oldest first."""
    folder = Path(app.extensions["mailer"].directory)
    if not folder.exists():
        return []
    return [p.read_text() for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)]


def link_in_mail(app: Flask, path_prefix: str) -> str:
    """The newest link in the outbox whose path starts with path_prefix."""
    import quopri

    for message in reversed(sent_mail(app)):
        text = quopri.decodestring(message.encode()).decode(errors="replace")
        found = re.findall(rf"https?://[^/\s]+({re.escape(path_prefix)}[^\s]*)", text)
        if found:
            return found[-1]
    raise AssertionError(f"no mail with a link to {path_prefix}")


@contextmanager
def statements_run() -> Iterator[list[str]]:
    """The SQL statements the database is sent inside the block, in order."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
