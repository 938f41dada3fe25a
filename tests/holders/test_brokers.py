"""Brokers: invited by the holder (accept or decline), assigned by an officer, one at a time,
ended by the holder or the officer; answering twice is a clear 409."""

from __future__ import annotations

import pytest

from marketplace.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from marketplace.holders import links, services
from marketplace.holders.access import care_access
from marketplace.holders.models import BrokerLink
from marketplace.permissions import Role
from tests.factories import link_representative, make_holder, make_user
from tests.holders.conftest import audit_rows, count, mail_to


def _invite(session, world, email=None, actor=None):
    return links.invite_broker(
        session, actor or world.holder, world.holder.id, email=email or world.broker.email
    )


def test_an_invited_broker_sees_nothing_until_they_accept(session, world):
    link = _invite(session, world)
    assert link.status == "invited"
    [mail] = mail_to(session, world.broker.email)
    assert "asked you to be their broker" in mail.subject and "/caseload" in mail.body
    with pytest.raises(NotFound):
        care_access(session, world.broker, world.holder.id)

    links.accept_invitation(session, world.broker, link.id)
    session.expire_all()
    stored = session.get(BrokerLink, link.id)
    assert stored.status == "active" and stored.accepted_at is not None
    assert care_access(session, world.broker, world.holder.id).relation == "broker"
    assert "accepted" in mail_to(session, world.holder.email)[-1].subject
    assert [r.action for r in audit_rows(session)] == ["invite", "accept"]


def test_accepting_twice_is_a_clear_conflict(session, world):
    link = _invite(session, world)
    links.accept_invitation(session, world.broker, link.id)
    with pytest.raises(Conflict) as error:
        links.accept_invitation(session, world.broker, link.id)
    assert error.value.status_code == 409
    assert "already accepted" in error.value.message


def test_a_withdrawn_invitation_cannot_be_accepted(session, world):
    link = _invite(session, world)
    links.end_broker_link(session, world.holder, world.holder.id, link.id)
    with pytest.raises(Conflict) as error:
        links.accept_invitation(session, world.broker, link.id)
    assert "withdrawn" in error.value.message
    assert session.get(BrokerLink, link.id).status == "ended"


def test_a_broker_declines_and_the_holder_is_told(session, world):
    link = _invite(session, world)
    links.decline_invitation(session, world.broker, link.id)
    assert session.get(BrokerLink, link.id).status == "declined"
    assert "declined" in mail_to(session, world.holder.email)[-1].subject
    with pytest.raises(Conflict):
        links.accept_invitation(session, world.broker, link.id)
    with pytest.raises(Conflict):
        links.end_broker_link(session, world.holder, world.holder.id, link.id)
    # Declined is closed: the holder may invite someone (or the same broker) again.
    assert _invite(session, world).status == "invited"


def test_someone_elses_invitation_is_not_found(session, world):
    link = _invite(session, world)
    another = make_user(Role.BROKER)
    with pytest.raises(NotFound):
        links.accept_invitation(session, another, link.id)
    with pytest.raises(NotFound):
        links.decline_invitation(session, another, link.id)
    assert session.get(BrokerLink, link.id).status == "invited"


def test_only_one_broker_at_a_time(session, world):
    link = _invite(session, world)
    second = make_user(Role.BROKER, name="Second Broker")
    with pytest.raises(Conflict) as error:
        _invite(session, world, second.email)
    assert "Withdraw that invitation" in error.value.message and error.value.field == "email"
    with pytest.raises(Conflict) as error:
        _invite(session, world)
    assert "already been invited" in error.value.message
    links.accept_invitation(session, world.broker, link.id)
    with pytest.raises(Conflict) as error:
        _invite(session, world, second.email)
    assert "End that link before" in error.value.message
    with pytest.raises(Conflict):
        links.assign_broker(session, world.officer, world.holder.id, email=second.email)
    assert count(session, BrokerLink) == 1


def test_the_holder_ends_the_link_and_the_broker_loses_access(session, world):
    link = _invite(session, world)
    links.accept_invitation(session, world.broker, link.id)
    links.end_broker_link(session, world.holder, world.holder.id, link.id)
    session.expire_all()
    stored = session.get(BrokerLink, link.id)
    assert (stored.status, stored.ended_by_id) == ("ended", world.holder.id)
    with pytest.raises(NotFound):
        care_access(session, world.broker, world.holder.id)
    assert "no longer" in mail_to(session, world.broker.email)[-1].subject
    with pytest.raises(Conflict):
        links.end_broker_link(session, world.holder, world.holder.id, link.id)


def test_an_officer_assigns_a_broker_who_is_active_at_once(session, world):
    link = links.assign_broker(session, world.officer, world.holder.id, email=world.broker.email)
    assert link.status == "active" and link.invited_by_id == world.officer.id
    assert care_access(session, world.broker, world.holder.id).relation == "broker"
    assert mail_to(session, world.broker.email) and mail_to(session, world.holder.email)
    [row] = audit_rows(session, action="assign")
    assert row.actor_id == world.officer.id
    links.end_broker_link(session, world.officer, world.holder.id, link.id)
    assert session.get(BrokerLink, link.id).status == "ended"


def test_only_an_officer_of_the_council_assigns(session, world):
    with pytest.raises(Forbidden):
        links.assign_broker(session, world.holder, world.holder.id, email=world.broker.email)
    with pytest.raises(NotFound):
        links.assign_broker(session, world.other_officer, world.holder.id, email=world.broker.email)


def test_officers_assign_rather_than_invite(session, world):
    with pytest.raises(Forbidden):
        _invite(session, world, actor=world.officer)


def test_the_broker_email_must_belong_to_a_broker_account(session, world):
    with pytest.raises(DomainError) as error:
        _invite(session, world, world.representative.email)
    assert "no broker account" in error.value.message and error.value.field == "email"
    with pytest.raises(DomainError):
        _invite(session, world, "nobody@example.com")
    with pytest.raises(ValidationFailed):
        _invite(session, world, "   ")
    assert count(session, BrokerLink) == 0


def test_where_the_holder_lacks_capacity_their_representative_invites(session, world):
    link_representative(world.holder, world.representative)
    services.set_capacity(session, world.officer, world.holder.id, lacks_capacity=True)
    with pytest.raises(Forbidden):
        _invite(session, world)
    link = _invite(session, world, actor=world.representative)
    assert link.invited_by_id == world.representative.id


def test_a_representative_of_a_capable_holder_cannot_invite_or_end(session, world):
    link_representative(world.holder, world.representative)
    with pytest.raises(Forbidden):
        _invite(session, world, actor=world.representative)
    link = _invite(session, world)
    with pytest.raises(Forbidden):
        links.end_broker_link(session, world.representative, world.holder.id, link.id)


def test_a_link_of_another_holder_cannot_be_ended_through_this_one(session, world):
    other = make_holder(world.leeds)
    link = links.invite_broker(session, other, other.id, email=world.broker.email)
    with pytest.raises(NotFound):
        links.end_broker_link(session, world.holder, world.holder.id, link.id)
    assert session.get(BrokerLink, link.id).status == "invited"
