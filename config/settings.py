"""Settings read from the environment, with safe local defaults.

Every setting can be overridden by an environment variable of the same name. The defaults run
the site locally with no server to install (SQLite and the search index under ``instance/``);
production (``APP_ENV=production``) refuses to start with the default secret key.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", ROOT / "instance"))
DEFAULT_SECRET_KEY = "dev-only-not-secret-change-me"


class InsecureSettings(RuntimeError):
    """Raised at start-up when production settings would be unsafe."""


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else int(raw)


@dataclass
class Settings:
    APP_ENV: str = field(default_factory=lambda: _env("APP_ENV", "development"))
    SECRET_KEY: str = field(default_factory=lambda: _env("SECRET_KEY", DEFAULT_SECRET_KEY))
    SQLALCHEMY_DATABASE_URI: str = field(
        default_factory=lambda: _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'marketplace.db'}")
    )
    INDEX_DIR: str = field(default_factory=lambda: _env("INDEX_DIR", str(INSTANCE_DIR / "index")))
    SITE_URL: str = field(default_factory=lambda: _env("SITE_URL", "http://127.0.0.1:5000"))
    SITE_NAME: str = "Find and arrange care and support"

    # Mail: the local default writes .eml files; set MAIL_BACKEND=smtp for a real server.
    MAIL_BACKEND: str = field(default_factory=lambda: _env("MAIL_BACKEND", "file"))
    MAIL_DIR: str = field(default_factory=lambda: _env("MAIL_DIR", str(INSTANCE_DIR / "mail")))
    MAIL_FROM: str = field(
        default_factory=lambda: _env("MAIL_FROM", "Care marketplace <no-reply@localhost>")
    )
    MAIL_SERVER: str = field(default_factory=lambda: _env("MAIL_SERVER", "localhost"))
    MAIL_PORT: int = field(default_factory=lambda: _env_int("MAIL_PORT", 25))
    MAIL_USERNAME: str = field(default_factory=lambda: _env("MAIL_USERNAME", ""))
    MAIL_PASSWORD: str = field(default_factory=lambda: _env("MAIL_PASSWORD", ""))
    MAIL_USE_TLS: bool = field(default_factory=lambda: _env_bool("MAIL_USE_TLS", False))

    # Sign-in throttling (Flask-Limiter syntax); storage is in memory locally, Redis at scale.
    LOGIN_RATE_LIMIT: str = field(
        default_factory=lambda: _env("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    )
    RATELIMIT_STORAGE_URI: str = field(
        default_factory=lambda: _env("RATELIMIT_STORAGE_URI", "memory://")
    )
    RATELIMIT_ENABLED: bool = field(default_factory=lambda: _env_bool("RATELIMIT_ENABLED", True))

    # Lifetimes of single-use links, in hours.
    RESET_LINK_HOURS: int = field(default_factory=lambda: _env_int("RESET_LINK_HOURS", 2))
    CONFIRM_LINK_HOURS: int = field(default_factory=lambda: _env_int("CONFIRM_LINK_HOURS", 72))
    INVITE_LINK_HOURS: int = field(default_factory=lambda: _env_int("INVITE_LINK_HOURS", 168))

    # Need adverts: the lowest hourly pay a holder may offer a PA (the National Living Wage for
    # workers aged 21 and over from 1 April 2026, £12.71) and the highest that is not a typo.
    MINIMUM_HOURLY_WAGE_PENCE: int = field(
        default_factory=lambda: _env_int("MINIMUM_HOURLY_WAGE_PENCE", 1271)
    )
    MAXIMUM_HOURLY_RATE_PENCE: int = field(
        default_factory=lambda: _env_int("MAXIMUM_HOURLY_RATE_PENCE", 10000)
    )

    # Days a quote waits for the other side's answer before it expires (each answer restarts it).
    QUOTE_EXPIRY_DAYS: int = field(default_factory=lambda: _env_int("QUOTE_EXPIRY_DAYS", 14))
    # Days after a provider marks a session delivered before it counts as confirmed (and its
    # price spent) if the holder's side neither confirms nor disputes it.
    BOOKING_CONFIRM_DAYS: int = field(default_factory=lambda: _env_int("BOOKING_CONFIRM_DAYS", 7))
    # Days after the first review of a booking is written before it is shown even though the
    # other side has not written theirs (each side's review is hidden until both have written).
    REVIEW_BLIND_DAYS: int = field(default_factory=lambda: _env_int("REVIEW_BLIND_DAYS", 14))
    # How far (in basis points of the stream's total) spending may run ahead of the year, or
    # spent + booked fall short of the total, before a stream's forecast warns: 1000 = 10%.
    FORECAST_TOLERANCE_BP: int = field(
        default_factory=lambda: _env_int("FORECAST_TOLERANCE_BP", 1000)
    )

    PAGE_SIZE: int = field(default_factory=lambda: _env_int("PAGE_SIZE", 20))
    # Seconds a request waits for another process's search index update before leaving its own
    # update queued (it is applied by the next update or `flask search-sync`).
    SEARCH_SYNC_WAIT: float = field(
        default_factory=lambda: float(os.environ.get("SEARCH_SYNC_WAIT", "3"))
    )

    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    SQLALCHEMY_TRACK_MODIFICATIONS: bool = False
    WTF_CSRF_TIME_LIMIT: int | None = None  # tied to the session instead of a clock

    @property
    def is_production(self) -> bool:
        return self.APP_ENV == "production"

    def as_flask_config(self) -> dict[str, Any]:
        config = asdict(self)
        secure = self.APP_ENV not in {"development", "test"}
        config["SESSION_COOKIE_SECURE"] = _env_bool("SESSION_COOKIE_SECURE", secure)
        config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
        return config

    def check(self) -> None:
        """Refuse settings that would be unsafe in production."""
        if self.is_production and self.SECRET_KEY == DEFAULT_SECRET_KEY:
            raise InsecureSettings(
                "SECRET_KEY is the local default. Set SECRET_KEY to a long random value "
                "before running with APP_ENV=production."
            )
        if self.is_production and len(self.SECRET_KEY) < 32:
            raise InsecureSettings("SECRET_KEY must be at least 32 characters in production.")
