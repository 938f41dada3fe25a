"""People around one budget holder in Leeds, and a second council for "someone else's" cases."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.mail.models import OutboxMessage
from marketplace.permissions import Role
from tests.factories import make_council, make_holder, make_user


@pytest.fixture
def world(session: Any) -> SimpleNamespace:
    leeds = make_council()
    bradford = make_council(
        code="E08000032", name="City of Bradford", districts=("BD1", "BD2", "LS6")
    )
    return SimpleNamespace(
        leeds=leeds,
        bradford=bradford,
        holder=make_holder(leeds, name="Ada Holder"),
        officer=make_user(Role.OFFICER, council=leeds, name="Olu Officer"),
        other_officer=make_user(Role.OFFICER, council=bradford),
        representative=make_user(Role.REPRESENTATIVE, name="Rita Rep"),
        broker=make_user(Role.BROKER, name="Bea Broker"),
    )


def audit_rows(session: Any, **where: Any) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(session.scalars(query))


def mail_to(session: Any, address: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    )


def count(session: Any, model: Any) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))
