"""Changing an approved plan: a new revision copies it as a draft; the approved one stays in
force until the new one is approved, and is then superseded. History is kept."""

from __future__ import annotations

import pytest

from marketplace.errors import Conflict, InvalidTransition
from marketplace.plans import services
from marketplace.plans.lines import LineInput
from marketplace.plans.models import SupportPlan
from tests.factories import make_plan
from tests.plans.helpers import cast, client_for, count, events, serve_outcomes


def _approved_with_lines(session, people):
    plan = services.start_plan(session, people.holder, people.holder.id)
    services.update_plan(session, people.holder, plan.id, what_matters="Seeing my grandchildren")
    safe = services.add_outcome(
        session, people.holder, plan.id, code="safety", text="At night", how_met="Sleep-in PA"
    )
    out = services.add_outcome(session, people.holder, plan.id, code="community", how_met="Club")
    services.add_line(
        session,
        people.holder,
        plan.id,
        LineInput(
            description="Sleep-in support",
            unit="nights",
            quantity_hundredths=200,
            unit_price_pence=9000,
            stream_id=people.budget.streams[0].id,
            outcome_ids=[safe.id, out.id],
        ),
    )
    services.add_line(
        session,
        people.holder,
        plan.id,
        LineInput(kind="unpaid", description="Friend drives to club", outcome_ids=[out.id]),
    )
    services.submit_plan(session, people.holder, plan.id)
    services.approve_plan(session, people.officer, plan.id)
    return plan


def _get(session, plan_id):
    session.expire_all()
    return session.get(SupportPlan, plan_id)


def test_a_revision_copies_what_matters_outcomes_and_lines_with_their_links(app, session):
    people = cast()
    first = _approved_with_lines(session, people)
    second = services.start_revision(session, people.holder, first.id)
    first, second = _get(session, first.id), _get(session, second.id)

    assert (second.revision, second.previous_id, second.status) == (2, first.id, "draft")
    assert second.year_start == first.year_start
    assert second.what_matters == "Seeing my grandchildren"
    assert [(o.code, o.text, o.how_met) for o in second.outcomes] == [
        (o.code, o.text, o.how_met) for o in first.outcomes
    ]
    assert {o.id for o in second.outcomes}.isdisjoint({o.id for o in first.outcomes})
    for old, new in zip(first.lines, second.lines, strict=True):
        assert (new.description, new.unit_price_pence, new.stream_id, new.kind) == (
            old.description,
            old.unit_price_pence,
            old.stream_id,
            old.kind,
        )
        assert [o.code for o in new.outcomes] == [o.code for o in old.outcomes]
        assert {o.plan_id for o in new.outcomes} <= {second.id}
    assert first.status == "approved"  # still in force
    [started] = events(session, second.id)
    assert (started.to_status, started.actor_id, started.reason) == (
        "draft",
        people.holder.id,
        "Revision 2 started",
    )


def test_approving_the_revision_supersedes_the_plan_it_replaces(app, session):
    people = cast()
    first = _approved_with_lines(session, people)
    second = services.start_revision(session, people.holder, first.id)
    services.update_plan(session, people.holder, second.id, what_matters="Now also work")
    services.submit_plan(session, people.holder, second.id)
    assert _get(session, first.id).status == "approved"
    services.approve_plan(session, people.officer, second.id)

    assert _get(session, first.id).status == "superseded"
    assert _get(session, second.id).status == "approved"
    last = events(session, first.id)[-1]
    assert (last.from_status, last.to_status, last.actor_id, last.reason) == (
        "approved",
        "superseded",
        people.officer.id,
        "Replaced by revision 2",
    )
    assert services.current_plan(session, people.holder.id).id == second.id


def test_a_rejected_plan_can_be_revised_too(app, session):
    people = cast()
    plan = make_plan(people.holder, status="rejected", council=people.council)
    revision = services.start_revision(session, people.holder, plan.id)
    assert (revision.revision, revision.status) == (2, "draft")
    assert [o.code for o in revision.outcomes] == ["independence"]


def test_starting_a_revision_twice_lands_on_the_same_draft(app, session):
    people = cast()
    plan = make_plan(people.holder, status="approved", council=people.council)
    first = services.start_revision(session, people.holder, plan.id)
    again = services.start_revision(session, people.holder, plan.id)
    assert first.id == again.id
    assert services.start_plan(session, people.holder, people.holder.id).id == first.id
    assert count(session, SupportPlan) == 2


def test_no_revision_while_a_newer_one_is_with_the_council(app, session):
    people = cast()
    plan = make_plan(people.holder, status="approved", council=people.council)
    revision = services.start_revision(session, people.holder, plan.id)
    serve_outcomes(revision.id)
    services.submit_plan(session, people.holder, revision.id)
    with pytest.raises(Conflict) as refused:
        services.start_revision(session, people.holder, plan.id)
    assert "Revision 2" in refused.value.message
    assert count(session, SupportPlan) == 2


@pytest.mark.parametrize("status", ["draft", "submitted", "referred", "superseded"])
def test_only_approved_or_rejected_plans_are_revised(app, session, status):
    people = cast()
    council = None if status == "draft" else people.council
    plan = make_plan(people.holder, status=status, council=council)
    with pytest.raises(InvalidTransition) as refused:
        services.start_revision(session, people.holder, plan.id)
    assert refused.value.status_code == 409
    assert "cannot become a new draft revision" in refused.value.message
    assert count(session, SupportPlan) == 1


def test_a_revision_of_a_plan_is_started_through_the_page(app, session):
    people = cast()
    plan = make_plan(people.holder, status="approved", council=people.council)
    holder = client_for(app, people.holder)
    response = holder.post(f"/plans/{plan.id}/revise")
    assert response.status_code == 302
    revision = session.query(SupportPlan).filter_by(revision=2).one()
    assert response.headers["Location"].endswith(f"/plans/{revision.id}")
    page = holder.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "There is a newer revision of this plan" in page
