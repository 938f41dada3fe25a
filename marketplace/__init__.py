"""The marketplace's application factory."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.routing import IntegerConverter, Map

from config.settings import ROOT, Settings
from marketplace.extensions import MAX_ID, csrf, db, limiter, login_manager, migrate


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    settings = Settings()
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static" / "build"),
        static_url_path="/assets",
        template_folder=str(ROOT / "templates"),
        instance_path=str(Path(settings.MAIL_DIR).parent),
    )
    app.config.from_mapping(settings.as_flask_config())
    if overrides:
        app.config.update(overrides)
    if app.config["APP_ENV"] == "production":
        settings.SECRET_KEY = app.config["SECRET_KEY"]
        settings.check()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Writers wait for each other instead of failing at once with "database is locked".
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    # Ids in URLs fit the database's integer columns: /plans/99999999999 is a 404, not an
    # out-of-range error from PostgreSQL.
    app.url_map.converters["int"] = _DatabaseId
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    _init_extensions(app)
    _register_blueprints(app)
    _register_security_headers(app)

    from marketplace import templating
    from marketplace.cli import register_cli
    from marketplace.errors import register_error_handlers

    templating.init_app(app)
    register_error_handlers(app)
    register_cli(app)
    return app


class _DatabaseId(IntegerConverter):
    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _init_extensions(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from marketplace import models  # noqa: F401  (every model registered before use)
    from marketplace.mail.services import init_app as mail_init_app
    from marketplace.mail.services import mailer_from_config
    from marketplace.search.indexing import backend_from_config as search_backend_from_config
    from marketplace.search.indexing import init_app as search_init_app

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    WTFormsHelpers(app)
    app.extensions["mailer"] = mailer_from_config(app.config)
    mail_init_app(app)
    app.extensions["search"] = search_backend_from_config(app.config)
    search_init_app(app)

    @login_manager.user_loader
    def load_user(user_id: str) -> Any:
        from marketplace.accounts.models import User

        ident = user_id.partition(".")[0]
        if not ident.isdigit():
            return None
        user = db.session.get(User, int(ident))
        if user is None or user.get_id() != user_id:
            return None  # the password changed since this session signed in
        return user


def _register_blueprints(app: Flask) -> None:
    from marketplace.accounts.views import bp as accounts
    from marketplace.admin.views import bp as admin
    from marketplace.api.token_views import bp as api_tokens
    from marketplace.api.views import bp as api
    from marketplace.bookings.statement_views import bp as statements
    from marketplace.bookings.views import bp as bookings
    from marketplace.budgets.views import bp as budgets
    from marketplace.directory.views import bp as directory
    from marketplace.holders.views import bp as holders
    from marketplace.listings.views import bp as listings
    from marketplace.main.views import bp as main
    from marketplace.messages.views import bp as messages
    from marketplace.moderation.views import bp as moderation
    from marketplace.needs.views import bp as needs
    from marketplace.notifications.views import bp as notifications
    from marketplace.packages.builder_views import bp as builder
    from marketplace.packages.summary_views import bp as package_summary
    from marketplace.plans.views import bp as plans
    from marketplace.quotes.views import bp as quotes
    from marketplace.reviews.views import bp as reviews
    from marketplace.search.views import bp as search

    for blueprint in (
        main,
        accounts,
        directory,
        listings,
        moderation,
        admin,
        search,
        holders,
        budgets,
        plans,
        builder,
        package_summary,
        needs,
        quotes,
        bookings,
        statements,
        reviews,
        messages,
        notifications,
        api,
        api_tokens,
    ):
        app.register_blueprint(blueprint)


def _register_security_headers(app: Flask) -> None:
    @app.before_request
    def make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def security_headers(response: Any) -> Any:
        nonce = getattr(g, "csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.path.startswith("/account") or request.method == "POST":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
