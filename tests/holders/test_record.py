"""The holder's record: postcode → council, requirements, who may change them, capacity."""

from __future__ import annotations

import pytest

from marketplace.errors import Forbidden, NotFound, ValidationFailed
from marketplace.holders import services
from marketplace.holders.models import HolderRecord
from marketplace.permissions import Role
from tests.factories import link_broker, link_representative, make_holder, make_user
from tests.holders.conftest import audit_rows


def _save(session, actor, holder, **fields):
    values = {"postcode": "LS6 2AB"} | fields
    return services.update_record(session, actor, holder.id, **values)


def test_the_holder_saves_their_requirements_and_an_audit_row_is_written(session, world):
    record = _save(
        session,
        world.holder,
        world.holder,
        postcode=" ls7 3hb ",
        required_checks=["enhanced_dbs", "driving_licence", "enhanced_dbs"],
        preferred_gender="female",
        languages=["en", "pl"],
        needs_driver=True,
        non_smoker=True,
        has_pets=True,
        other_preferences="  I have a cat called Moss.  ",
    )
    session.expire_all()
    record = session.get(HolderRecord, world.holder.id)
    assert (record.postcode, record.district, record.council_id) == (
        "LS7 3HB",
        "LS7",
        world.leeds.id,
    )
    assert record.required_checks == ["enhanced_dbs", "driving_licence"]
    assert (record.preferred_gender, record.languages) == ("female", ["en", "pl"])
    assert (record.needs_driver, record.non_smoker, record.has_pets) == (True, True, True)
    assert record.other_preferences == "I have a cat called Moss."
    [row] = audit_rows(session, action="update")
    assert (row.actor_id, row.holder_id, row.subject_type) == (
        world.holder.id,
        world.holder.id,
        "holder_record",
    )


def test_the_postcode_district_sets_the_council(session, world):
    holder = make_holder(None)
    _save(session, holder, holder, postcode="BD1 1AA")
    assert session.get(HolderRecord, holder.id).council_id == world.bradford.id


def test_a_district_served_by_two_councils_keeps_the_current_one(session, world):
    # LS6 is served by Leeds and (in this test world) Bradford too.
    holder = make_holder(world.bradford, district="BD1")
    _save(session, holder, holder, postcode="LS6 1AA")
    assert session.get(HolderRecord, holder.id).council_id == world.bradford.id


def test_a_district_no_council_serves_leaves_the_council_as_it_was(session, world):
    _save(session, world.holder, world.holder, postcode="M1 1AE")
    record = session.get(HolderRecord, world.holder.id)
    assert (record.district, record.council_id) == ("M1", world.leeds.id)


def test_a_holder_without_a_record_gets_one_when_they_save(session, world):
    holder = make_user(Role.HOLDER)
    _save(session, holder, holder, postcode="LS1 4AP")
    assert session.get(HolderRecord, holder.id).council_id == world.leeds.id


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter a postcode"),
        ("not a postcode", "Enter a real UK postcode"),
        ("ZZ9 9ZZ", "We do not know the postcode district ZZ9"),
    ],
)
def test_an_unknown_postcode_is_refused_with_a_clear_message(session, world, postcode, message):
    with pytest.raises(ValidationFailed) as error:
        _save(session, world.holder, world.holder, postcode=postcode, languages=["en"])
    assert message in error.value.errors["postcode"]
    assert session.get(HolderRecord, world.holder.id).languages == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"required_checks": ["a-made-up-check"]}, "required_checks"),
        ({"preferred_gender": "any"}, "preferred_gender"),
        ({"languages": ["klingon"]}, "languages"),
        ({"other_preferences": "x" * 2001}, "other_preferences"),
    ],
)
def test_requirements_outside_the_lists_or_too_long_are_refused(session, world, fields, field):
    with pytest.raises(ValidationFailed) as error:
        _save(session, world.holder, world.holder, **fields)
    assert set(error.value.errors) == {field}
    session.expire_all()
    assert session.get(HolderRecord, world.holder.id).postcode == "LS6 1AA"  # unchanged


def test_a_representative_and_the_broker_may_change_requirements(session, world):
    link_representative(world.holder, world.representative)
    link_broker(world.holder, world.broker)
    _save(session, world.representative, world.holder, non_smoker=True)
    _save(session, world.broker, world.holder, has_pets=True)
    record = session.get(HolderRecord, world.holder.id)
    assert (record.non_smoker, record.has_pets) == (False, True)  # each save is the whole form
    assert [row.actor_id for row in audit_rows(session, action="update")] == [
        world.representative.id,
        world.broker.id,
    ]


def test_an_officer_may_not_change_requirements(session, world):
    with pytest.raises(Forbidden):
        _save(session, world.officer, world.holder)


@pytest.mark.parametrize("who", ["other_officer", "representative", "broker"])
def test_people_without_access_get_not_found(session, world, who):
    with pytest.raises(NotFound):
        _save(session, getattr(world, who), world.holder)


def test_an_invited_broker_cannot_change_requirements_yet(session, world):
    link_broker(world.holder, world.broker, status="invited")
    with pytest.raises(NotFound):
        _save(session, world.broker, world.holder)


def test_an_officer_of_the_council_records_that_the_holder_lacks_capacity(session, world):
    services.set_capacity(session, world.officer, world.holder.id, lacks_capacity=True)
    assert session.get(HolderRecord, world.holder.id).lacks_capacity is True
    [row] = audit_rows(session, action="set_capacity")
    assert row.actor_id == world.officer.id
    services.set_capacity(session, world.officer, world.holder.id, lacks_capacity=False)
    assert session.get(HolderRecord, world.holder.id).lacks_capacity is False


@pytest.mark.parametrize("who", ["holder", "representative"])
def test_only_an_officer_records_capacity(session, world, who):
    link_representative(world.holder, world.representative)
    with pytest.raises(Forbidden):
        services.set_capacity(session, getattr(world, who), world.holder.id, lacks_capacity=True)
    with pytest.raises(NotFound):
        services.set_capacity(session, world.other_officer, world.holder.id, lacks_capacity=True)
    assert session.get(HolderRecord, world.holder.id).lacks_capacity is False
