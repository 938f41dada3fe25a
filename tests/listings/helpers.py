"""Form data and small helpers shared by the listings and moderation tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import func, select

from marketplace.moderation.models import ListingVersion


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def date_parts(day: date | None) -> list[str]:
    """A date as the three inputs of a GOV.UK date field post it."""
    return [str(day.day), str(day.month), str(day.year)] if day else ["", "", ""]


def offer_form(**overrides: Any) -> dict[str, Any]:
    """A valid offer form, as a browser would post it."""
    data: dict[str, Any] = {
        "title": "Gardening club",
        "description": "A weekly gardening group with tea.",
        "category": "gardening",
        "age_groups": ["26-64", "65+"],
        "needs": ["learning"],
        "price": "12.50",
        "price_unit": "session",
        "direct_percent": "77",
        "coordination_percent": "13.5",
        "overheads_percent": "9.5",
        "deployments": ["dp", "managed"],
        "delivery": ["venue"],
        "venue_address": "Community garden, 1 Park Lane, Leeds",
        "venue_postcode": "ls6 2ab",
        "days": ["mon", "thu"],
        "time_bands": ["morning"],
        "capacity": "12",
        "vacancies": "3",
        "accessibility": ["step-free"],
        "languages": ["en"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def pa_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": "Sam P",
        "employment": "self_employed",
        "hourly_rate": "16.50",
        "sleep_in_rate": "",
        "waking_night_rate": "120",
        "bio": "Ten years supporting people at home.",
        "experience_years": "10",
        "skills": ["personal-care", "driving"],
        "languages": ["en", "pl"],
        "gender": "female",
        "availability": ["mon:morning", "sat:sleep_in"],
        "home_postcode": "LS6 2AB",
        "travel_km": "15",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def check_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "enhanced_dbs",
        "title": "",
        "reference": "001234567890",
        "issued_on": ["3", "2", "2024"],
        "expires_on": ["3", "2", "2027"],
    }
    data.update(overrides)
    return data


def organisation_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Helping Hands Leeds",
        "kind": "private",
        "description": "Home care across north Leeds.",
        "email": "office@helpinghands.example",
        "phone": "0113 496 0000",
        "website": "https://helpinghands.example",
        "base_postcode": "LS6 2AB",
        "service_councils": [],
        "service_districts": "LS6, ls7",
        "regulator": "cqc",
        "regulator_id": "1-123456789",
        "rating": "good",
        "last_inspected_on": ["12", "5", "2023"],
    }
    data.update(overrides)
    return data


def version_count(session: Any) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ListingVersion))


class PersonClient(FlaskClient):
    """A test client for one person among several in a test.

    Tests that hold an app context open (the ``session`` fixture) share Flask's ``g`` with every
    request, and Flask-Login caches the signed-in user there: forget it before each request.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def client_for(app: Any, user: Any = None, password: str | None = None) -> Any:
    """A separate test client signed in as user (or nobody), so one test can act as several people."""
    from tests.conftest import sign_in

    client = PersonClient(app, app.response_class, use_cookies=True)
    if user is None:
        return client
    response = sign_in(client, user.email, *([password] if password else []))
    assert response.status_code == 302, response.data[:500]
    return client


def leeds_and_edinburgh() -> tuple[Any, Any]:
    """Two councils far apart: listings in Leeds are outside Edinburgh's area."""
    from tests.factories import make_council

    leeds = make_council()
    edinburgh = make_council(
        code="S12000036",
        name="City of Edinburgh Council",
        nation="Scotland",
        districts=("EH1", "EH2"),
    )
    return leeds, edinburgh
