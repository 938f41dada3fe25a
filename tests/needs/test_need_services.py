"""Need adverts through their services: every bad input refused with a message and nothing saved,
the minimum wage from settings, closing once, PAs' interest and its mail, one conversation per
PA with mail to both sides, and a PA never learning who the holder is before they are told."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from marketplace.clock import utcnow
from marketplace.errors import Conflict, DomainError, NotFound, ValidationFailed
from marketplace.holders.models import HolderRecord
from marketplace.mail.models import OutboxMessage
from marketplace.messages.models import Message, MessageThread
from marketplace.needs.models import NeedAdvert, NeedInterest
from marketplace.needs.services import (
    NO_PROFILE,
    NeedInput,
    close_need,
    create_need,
    defaults_for,
    existing_threads,
    express_interest,
    need_for_pa,
    need_for_planner,
    needs_interested_in,
    needs_of,
    open_conversation,
    pa_profile_of,
    withdraw_interest,
)
from marketplace.permissions import Role
from tests.factories import (
    link_broker,
    link_representative,
    make_council,
    make_holder,
    make_need,
    make_pa,
    make_plan,
    make_user,
)

NEXT_WEEK = date.today() + timedelta(days=7)
GOOD = NeedInput(
    title="PA for weekday mornings",
    description="Help getting up and breakfast.",
    postcode="LS6 2AB",
    slots=("mon:morning", "wed:morning"),
    hours_hundredths=750,
    skills=("personal-care",),
    languages=("en",),
    start_on=NEXT_WEEK,
    rate_pence=1400,
)


def _count(session: Any, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _mail_to(session: Any, address: str) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    )


@pytest.fixture
def leeds(session: Any) -> Any:
    return make_council()


@pytest.fixture
def holder(leeds: Any) -> Any:
    return make_holder(leeds, name="Grace Okafor")


# --- posting an advert -------------------------------------------------------------------------


def test_a_holder_posts_an_advert_located_only_by_district(session, holder, leeds):
    need = create_need(session, holder, holder.id, GOOD)
    assert need.status == "open"
    assert need.district == "LS6"
    assert need.council_id == leeds.id
    assert need.hours_hundredths == 750
    assert need.posted_by_id == holder.id
    # Nothing keeps the full postcode: a PA could only ever learn the district.
    stored = session.execute(select(NeedAdvert.__table__).where(NeedAdvert.id == need.id)).one()
    assert not any("2AB" in str(value) for value in stored)


def test_a_blank_postcode_means_the_holders_own(session, holder):
    need = create_need(session, holder, holder.id, replace(GOOD, postcode=""))
    assert need.district == "LS6"


def test_a_new_advert_starts_from_the_holders_record(session, holder):
    record = session.scalar(select(HolderRecord).where(HolderRecord.user_id == holder.id))
    record.needs_driver = True
    record.languages = ["ur"]
    session.commit()
    start = defaults_for(record)
    assert start.postcode == record.postcode
    assert start.needs_driver is True
    assert list(start.languages) == ["ur"]
    assert start.start_on == date.today()
    assert defaults_for(None).start_on == date.today()


@pytest.mark.parametrize("who", ["representative", "broker"])
def test_a_representative_or_broker_posts_for_the_holder(session, holder, who):
    actor = link_representative(holder) if who == "representative" else link_broker(holder)
    need = create_need(session, actor, holder.id, GOOD)
    assert need.holder_id == holder.id
    assert need.posted_by_id == actor.id
    assert [n.id for n in needs_of(session, actor)] == [need.id]


@pytest.mark.parametrize("who", ["another holder", "officer", "invited broker", "pa"])
def test_anyone_who_does_not_plan_for_the_holder_gets_not_found(session, holder, leeds, who):
    actor = {
        "another holder": lambda: make_holder(leeds),
        "officer": lambda: make_user(Role.OFFICER, council=leeds),
        "invited broker": lambda: link_broker(holder, status="invited"),
        "pa": lambda: make_user(Role.PA),
    }[who]()
    with pytest.raises(NotFound):
        create_need(session, actor, holder.id, GOOD)
    need = make_need(holder)
    with pytest.raises(NotFound):
        need_for_planner(session, actor, need.id)
    with pytest.raises(NotFound):
        close_need(session, actor, need.id)
    assert needs_of(session, actor) == []
    assert _count(session, NeedAdvert) == 1


TOO_LONG = "x" * 121


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"title": "  "}, "title", "Enter a short title"),
        ({"title": TOO_LONG}, "title", "120 characters or fewer"),
        ({"description": "x" * 2001}, "description", "2,000 characters or fewer"),
        ({"postcode": "ZZ99 9ZZ"}, "postcode", "We do not know the postcode district ZZ99"),
        ({"postcode": "not a postcode"}, "postcode", "Enter a real UK postcode"),
        ({"hours_hundredths": None}, "hours_hundredths", "Enter the hours a week you need"),
        ({"hours_hundredths": 0}, "hours_hundredths", "Enter the hours a week you need"),
        ({"hours_hundredths": -100}, "hours_hundredths", "Enter the hours a week you need"),
        ({"hours_hundredths": 16801}, "hours_hundredths", "A week has 168 hours"),
        ({"slots": ()}, "slots", "Select at least one day and time"),
        ({"slots": ("mon:brunch",)}, "slots", "Select the days and times from the list"),
        ({"skills": ("juggling",)}, "skills", "Select the tasks and skills from the list"),
        ({"languages": ("xx",)}, "languages", "Select the languages from the list"),
        ({"required_checks": ("x",)}, "required_checks", "Select the checks from the list"),
        ({"preferred_gender": "robot"}, "preferred_gender", "Select a preference"),
        ({"start_on": None}, "start_on", "Enter the date you would like support to start"),
        ({"start_on": date.today() - timedelta(days=1)}, "start_on", "today or in the future"),
        (
            {"end_on": NEXT_WEEK - timedelta(days=1)},
            "end_on",
            f"the same as or after the start date, {NEXT_WEEK.day} {NEXT_WEEK:%B %Y}",
        ),
        ({"rate_pence": None}, "rate_pence", "Enter the hourly pay you offer"),
        ({"rate_pence": 1270}, "rate_pence", "at least £12.71 an hour, the legal minimum"),
        ({"rate_pence": 10001}, "rate_pence", "more than £100.00: check the amount"),
        ({"plan_id": 999_999}, "plan_id", "Choose one of this person's plans"),
    ],
)
def test_each_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    session, holder, change, field, words
):
    with pytest.raises(ValidationFailed) as refused:
        create_need(session, holder, holder.id, replace(GOOD, **change))
    assert field in refused.value.errors
    assert words in refused.value.errors[field]
    session.rollback()
    assert _count(session, NeedAdvert) == 0


def test_every_wrong_field_is_named_at_once(session, holder):
    bad = NeedInput(title="", postcode="ZZ99 9ZZ", slots=())
    with pytest.raises(ValidationFailed) as refused:
        create_need(session, holder, holder.id, bad)
    assert {"title", "postcode", "slots", "hours_hundredths", "start_on", "rate_pence"} <= set(
        refused.value.errors
    )


def test_a_holder_without_a_postcode_is_asked_for_one(session):
    holder = make_holder(None)  # no council, no postcode on their record
    with pytest.raises(ValidationFailed) as refused:
        create_need(session, holder, holder.id, replace(GOOD, postcode=""))
    assert "Enter the postcode where support is needed" in refused.value.errors["postcode"]


def test_a_plan_of_another_holder_is_refused(session, holder, leeds):
    other_plan = make_plan(make_holder(leeds))
    with pytest.raises(ValidationFailed) as refused:
        create_need(session, holder, holder.id, replace(GOOD, plan_id=other_plan.id))
    assert refused.value.errors["plan_id"] == "Choose one of this person's plans"
    own = make_plan(holder)
    assert create_need(session, holder, holder.id, replace(GOOD, plan_id=own.id)).plan_id == own.id


def test_the_minimum_wage_comes_from_the_settings(app, session, holder, monkeypatch):
    monkeypatch.setitem(app.config, "MINIMUM_HOURLY_WAGE_PENCE", 1500)
    with pytest.raises(ValidationFailed) as refused:
        create_need(session, holder, holder.id, replace(GOOD, rate_pence=1400))
    assert "at least £15.00 an hour" in refused.value.errors["rate_pence"]
    session.rollback()
    monkeypatch.setitem(app.config, "MINIMUM_HOURLY_WAGE_PENCE", 1000)
    assert (
        create_need(session, holder, holder.id, replace(GOOD, rate_pence=1100)).rate_pence == 1100
    )


def test_the_highest_sensible_rate_comes_from_the_settings(app, session, holder, monkeypatch):
    monkeypatch.setitem(app.config, "MAXIMUM_HOURLY_RATE_PENCE", 2000)
    with pytest.raises(ValidationFailed) as refused:
        create_need(session, holder, holder.id, replace(GOOD, rate_pence=2001))
    assert "more than £20.00" in refused.value.errors["rate_pence"]


def test_choices_are_kept_once_each_in_a_stable_order(session, holder):
    data = replace(
        GOOD,
        slots=("wed:morning", "mon:morning", "wed:morning"),
        skills=("personal-care", "medication", "personal-care"),
    )
    need = create_need(session, holder, holder.id, data)
    assert need.slots == ["mon:morning", "wed:morning"]
    assert need.skills == ["medication", "personal-care"]


# --- listing and closing -----------------------------------------------------------------------


def test_planners_list_open_adverts_first_then_newest(session, holder, leeds):
    closed = make_need(holder, status="closed", closed_at=utcnow())
    older = make_need(holder)
    newer = make_need(holder)
    make_need(make_holder(leeds))
    found = [n.id for n in needs_of(session, holder)]
    assert found[-1] == closed.id
    assert set(found[:2]) == {older.id, newer.id}
    assert needs_of(session, holder, holder_id=holder.id + 999) == []


def test_closing_twice_is_a_conflict_and_interested_pas_are_told(session, holder):
    need = make_need(holder)
    pa = make_pa(make_user(Role.PA, email="joanne@example.com"))
    express_interest(session, pa.user, need.id, "I live nearby.")
    closed = close_need(session, holder, need.id)
    assert closed.status == "closed" and closed.closed_at is not None
    assert closed.closed_by_id == holder.id
    [told] = _mail_to(session, "joanne@example.com")
    assert "has closed" in told.subject
    # The PA hears of the advert, never of the person behind it.
    assert "Grace Okafor" not in told.body and "LS6 1AA" not in told.body
    with pytest.raises(Conflict) as again:
        close_need(session, holder, need.id)
    assert again.value.status_code == 409
    assert "closed already" in again.value.message


# --- a PA's interest ---------------------------------------------------------------------------


def test_a_pa_without_a_published_profile_is_told_how_to_get_one(session, holder):
    need = make_need(holder)
    draft = make_pa(status="draft")
    for user in (draft.user, make_user(Role.PA), holder):
        with pytest.raises(NotFound) as missing:
            pa_profile_of(session, user)
        assert missing.value.message == NO_PROFILE
        with pytest.raises(NotFound):
            express_interest(session, user, need.id)
    assert _count(session, NeedInterest) == 0


def test_interest_is_registered_once_and_the_holders_side_is_mailed(session, holder):
    broker = link_broker(holder)
    need = make_need(holder, posted_by=broker)
    pa = make_pa(display_name="Joanne W")
    interest = express_interest(session, pa.user, need.id, "  I drive and live nearby.  ")
    assert interest.active and interest.note == "I drive and live nearby."
    for person in (holder, broker):
        [mail] = _mail_to(session, person.email)
        assert "A personal assistant is interested" in mail.subject
        assert "Joanne W" in mail.body and "I drive and live nearby." in mail.body
        assert f"/needs/{need.id}" in mail.body
    again = express_interest(session, pa.user, need.id, "Another note")
    assert again.id == interest.id and again.note == "I drive and live nearby."
    assert _count(session, NeedInterest) == 1
    assert len(_mail_to(session, holder.email)) == 1  # no second mail for the same interest
    assert [i.id for i in needs_interested_in(session, pa.user)] == [interest.id]


def test_withdrawing_keeps_the_row_and_interest_can_be_shown_again(session, holder):
    need = make_need(holder)
    pa = make_pa()
    first = express_interest(session, pa.user, need.id)
    withdrawn = withdraw_interest(session, pa.user, need.id)
    assert withdrawn.id == first.id and not withdrawn.active
    with pytest.raises(Conflict) as none:
        withdraw_interest(session, pa.user, need.id)
    assert "not said you are interested" in none.value.message
    back = express_interest(session, pa.user, need.id, "Still free")
    assert back.id == first.id and back.active and back.note == "Still free"
    assert _count(session, NeedInterest) == 1


def test_withdrawing_without_interest_is_a_conflict(session, holder):
    need = make_need(holder)
    pa = make_pa()
    with pytest.raises(Conflict):
        withdraw_interest(session, pa.user, need.id)


def test_a_pa_a_hard_constraint_excludes_is_told_why_and_nothing_is_saved(session, holder):
    need = make_need(holder, required_checks=["enhanced_dbs"], slots=["sun:evening"])
    pa = make_pa(checks=())
    with pytest.raises(DomainError) as refused:
        express_interest(session, pa.user, need.id)
    assert refused.value.status_code == 400
    assert refused.value.message.startswith("You cannot reply to this advert: ")
    assert "DBS" in refused.value.message
    session.rollback()
    assert _count(session, NeedInterest) == 0
    assert _count(session, OutboxMessage) == 0


def test_a_closed_advert_takes_no_interest(session, holder):
    need = make_need(holder)
    pa = make_pa()
    express_interest(session, pa.user, need.id)
    withdraw_interest(session, pa.user, need.id)
    close_need(session, holder, need.id)
    # The PA replied once, so they still see the advert; it no longer takes replies.
    with pytest.raises(Conflict) as closed:
        express_interest(session, pa.user, need.id)
    assert "closed" in closed.value.message


def test_a_note_that_is_too_long_is_refused(session, holder):
    need = make_need(holder)
    pa = make_pa()
    with pytest.raises(ValidationFailed) as refused:
        express_interest(session, pa.user, need.id, "x" * 1001)
    assert "1,000 characters or fewer" in refused.value.errors["note"]
    session.rollback()
    assert _count(session, NeedInterest) == 0


def test_a_pa_sees_only_open_adverts_within_their_travel_range(session, holder, leeds):
    near = make_need(holder)
    far = make_need(holder, district="BD1")
    closed = make_need(holder, status="closed", closed_at=utcnow())
    pa = make_pa(travel_km=5)
    assert need_for_pa(session, pa.user, near.id).need.id == near.id
    for hidden in (far.id, closed.id, near.id + 999):
        with pytest.raises(NotFound):
            need_for_pa(session, pa.user, hidden)


# --- opening a conversation --------------------------------------------------------------------


def test_the_holders_side_opens_one_thread_per_pa_and_both_are_mailed(session, holder):
    broker = link_broker(holder)
    need = make_need(holder)
    pa = make_pa(make_user(Role.PA, email="joanne@example.com"), display_name="Joanne W")
    other = make_pa(make_user(Role.PA, email="sam@example.com"), display_name="Sam K")
    express_interest(session, pa.user, need.id)
    session.query(OutboxMessage).delete()
    session.commit()

    thread = open_conversation(session, broker, need.id, pa.id, "Could we talk on Monday?")
    again = open_conversation(session, holder, need.id, pa.id, "Looking forward to it.")
    assert again.id == thread.id
    assert thread.need_id == need.id and thread.holder_id == holder.id
    # Once the holder's side writes, the thread names them.
    assert "Grace Okafor" in thread.subject and "Joanne W" in thread.subject
    assert {p.user_id for p in thread.participants} == {broker.id, holder.id, pa.user_id}
    assert _count(session, Message) == 2

    to_pa = _mail_to(session, "joanne@example.com")
    assert any("Could we talk on Monday?" in m.body for m in to_pa)
    opener = _mail_to(session, broker.email)
    assert any("You wrote to Joanne W" in m.subject for m in opener)
    assert any("Could we talk on Monday?" in m.body for m in _mail_to(session, holder.email))

    # A second PA (eligible, not yet interested) gets a thread of their own.
    second = open_conversation(session, holder, need.id, other.id, "Hello Sam")
    assert second.id != thread.id
    assert existing_threads(session, need) == {pa.id: thread.id, other.id: second.id}
    assert _count(session, MessageThread) == 2


def test_a_conversation_needs_a_pa_who_matches_and_a_message(session, holder):
    need = make_need(holder, required_checks=["enhanced_dbs"])
    unchecked = make_pa(checks=())
    with pytest.raises(NotFound) as no_match:
        open_conversation(session, holder, need.id, unchecked.id, "Hello")
    assert "does not match" in no_match.value.message
    with pytest.raises(NotFound):
        open_conversation(session, holder, need.id, 999_999, "Hello")
    with pytest.raises(NotFound):
        open_conversation(session, holder, need.id, make_pa(status="draft").id, "Hello")
    checked = make_pa()
    with pytest.raises(ValidationFailed) as empty:
        open_conversation(session, holder, need.id, checked.id, "   ")
    assert empty.value.errors == {"body": "Enter a message"}
    session.rollback()
    assert _count(session, MessageThread) == 0
    assert _count(session, Message) == 0


def test_someone_else_cannot_open_a_conversation_about_the_advert(session, holder, leeds):
    need = make_need(holder)
    pa = make_pa()
    for outsider in (make_holder(leeds), make_user(Role.OFFICER, council=leeds), pa.user):
        with pytest.raises(NotFound):
            open_conversation(session, outsider, need.id, pa.id, "Hello")
    assert _count(session, MessageThread) == 0
