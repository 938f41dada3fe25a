"""A council officer's list of the holders it supports, and adding a holder by email."""

from __future__ import annotations

import pytest

from marketplace.errors import DomainError, Forbidden, NotFound, ValidationFailed
from marketplace.holders import services
from marketplace.holders.models import HolderRecord
from marketplace.permissions import Role
from tests.factories import make_holder, make_user
from tests.holders.conftest import audit_rows, mail_to


def _names(page):
    return [holder.name for holder, _ in page.items]


def test_the_list_holds_only_the_councils_holders_by_name(session, world):
    make_holder(world.leeds, name="Cy Zephyr")
    make_holder(world.leeds, name="Bo Able")
    make_holder(world.bradford, name="Not Ours", district="BD1")
    make_holder(None, name="Nobody's Yet")
    page = services.council_people(session, world.officer)
    assert _names(page) == ["Ada Holder", "Bo Able", "Cy Zephyr"]
    assert _names(services.council_people(session, world.other_officer)) == ["Not Ours"]


def test_search_matches_part_of_a_name_or_email_without_wildcards(session, world):
    make_holder(world.leeds, name="Bo Able", email="bo.able@example.com")
    make_holder(world.leeds, name="Cy 100% Real")
    assert _names(services.council_people(session, world.officer, search="ABLE")) == ["Bo Able"]
    assert _names(services.council_people(session, world.officer, search="bo.able@")) == ["Bo Able"]
    assert _names(services.council_people(session, world.officer, search="100%")) == [
        "Cy 100% Real"
    ]
    assert _names(services.council_people(session, world.officer, search="%")) == ["Cy 100% Real"]
    assert _names(services.council_people(session, world.officer, search="_")) == []


def test_the_list_is_paged(session, world):
    for n in range(3):
        make_holder(world.leeds, name=f"Person {n}")
    page = services.council_people(session, world.officer, page=2, per_page=3)
    assert (page.total, page.pages, _names(page)) == (4, 2, ["Person 2"])
    with pytest.raises(NotFound):
        services.council_people(session, world.officer, page=3, per_page=3)


def test_only_officers_have_a_list(session, world):
    with pytest.raises(Forbidden):
        services.council_people(session, world.holder)


def test_an_officer_adds_a_holder_with_no_council(session, world):
    holder = make_holder(None, name="New Person")
    services.add_council_holder(session, world.officer, email=f" {holder.email.upper()} ")
    assert session.get(HolderRecord, holder.id).council_id == world.leeds.id
    assert "New Person" in _names(services.council_people(session, world.officer))
    [row] = audit_rows(session, action="add_to_council")
    assert (row.actor_id, row.holder_id) == (world.officer.id, holder.id)
    [mail] = mail_to(session, holder.email)
    assert "Leeds City Council" in mail.subject


def test_a_holder_without_a_record_gets_one(session, world):
    holder = make_user(Role.HOLDER)
    services.add_council_holder(session, world.officer, email=holder.email)
    assert session.get(HolderRecord, holder.id).council_id == world.leeds.id


def test_a_holder_of_another_council_cannot_be_added(session, world):
    theirs = make_holder(world.bradford, district="BD1")
    with pytest.raises(DomainError) as error:
        services.add_council_holder(session, world.officer, email=theirs.email)
    assert "another council" in error.value.message and error.value.field == "email"
    session.expire_all()
    assert session.get(HolderRecord, theirs.id).council_id == world.bradford.id
    assert mail_to(session, theirs.email) == []


def test_adding_someone_already_on_the_list_says_so(session, world):
    with pytest.raises(DomainError) as error:
        services.add_council_holder(session, world.officer, email=world.holder.email)
    assert "already on your council's list" in error.value.message


@pytest.mark.parametrize("email", ["nobody@example.com", "broker"])
def test_an_email_that_is_not_a_holder_account_asks_them_to_sign_up(session, world, email):
    if email == "broker":
        email = world.broker.email
    with pytest.raises(DomainError) as error:
        services.add_council_holder(session, world.officer, email=email)
    assert error.value.message == services.NO_HOLDER_ACCOUNT


def test_an_empty_email_is_refused(session, world):
    with pytest.raises(ValidationFailed):
        services.add_council_holder(session, world.officer, email="  ")


def test_only_officers_add_holders(session, world):
    with pytest.raises(Forbidden):
        services.add_council_holder(session, world.broker, email=world.holder.email)
