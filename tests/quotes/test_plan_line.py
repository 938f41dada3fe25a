"""Accepting a quote puts the agreed price into the holder's draft plan (plans.lines.agree_price):
onto the request's line, or a new line; never into a plan that is no longer a draft, nor past a
package rule, and then nothing is accepted at all. A later change of the price, or of who
provides the line, ends the agreement."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketplace.clock import utcnow
from marketplace.errors import InvalidTransition, RuleBroken
from marketplace.extensions import db
from marketplace.holders.models import HolderRecord
from marketplace.plans.lines import LineInput, update_line
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.quotes import answers
from marketplace.quotes.models import Quote, QuoteRequest
from marketplace.quotes.requests import create_request
from tests.factories import make_budget, make_holder, make_offer, make_plan
from tests.quotes.world import make_quote_world, request_input, terms
from tests.quotes.written import everything


def _offered(session, w, *, price=2150, offer_start=None, **changes):
    """A request (``changes`` to the world's), its first quote offered at ``price``."""
    request = create_request(session, w.broker, request_input(w, **changes))
    quote = request.quotes[0]
    provider = w.pa_user if quote.pa_profile_id is not None else w.aire_staff
    offer = terms(unit_price_pence=price)
    offer.start_on = offer_start or offer.start_on
    answers.offer_quote(session, provider, quote.id, offer)
    return request, quote


def _line(session, line_id):
    session.expire_all()
    return session.get(PlanLine, line_id)


def test_accepting_prices_the_requests_line_with_the_provider_and_the_requests_schedule(session):
    w = make_quote_world()
    starts = date.today() + timedelta(days=14)
    offered_start = date.today() + timedelta(days=21)
    _request, quote = _offered(
        session,
        w,
        price=2175,
        offer_start=offered_start,
        quantity_hundredths=850,
        days=["mon", "wed"],
        time_bands=["morning", "afternoon"],
        start_on=starts,
    )
    outcomes = [o.id for o in _line(session, w.line.id).outcomes]
    answers.accept_quote(session, w.broker, quote.id)
    line = _line(session, w.line.id)
    assert (line.kind, line.offer_id, line.pa_profile_id, line.provider_name) == (
        "offer",
        w.aire_offer.id,
        None,
        "Aire Valley Home Care",
    )
    assert (line.unit_price_pence, line.price_agreed) == (2175, True)
    assert (line.frequency, line.quantity_hundredths, line.unit) == ("week", 850, "hours")
    assert (line.days, line.time_bands) == (["mon", "wed"], ["morning", "afternoon"])
    assert line.start_on == offered_start  # the later of the two: when both can begin
    assert line.description == "Help getting up each morning"  # the plan's words are kept
    assert line.stream_id == w.dp.id
    assert [o.id for o in line.outcomes] == outcomes
    assert len(session.get(SupportPlan, w.plan.id).lines) == 1


def test_accepting_a_pa_asked_directly_makes_it_a_pa_line(session):
    w = make_quote_world()
    _request, quote = _offered(
        session, w, offer_ids=[], pa_profile_ids=[w.pa.id], days=["mon", "tue"], price=1700
    )
    answers.accept_quote(session, w.holder, quote.id)
    line = _line(session, w.line.id)
    assert (line.kind, line.pa_profile_id, line.offer_id, line.provider_name) == (
        "pa",
        w.pa.id,
        None,
        "Joanne W.",
    )
    assert (line.unit_price_pence, line.price_agreed) == (1700, True)


def test_a_request_without_a_line_adds_a_new_line_to_the_draft_plan(session):
    w = make_quote_world()
    request, quote = _offered(
        session, w, line_id=None, stream_id=w.dp.id, description="Swimming on Saturdays"
    )
    assert request.line_id is None and request.plan_id == w.plan.id
    answers.accept_quote(session, w.broker, quote.id)
    session.expire_all()
    plan = session.get(SupportPlan, w.plan.id)
    assert len(plan.lines) == 2
    new = next(line for line in plan.lines if line.id != w.line.id)
    assert session.get(QuoteRequest, request.id).line_id == new.id
    assert (new.description, new.offer_id, new.unit_price_pence, new.price_agreed) == (
        "Swimming on Saturdays",
        w.aire_offer.id,
        2150,
        True,
    )
    assert new.stream_id == w.dp.id and new.position == 1
    assert _line(session, w.line.id).unit_price_pence == 2000  # the other line is untouched


def test_with_no_plan_at_all_the_quote_is_accepted_and_no_plan_is_written(session):
    w = make_quote_world()
    holder = make_holder(w.council, name="Planless Holder")
    make_budget(holder, w.council)
    request = create_request(session, holder, request_input(w, holder_id=holder.id, line_id=None))
    answers.offer_quote(session, w.aire_staff, request.quotes[0].id, terms())
    lines_before = everything(session)["lines"]
    answers.accept_quote(session, holder, request.quotes[0].id)
    session.expire_all()
    assert session.get(Quote, request.quotes[0].id).status == "accepted"
    assert session.get(QuoteRequest, request.id).plan_id is None
    assert everything(session)["lines"] == lines_before
    assert (
        session.scalars(select(SupportPlan).where(SupportPlan.holder_id == holder.id)).all() == []
    )


def test_with_only_an_approved_plan_the_quote_is_accepted_and_the_plan_untouched(session):
    w = make_quote_world()
    holder = make_holder(w.council, name="Approved Holder")
    make_plan(holder, status="approved", council=w.council)
    request = create_request(session, holder, request_input(w, holder_id=holder.id, line_id=None))
    assert request.plan_id is None  # only a draft is priced
    answers.offer_quote(session, w.aire_staff, request.quotes[0].id, terms())
    lines_before = everything(session)["lines"]
    answers.accept_quote(session, holder, request.quotes[0].id)
    assert session.get(Quote, request.quotes[0].id).status == "accepted"
    assert everything(session)["lines"] == lines_before


def _submit_meanwhile(session, w):
    session.execute(
        update(SupportPlan)
        .where(SupportPlan.id == w.plan.id)
        .values(status="submitted", submitted_at=utcnow(), council_id=w.council.id)
    )
    session.commit()


@pytest.mark.parametrize("with_line", [True, False])
def test_a_plan_submitted_meanwhile_refuses_the_acceptance_and_nothing_is_accepted(
    session, with_line
):
    w = make_quote_world()
    changes = {} if with_line else {"line_id": None}
    request, quote = _offered(session, w, **changes)
    other = request.quotes[1]
    answers.offer_quote(session, w.kirk_staff, other.id, terms(unit_price_pence=2300))
    _submit_meanwhile(session, w)
    before = everything(session)
    with pytest.raises(InvalidTransition) as refused:
        answers.accept_quote(session, w.broker, quote.id)
    assert refused.value.status_code == 409
    assert refused.value.message == (
        "This plan is submitted and waiting for the council; withdraw it to change it"
    )
    assert everything(session) == before
    session.expire_all()
    assert session.get(Quote, quote.id).status == "offered"
    assert session.get(Quote, other.id).status == "offered"
    assert session.get(QuoteRequest, request.id).accepted_quote_id is None


def test_a_plan_submitted_while_the_acceptance_runs_refuses_it(app, session, monkeypatch):
    """The submission lands after the acceptance has read the plan as a draft and before it
    writes the line. On SQLite one writer at a time makes that impossible (the acceptance has
    been writing since it claimed the request); PostgreSQL lets it happen, and agree_price's
    conditional update of the plan row refuses the line."""
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite runs one writing transaction at a time: nothing can come between")
    from marketplace.plans import lines

    w = make_quote_world()
    _request, quote = _offered(session, w)
    read_as_draft = lines.editable_plan

    def submitted_meanwhile(*args):
        plan = read_as_draft(*args)
        with Session(db.engine) as elsewhere:
            _submit_meanwhile(elsewhere, w)
        return plan

    monkeypatch.setattr(lines, "editable_plan", submitted_meanwhile)
    before = everything(session)
    with pytest.raises(InvalidTransition) as refused:
        answers.accept_quote(session, w.broker, quote.id)
    assert refused.value.message.startswith("This plan is submitted")
    monkeypatch.undo()
    assert everything(session) == before
    assert session.get(SupportPlan, w.plan.id).status == "submitted"


def test_a_pa_without_a_check_the_holder_asks_for_is_refused_and_nothing_is_accepted(session):
    w = make_quote_world()
    request, _quote = _offered(
        session,
        w,
        offer_ids=[w.aire_offer.id],
        pa_profile_ids=[w.pa.id],
        days=["mon", "tue"],
    )
    aire_q = request.quotes[0]
    pa_q = request.quotes[1]
    answers.offer_quote(session, w.pa_user, pa_q.id, terms(unit_price_pence=1700))
    record = session.get(HolderRecord, w.holder.id)
    record.required_checks = ["enhanced_dbs", "driving_licence"]
    session.commit()
    before = everything(session)
    with pytest.raises(RuleBroken) as refused:
        answers.accept_quote(session, w.broker, pa_q.id)
    assert [r.rule for r in refused.value.rules] == ["pa_check_missing"]
    assert "driving licence" in refused.value.errors["pa_profile_id"].lower()
    assert everything(session) == before
    session.expire_all()
    assert [session.get(Quote, q.id).status for q in (aire_q, pa_q)] == ["offered", "offered"]
    # The other answer, which breaks no rule, can still be accepted.
    answers.accept_quote(session, w.broker, aire_q.id)
    assert _line(session, w.line.id).offer_id == w.aire_offer.id


def test_a_quote_whose_listing_has_gone_becomes_a_line_named_after_the_provider(session):
    w = make_quote_world()
    _request, quote = _offered(session, w)
    session.execute(update(Quote).where(Quote.id == quote.id).values(offer_id=None))
    session.commit()
    session.expire_all()
    answers.accept_quote(session, w.broker, quote.id)
    line = _line(session, w.line.id)
    assert (line.kind, line.offer_id, line.provider_name, line.unit_price_pence) == (
        "text",
        None,
        "Aire Valley Home Care",
        2150,
    )
    assert line.price_agreed
    # Named by words alone, the provider's name is what was agreed with.
    update_line(session, w.broker, w.plan.id, line.id, _as_input(line, provider_name="Someone"))
    assert _line(session, line.id).price_agreed is False


# --- the agreement ends when the line changes ----------------------------------------------------


def _as_input(line: PlanLine, **changes) -> LineInput:
    values = {
        "kind": line.kind,
        "description": line.description,
        "provider_name": line.provider_name,
        "frequency": line.frequency,
        "quantity_hundredths": line.quantity_hundredths,
        "unit": line.unit,
        "unit_price_pence": line.unit_price_pence,
        "stream_id": line.stream_id,
        "outcome_ids": [o.id for o in line.outcomes],
        "start_on": line.start_on,
        "end_on": line.end_on,
        "offer_id": line.offer_id,
        "pa_profile_id": line.pa_profile_id,
        "days": list(line.days),
        "time_bands": list(line.time_bands),
    }
    values.update(changes)
    return LineInput(**values)


def _agreed_line(session):
    w = make_quote_world()
    _request, quote = _offered(session, w)
    answers.accept_quote(session, w.broker, quote.id)
    return w, _line(session, w.line.id)


def test_changing_the_agreed_price_later_ends_the_agreement(session):
    w, line = _agreed_line(session)
    update_line(session, w.broker, w.plan.id, line.id, _as_input(line, unit_price_pence=2500))
    line = _line(session, line.id)
    assert (line.unit_price_pence, line.price_agreed) == (2500, False)


def test_changing_the_provider_at_the_same_price_ends_the_agreement(session):
    w, line = _agreed_line(session)
    same_price = make_offer(w.kirk, title="Early help", price_pence=2150)
    update_line(
        session,
        w.broker,
        w.plan.id,
        line.id,
        _as_input(line, offer_id=same_price.id, provider_name="Kirkstall Care"),
    )
    line = _line(session, line.id)
    assert (line.offer_id, line.unit_price_pence, line.price_agreed) == (
        same_price.id,
        2150,
        False,
    )


def test_changing_what_the_price_counts_ends_the_agreement(session):
    w, line = _agreed_line(session)
    update_line(session, w.broker, w.plan.id, line.id, _as_input(line, unit="visits"))
    assert _line(session, line.id).price_agreed is False


def test_changing_only_the_words_or_the_hours_keeps_the_agreement(session):
    w, line = _agreed_line(session)
    update_line(
        session,
        w.broker,
        w.plan.id,
        line.id,
        _as_input(line, description="Help each weekday morning", quantity_hundredths=1200),
    )
    line = _line(session, line.id)
    assert (line.description, line.quantity_hundredths, line.price_agreed) == (
        "Help each weekday morning",
        1200,
        True,
    )
