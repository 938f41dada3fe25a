"""A client that calls the API with a personal token, and the people around one budget holder."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.api.tokens import create_token
from marketplace.audit.models import AuditEvent
from marketplace.extensions import db
from marketplace.permissions import Role
from marketplace.plans.models import PlanLine
from tests.factories import (
    link_broker,
    link_representative,
    make_budget,
    make_council,
    make_holder,
    make_offer,
    make_organisation,
    make_plan,
    make_user,
)


@dataclass
class ApiClient:
    """Sends ``Authorization: Bearer <token>`` with every request."""

    client: FlaskClient
    token: str

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self._call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self._call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self._call("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self._call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self._call("DELETE", path, **kwargs)


@pytest.fixture
def api_as(app: Flask) -> Any:
    """api_as(user) -> an ApiClient holding a new token of that user's."""

    def _client(user: User) -> ApiClient:
        with app.app_context():
            _row, token = create_token(db.session, db.session.get(User, user.id), "Tests")
        return ApiClient(app.test_client(), token)

    return _client


@pytest.fixture
def people(app: Flask) -> SimpleNamespace:
    """A holder of Leeds with a representative, an active broker and a Leeds officer; and, for
    404s, someone of every role who has no business with that holder."""
    with app.app_context():
        leeds = make_council()
        bradford = make_council(code="E08000032", name="Bradford Council", districts=("BD1",))
        holder = make_holder(leeds)
        invited_broker = make_user(Role.BROKER)
        link_broker(holder, invited_broker, status="invited")
        return SimpleNamespace(
            leeds=leeds,
            bradford=bradford,
            holder=holder,
            representative=link_representative(holder),
            broker=link_broker(holder),
            officer=make_user(Role.OFFICER, council=leeds),
            outsiders={
                "another holder": make_holder(leeds),
                "unlinked representative": make_user(Role.REPRESENTATIVE),
                "invited broker": invited_broker,
                "officer of another council": make_user(Role.OFFICER, council=bradford),
                "admin": make_user(Role.ADMIN),
                "provider": make_user(Role.PROVIDER_ADMIN),
                "personal assistant": make_user(Role.PA),
            },
        )


LEEDS = ("LS1", "LS2", "LS6", "LS7", "LS8", "LS17")


@pytest.fixture
def package(app: Flask, people: SimpleNamespace) -> SimpleNamespace:
    """A draft with a direct-payment line for home care at £22.50 an hour, 6 hours a week (its
    budget also has a council-managed stream), a cheaper offer of the same kind serving Leeds,
    and a council-run offer."""
    with app.app_context():
        budget = make_budget(people.holder, people.leeds, set_by=people.officer)
        plan = make_plan(people.holder, council=people.leeds, budget_id=budget.id)
        dp, managed = budget.streams
        own = make_offer(make_organisation(base_district="LS8", service_districts=list(LEEDS)))
        cheaper = make_offer(
            make_organisation(base_district="LS8", service_districts=list(LEEDS)), price_pence=1900
        )
        council_run = make_offer(
            make_organisation(kind="council_run", base_district="LS8", service_districts=["LS6"])
        )
        line = PlanLine(
            plan_id=plan.id,
            kind="offer",
            offer_id=own.id,
            description="Home care",
            frequency="week",
            quantity_hundredths=600,
            unit="hours",
            unit_price_pence=own.price_pence,
            stream_id=dp.id,
            start_on=plan.year_start,
            position=0,
        )
        db.session.add(line)
        db.session.commit()
        return SimpleNamespace(
            plan_id=plan.id,
            line_id=line.id,
            dp_id=dp.id,
            managed_id=managed.id,
            cheaper_id=cheaper.id,
            council_run_id=council_run.id,
            outcome_id=plan.outcomes[0].id,
        )


def audit_rows(app: Flask, **where: Any) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).filter_by(**where).order_by(AuditEvent.id)
        return list(db.session.scalars(query))


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0
