"""Asking for quotes: who may ask (and see and answer) for whom, who answers, every field of a
request refused with a message and nothing written, and the providers one request may go to."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from marketplace.clock import utcnow
from marketplace.errors import NotFound, ValidationFailed
from marketplace.holders.models import BrokerLink, Representation
from marketplace.money import MAX_QUANTITY_HUNDREDTHS
from marketplace.permissions import Role
from marketplace.plans.models import PlanLine
from marketplace.quotes import answers
from marketplace.quotes.access import quote_for, request_for
from marketplace.quotes.models import Quote, QuoteEvent, QuoteRequest
from marketplace.quotes.requests import (
    MAX_RECIPIENTS,
    create_request,
    quotes_to_answer,
    requests_of,
)
from marketplace.quotes.states import Side
from tests.factories import (
    link_broker,
    make_budget,
    make_holder,
    make_need,
    make_offer,
    make_organisation,
    make_pa,
    make_plan,
    make_user,
)
from tests.quotes.world import make_quote_world, request_input, terms
from tests.quotes.written import everything

# --- who may ask, see and answer as the holder's side ---------------------------------------------


@pytest.mark.parametrize("who", ["holder", "representative", "broker"])
def test_the_holder_their_representative_and_active_broker_ask_and_answer(session, who):
    w = make_quote_world()
    asker = getattr(w, who)
    request = create_request(session, asker, request_input(w))
    assert request.created_by_id == asker.id and request.holder_id == w.holder.id
    assert request_for(session, asker, request.id).id == request.id
    assert [r.id for r in requests_of(session, asker)] == [request.id]
    quote = request.quotes[0]
    assert quote_for(session, asker, quote.id)[1] is Side.REQUESTER
    answers.offer_quote(session, w.aire_staff, quote.id, terms())
    answers.counter_quote(session, asker, quote.id, 2000, "Could you do £20?")
    answers.offer_quote(session, w.aire_staff, quote.id, terms(unit_price_pence=2050))
    assert answers.accept_quote(session, asker, quote.id).status == "accepted"


def _outsiders(w):
    invited = link_broker(w.holder, make_user(Role.BROKER, name="Ivy Invited"), status="invited")
    officer = make_user(Role.OFFICER, council=w.council)  # the holder's own council
    return {
        "invited broker": invited,
        "stranger broker": w.stranger_broker,
        "officer": officer,
        "another holder": w.other_holder,
        "provider staff": w.aire_staff,
        "pa": w.pa_user,
        "admin": make_user(Role.ADMIN),
    }


@pytest.mark.parametrize(
    "who",
    [
        "invited broker",
        "stranger broker",
        "officer",
        "another holder",
        "provider staff",
        "pa",
        "admin",
    ],
)
def test_anyone_else_cannot_ask_for_the_holder_or_see_their_requests(session, who):
    w = make_quote_world()
    outsider = _outsiders(w)[who]
    before = everything(session)
    with pytest.raises(NotFound):
        create_request(session, outsider, request_input(w))
    assert everything(session) == before
    request = create_request(session, w.broker, request_input(w))
    with pytest.raises(NotFound):
        request_for(session, outsider, request.id)
    with pytest.raises(NotFound):
        requests_of(session, outsider, holder_id=w.holder.id)
    assert requests_of(session, outsider) == []


@pytest.mark.parametrize(
    "who", ["invited broker", "stranger broker", "officer", "another holder", "admin"]
)
def test_anyone_else_gets_not_found_for_each_quote_and_each_answer(session, who):
    w = make_quote_world()
    outsider = _outsiders(w)[who]
    request = create_request(session, w.broker, request_input(w))
    quote_id = request.quotes[0].id
    answers.offer_quote(session, w.aire_staff, quote_id, terms())
    before = everything(session)
    calls = [
        lambda: quote_for(session, outsider, quote_id),
        lambda: answers.offer_quote(session, outsider, quote_id, terms()),
        lambda: answers.counter_quote(session, outsider, quote_id, 2000),
        lambda: answers.accept_quote(session, outsider, quote_id),
        lambda: answers.decline_quote(session, outsider, quote_id, "No"),
        lambda: answers.withdraw_quote(session, outsider, quote_id, "No"),
        lambda: answers.write_about_quote(session, outsider, quote_id, "Hello"),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert everything(session) == before


def test_a_revoked_representative_and_an_ended_broker_lose_the_requests(session):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    session.execute(update(Representation).values(revoked_at=utcnow()))
    session.execute(update(BrokerLink).values(status="ended"))
    session.commit()
    for person in (w.representative, w.broker):
        with pytest.raises(NotFound):
            request_for(session, person, request.id)
        with pytest.raises(NotFound):
            quote_for(session, person, request.quotes[0].id)
        assert requests_of(session, person) == []


def test_an_id_that_does_not_exist_is_not_found(session):
    w = make_quote_world()
    with pytest.raises(NotFound):
        request_for(session, w.holder, 999_999)
    with pytest.raises(NotFound):
        quote_for(session, w.holder, 999_999)


# --- who answers as the provider ------------------------------------------------------------------


def test_only_the_asked_organisations_active_staff_answer_as_the_provider(session):
    w = make_quote_world()
    aire_admin = make_user(Role.PROVIDER_ADMIN, organisation=w.aire)
    retired = make_user(Role.PROVIDER_STAFF, organisation=w.aire, active=False)
    # Someone who claims to run Aire, not yet checked by a moderator.
    claimant = make_user(Role.PROVIDER_ADMIN, organisation=w.aire, org_approved=False)
    request = create_request(session, w.broker, request_input(w))
    aire_q, kirk_q = request.quotes
    assert quote_for(session, w.aire_staff, aire_q.id)[1] is Side.PROVIDER
    assert quote_for(session, aire_admin, aire_q.id)[1] is Side.PROVIDER
    assert quote_for(session, w.kirk_staff, kirk_q.id)[1] is Side.PROVIDER
    before = everything(session)
    for outsider, quote_id in [
        (w.kirk_staff, aire_q.id),  # another provider's staff
        (w.aire_staff, kirk_q.id),
        (retired, aire_q.id),  # no longer active
        (claimant, aire_q.id),  # claim not yet approved
        (w.pa_user, aire_q.id),
    ]:
        with pytest.raises(NotFound):
            quote_for(session, outsider, quote_id)
        with pytest.raises(NotFound):
            answers.offer_quote(session, outsider, quote_id, terms())
        with pytest.raises(NotFound):
            answers.decline_quote(session, outsider, quote_id, "Busy")
    assert everything(session) == before
    assert quotes_to_answer(session, claimant) == []


def test_only_the_asked_pa_answers_a_pa_quote(session):
    w = make_quote_world()
    other_pa = make_pa(make_user(Role.PA))
    request = create_request(
        session, w.broker, request_input(w, offer_ids=[], pa_profile_ids=[w.pa.id])
    )
    quote = request.quotes[0]
    assert quote_for(session, w.pa_user, quote.id)[1] is Side.PROVIDER
    for outsider in (other_pa.user, w.aire_staff):
        with pytest.raises(NotFound):
            quote_for(session, outsider, quote.id)
        with pytest.raises(NotFound):
            answers.offer_quote(session, outsider, quote.id, terms())
    assert answers.offer_quote(session, w.pa_user, quote.id, terms()).status == "offered"


def test_providers_list_only_the_quotes_they_answer(session):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w, pa_profile_ids=[w.pa.id]))
    aire_q, kirk_q, pa_q = request.quotes
    answers.decline_quote(session, w.kirk_staff, kirk_q.id, "Fully booked")
    assert [q.id for q in quotes_to_answer(session, w.aire_staff)] == [aire_q.id]
    assert [q.id for q in quotes_to_answer(session, w.kirk_staff)] == [kirk_q.id]
    assert quotes_to_answer(session, w.kirk_staff, open_only=True) == []
    assert [q.id for q in quotes_to_answer(session, w.pa_user)] == [pa_q.id]
    for nobody in (w.holder, w.broker, w.stranger_broker, make_user(Role.PA)):
        assert quotes_to_answer(session, nobody) == []


def test_requests_list_newest_first_for_the_people_who_plan(session):
    w = make_quote_world()
    first = create_request(session, w.broker, request_input(w))
    second = create_request(session, w.holder, request_input(w, line_id=None))
    for person in (w.holder, w.representative, w.broker):
        assert [r.id for r in requests_of(session, person)] == [second.id, first.id]
        assert [r.id for r in requests_of(session, person, holder_id=w.holder.id)] == [
            second.id,
            first.id,
        ]
    assert requests_of(session, w.other_holder) == []


# --- bad input on every field ----------------------------------------------------------------------


def _past():
    return date.today() - timedelta(days=1)


BAD_FIELDS = [
    ({"holder_id": None}, "holder_id"),
    ({"offer_ids": []}, "recipients"),
    ({"description": ""}, "description"),
    ({"description": "   "}, "description"),
    ({"description": "x" * 301}, "description"),
    ({"details": "x" * 2001}, "details"),
    ({"frequency": "daily"}, "frequency"),
    ({"frequency": ""}, "frequency"),
    ({"unit": "litres"}, "unit"),
    ({"quantity_hundredths": None}, "quantity_hundredths"),
    ({"quantity_hundredths": 0}, "quantity_hundredths"),
    ({"quantity_hundredths": -100}, "quantity_hundredths"),
    ({"quantity_hundredths": MAX_QUANTITY_HUNDREDTHS + 1}, "quantity_hundredths"),
    ({"quantity_hundredths": 16_900}, "quantity_hundredths"),  # 169 hours a week
    ({"days": ["funday"]}, "days"),
    ({"time_bands": ["midnight"]}, "time_bands"),
    ({"start_on": None}, "start_on"),
    ({"start_on": "past"}, "start_on"),
    ({"start_on": "too far"}, "start_on"),
    ({"end_on": "too far"}, "end_on"),
    ({"end_on": "before start"}, "end_on"),
    ({"line_id": 999_999}, "line_id"),
    ({"stream_id": 999_999}, "stream_id"),
    ({"need_id": 999_999}, "need_id"),
    ({"postcode": "not a postcode"}, "postcode"),
    ({"postcode": "ZZ99 9ZZ"}, "postcode"),
    # What a careless caller of the API might send: never a 500.
    ({"holder_id": "1"}, "holder_id"),
    ({"offer_ids": ["abc"]}, "recipients"),
    ({"offer_ids": [], "pa_profile_ids": [None]}, "recipients"),
    ({"description": None}, "description"),
    ({"quantity_hundredths": 1.5}, "quantity_hundredths"),
    ({"quantity_hundredths": "100"}, "quantity_hundredths"),
    ({"start_on": "2030-01-01"}, "start_on"),
    ({"end_on": "2030-01-01"}, "end_on"),
    ({"line_id": "1"}, "line_id"),
    ({"need_id": "1"}, "need_id"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_FIELDS)
def test_each_bad_field_of_a_request_is_named_and_nothing_is_written(session, changes, field):
    w = make_quote_world()
    changes = dict(changes)
    if changes.get("start_on") == "past":
        changes["start_on"] = _past()
    if changes.get("start_on") == "too far":  # more than a year ahead
        changes["start_on"] = date.today() + timedelta(days=367)
    if changes.get("end_on") == "too far":  # more than 5 years after the start
        changes["end_on"] = date.today() + timedelta(days=14 + 5 * 366 + 1)
    if changes.get("end_on") == "before start":
        changes["end_on"] = date.today() + timedelta(days=13)  # the request starts in 14
    before = everything(session)
    with pytest.raises(ValidationFailed) as refused:
        create_request(session, w.broker, request_input(w, **changes))
    assert field in refused.value.errors, refused.value.errors
    assert refused.value.errors[field]  # a message a person can read
    assert everything(session) == before


def test_a_line_or_stream_or_advert_of_another_holder_is_refused(session):
    w = make_quote_world()
    other_budget = make_budget(w.other_holder, w.council)
    other_plan = make_plan(w.other_holder)
    other_line = PlanLine(
        kind="text",
        description="Gardening",
        frequency="week",
        quantity_hundredths=100,
        unit="hours",
        unit_price_pence=1500,
        start_on=other_plan.year_start,
    )
    other_plan.lines.append(other_line)
    session.add(other_plan)
    session.commit()
    other_need = make_need(w.other_holder)
    before = everything(session)
    for changes, field in [
        ({"line_id": other_line.id}, "line_id"),
        ({"line_id": None, "stream_id": other_budget.streams[0].id}, "stream_id"),
        ({"need_id": other_need.id}, "need_id"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            create_request(session, w.broker, request_input(w, **changes))
        assert field in refused.value.errors
    assert everything(session) == before


def test_every_problem_is_named_at_once(session):
    w = make_quote_world()
    with pytest.raises(ValidationFailed) as refused:
        create_request(
            session,
            w.broker,
            request_input(w, offer_ids=[], description="", frequency="x", start_on=_past()),
        )
    assert {"recipients", "description", "frequency", "start_on"} <= set(refused.value.errors)


def test_the_holders_own_district_is_used_when_no_postcode_is_given(session):
    w = make_quote_world()
    request = create_request(session, w.broker, request_input(w))
    assert request.district == "LS6"
    elsewhere = create_request(session, w.broker, request_input(w, postcode="ls7 1aa"))
    assert elsewhere.district == "LS7"  # the district only, never the full postcode


def test_a_holder_with_no_postcode_must_give_one(session):
    w = make_quote_world()
    holder = make_holder(None, name="No Record Postcode")
    before = everything(session)
    with pytest.raises(ValidationFailed) as refused:
        create_request(session, holder, request_input(w, holder_id=holder.id, line_id=None))
    assert set(refused.value.errors) == {"postcode"}
    assert everything(session) == before


def test_a_request_is_written_with_a_quote_and_its_first_event_for_each_provider(session):
    w = make_quote_world()
    need = make_need(w.holder)
    request = create_request(
        session,
        w.broker,
        request_input(w, need_id=need.id, days=["fri", "mon"], time_bands=["evening", "morning"]),
    )
    session.expire_all()
    request = session.get(QuoteRequest, request.id)
    assert (request.plan_id, request.line_id, request.stream_id) == (w.plan.id, w.line.id, w.dp.id)
    assert request.need_id == need.id
    assert request.days == ["mon", "fri"] and request.time_bands == ["morning", "evening"]
    assert [(q.organisation_id, q.pa_profile_id, q.offer_id) for q in request.quotes] == [
        (w.aire.id, None, w.aire_offer.id),
        (w.kirk.id, None, w.kirk_offer.id),
    ]
    for quote in request.quotes:
        [event] = quote.events
        assert (event.from_status, event.to_status, event.actor_id) == (
            None,
            "requested",
            w.broker.id,
        )


def test_a_holder_with_no_draft_plan_may_still_ask_without_a_line(session):
    w = make_quote_world()
    holder = make_holder(w.council, name="Planless")
    budget = make_budget(holder, w.council)
    request = create_request(
        session,
        holder,
        request_input(w, holder_id=holder.id, line_id=None, stream_id=budget.streams[0].id),
    )
    assert request.plan_id is None and request.line_id is None
    assert request.stream_id == budget.streams[0].id  # their budget's stream, without a plan
    with pytest.raises(ValidationFailed) as refused:
        create_request(
            session, holder, request_input(w, holder_id=holder.id, line_id=None, stream_id=w.dp.id)
        )
    assert "stream_id" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        create_request(session, holder, request_input(w, holder_id=holder.id, line_id=w.line.id))
    assert "line_id" in refused.value.errors


# --- the providers one request may go to ----------------------------------------------------------


def test_one_request_goes_to_organisations_pas_offers_and_pas_directly(session):
    w = make_quote_world()
    pa_with_offer = make_pa(make_user(Role.PA, name="Priya Offer"), display_name="Priya O.")
    pa_offer = make_offer(None, pa_profile=pa_with_offer, title="Evening help")
    request = create_request(
        session,
        w.broker,
        request_input(
            w,
            offer_ids=[w.aire_offer.id, w.kirk_offer.id, pa_offer.id],
            pa_profile_ids=[w.pa.id],
        ),
    )
    assert [(q.organisation_id, q.pa_profile_id, q.offer_id) for q in request.quotes] == [
        (w.aire.id, None, w.aire_offer.id),
        (w.kirk.id, None, w.kirk_offer.id),
        (None, pa_with_offer.id, pa_offer.id),
        (None, w.pa.id, None),
    ]
    assert [q.provider_name for q in request.quotes] == [
        "Aire Valley Home Care",
        "Kirkstall Care",
        "Priya O.",
        "Joanne W.",
    ]


def test_the_same_offer_listed_twice_is_asked_once(session):
    w = make_quote_world()
    request = create_request(
        session, w.broker, request_input(w, offer_ids=[w.aire_offer.id, w.aire_offer.id])
    )
    assert len(request.quotes) == 1


def _refused_recipients(session, w, **changes):
    before = everything(session)
    with pytest.raises(ValidationFailed) as refused:
        create_request(session, w.broker, request_input(w, **changes))
    assert "recipients" in refused.value.errors
    assert everything(session) == before
    return refused.value.errors["recipients"]


def test_the_same_provider_twice_is_refused(session):
    w = make_quote_world()
    second_aire = make_offer(w.aire, title="Evening visits")
    message = _refused_recipients(session, w, offer_ids=[w.aire_offer.id, second_aire.id])
    assert "Aire Valley Home Care twice" in message
    pa_offer = make_offer(None, pa_profile=w.pa, title="Morning help")
    message = _refused_recipients(session, w, offer_ids=[pa_offer.id], pa_profile_ids=[w.pa.id])
    assert "Joanne W. twice" in message


def test_a_free_offer_is_refused(session):
    w = make_quote_world()
    free = make_offer(w.aire, title="Coffee morning", price_pence=0, price_unit="free")
    assert "free" in _refused_recipients(session, w, offer_ids=[free.id])


@pytest.mark.parametrize("what", ["offer", "organisation", "pa", "missing offer", "missing pa"])
def test_an_unpublished_or_missing_listing_is_refused(session, what):
    w = make_quote_world()
    if what == "offer":
        hidden = make_offer(w.aire, title="Not yet live", status="draft")
        _refused_recipients(session, w, offer_ids=[hidden.id])
    elif what == "organisation":
        # The offer is live but its organisation is suspended: the directory shows neither.
        session.execute(
            update(type(w.kirk)).where(type(w.kirk).id == w.kirk.id).values(status="suspended")
        )
        session.commit()
        _refused_recipients(session, w, offer_ids=[w.kirk_offer.id])
    elif what == "pa":
        hidden = make_pa(make_user(Role.PA), status="draft")
        _refused_recipients(session, w, offer_ids=[], pa_profile_ids=[hidden.id])
    elif what == "missing offer":
        _refused_recipients(session, w, offer_ids=[999_999])
    else:
        _refused_recipients(session, w, offer_ids=[], pa_profile_ids=[999_999])


def test_at_most_ten_providers_are_asked_at_once(session):
    w = make_quote_world()
    offers = [w.aire_offer.id, w.kirk_offer.id]
    offers += [make_offer(make_organisation()).id for _ in range(MAX_RECIPIENTS - 2)]
    request = create_request(session, w.broker, request_input(w, offer_ids=offers))
    assert len(request.quotes) == MAX_RECIPIENTS
    eleventh = make_offer(make_organisation()).id
    message = _refused_recipients(session, w, offer_ids=[*offers, eleventh])
    assert message == "Ask at most 10 providers at once"


def test_nothing_of_a_refused_request_reaches_the_database(session):
    w = make_quote_world()
    with pytest.raises(ValidationFailed):
        create_request(session, w.broker, request_input(w, description=""))
    session.rollback()
    for model in (QuoteRequest, Quote, QuoteEvent):
        assert session.scalar(select(func.count()).select_from(model)) == 0
