"""Races the database settles: many people inviting brokers for one holder at once leave exactly
one open link; a broker accepting twice at once is accepted once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.holders import links
from marketplace.holders.models import BrokerLink
from marketplace.permissions import Role
from tests.factories import link_broker, make_council, make_holder, make_user
from tests.racing import race


def test_inviting_many_brokers_at_once_leaves_one_invitation(app):
    with app.app_context():
        holder = make_holder(make_council())
        emails = [make_user(Role.BROKER).email for _ in range(6)]
        holder_id = holder.id

    def invite(email: str) -> Callable[[Session], Any]:
        def call(session: Session) -> Any:
            actor = session.get(User, holder_id)
            return links.invite_broker(session, actor, holder_id, email=email)

        return call

    outcomes = race(app, [invite(email) for email in emails])
    assert outcomes == ["conflict"] * 5 + ["ok"]
    with app.app_context():
        open_links = db.session.scalar(
            select(func.count()).select_from(BrokerLink).where(BrokerLink.status == "invited")
        )
        assert open_links == 1


def test_accepting_at_once_twice_accepts_once(app):
    with app.app_context():
        holder = make_holder(make_council())
        broker = link_broker(holder, status="invited")
        link_id = db.session.scalar(select(BrokerLink.id))
        broker_id = broker.id

    def accept(session: Session) -> Any:
        return links.accept_invitation(session, session.get(User, broker_id), link_id)

    assert race(app, [accept, accept, accept]) == ["conflict", "conflict", "ok"]
