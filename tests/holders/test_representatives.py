"""Linking and revoking representatives: who may, whom, and what they may then see."""

from __future__ import annotations

import pytest

from marketplace.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from marketplace.holders import links, services
from marketplace.holders.access import care_access
from marketplace.holders.models import Representation
from marketplace.permissions import Role
from tests.factories import link_broker, make_holder, make_user
from tests.holders.conftest import audit_rows, count, mail_to


def _link(session, actor, holder, email, kind="family"):
    return links.link_representative(session, actor, holder.id, email=email, relationship_kind=kind)


def test_the_holder_links_a_representative_who_is_told_and_can_then_act(session, world):
    typed = f"  {world.representative.email.upper()}  "
    link = _link(session, world.holder, world.holder, typed)
    assert (link.representative_id, link.relationship_kind, link.linked_by_id) == (
        world.representative.id,
        "family",
        world.holder.id,
    )
    assert care_access(session, world.representative, world.holder.id).relation == "representative"
    [mail] = mail_to(session, world.representative.email)
    assert "act for Ada Holder" in mail.subject and "/caseload" in mail.body
    [row] = audit_rows(session, action="link")
    assert (row.subject_type, row.subject_id, row.holder_id) == (
        "representation",
        link.id,
        world.holder.id,
    )


def test_an_email_with_no_account_asks_the_holder_to_get_them_to_sign_up(session, world):
    with pytest.raises(DomainError) as error:
        _link(session, world.holder, world.holder, "nobody@example.com")
    assert error.value.field == "email"
    assert "create an account" in error.value.message
    assert count(session, Representation) == 0


def test_an_account_of_another_role_cannot_be_a_representative(session, world):
    with pytest.raises(DomainError) as error:
        _link(session, world.holder, world.holder, world.broker.email)
    assert "no representative account" in error.value.message
    assert mail_to(session, world.broker.email) == []


def test_missing_email_and_unknown_relationship_are_both_reported(session, world):
    with pytest.raises(ValidationFailed) as error:
        _link(session, world.holder, world.holder, " ", kind="cousin-ish")
    assert set(error.value.errors) == {"email", "relationship_kind"}


def test_linking_the_same_representative_twice_is_a_clear_conflict(session, world):
    _link(session, world.holder, world.holder, world.representative.email)
    with pytest.raises(Conflict) as error:
        _link(session, world.holder, world.holder, world.representative.email, kind="friend")
    assert "can already act for" in error.value.message
    assert count(session, Representation) == 1


def test_a_revoked_representative_can_be_linked_again(session, world):
    first = _link(session, world.holder, world.holder, world.representative.email)
    links.revoke_representative(session, world.holder, world.holder.id, first.id)
    again = _link(session, world.holder, world.holder, world.representative.email)
    assert again.id != first.id and again.active


def test_an_officer_links_a_representative_only_where_the_holder_lacks_capacity(session, world):
    with pytest.raises(Forbidden):
        _link(session, world.officer, world.holder, world.representative.email)
    services.set_capacity(session, world.officer, world.holder.id, lacks_capacity=True)
    link = _link(
        session, world.officer, world.holder, world.representative.email, "suitable_person"
    )
    assert link.linked_by_id == world.officer.id


def test_a_holder_who_lacks_capacity_cannot_link_people_but_their_representative_can(
    session, world
):
    _link(session, world.holder, world.holder, world.representative.email)
    services.set_capacity(session, world.officer, world.holder.id, lacks_capacity=True)
    second = make_user(Role.REPRESENTATIVE)
    with pytest.raises(Forbidden):
        _link(session, world.holder, world.holder, second.email)
    link = _link(session, world.representative, world.holder, second.email, "deputy")
    assert link.linked_by_id == world.representative.id


def test_a_broker_cannot_link_representatives(session, world):
    link_broker(world.holder, world.broker)
    with pytest.raises(Forbidden):
        _link(session, world.broker, world.holder, world.representative.email)


@pytest.mark.parametrize("who", ["other_officer", "representative", "broker"])
def test_people_without_access_cannot_link_for_the_holder(session, world, who):
    with pytest.raises(NotFound):
        _link(session, getattr(world, who), world.holder, world.representative.email)


def test_revoking_ends_the_representatives_access_and_tells_them(session, world):
    link = _link(session, world.holder, world.holder, world.representative.email)
    links.revoke_representative(session, world.holder, world.holder.id, link.id)
    session.expire_all()
    stored = session.get(Representation, link.id)
    assert stored.revoked_by_id == world.holder.id and stored.revoked_at is not None
    with pytest.raises(NotFound):
        care_access(session, world.representative, world.holder.id)
    assert "no longer act" in mail_to(session, world.representative.email)[-1].subject
    assert [r.action for r in audit_rows(session)] == ["link", "revoke"]


def test_revoking_twice_is_a_clear_conflict(session, world):
    link = _link(session, world.holder, world.holder, world.representative.email)
    links.revoke_representative(session, world.holder, world.holder.id, link.id)
    with pytest.raises(Conflict):
        links.revoke_representative(session, world.holder, world.holder.id, link.id)


def test_an_officer_of_the_council_may_revoke_a_representative(session, world):
    link = _link(session, world.holder, world.holder, world.representative.email)
    links.revoke_representative(session, world.officer, world.holder.id, link.id)
    assert session.get(Representation, link.id).revoked_by_id == world.officer.id


def test_a_link_of_another_holder_is_not_found(session, world):
    other = make_holder(world.leeds)
    link = _link(session, other, other, world.representative.email)
    with pytest.raises(NotFound):
        links.revoke_representative(session, world.holder, world.holder.id, link.id)
    assert session.get(Representation, link.id).active
