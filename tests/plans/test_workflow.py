"""The plan workflow as a state machine: every allowed move works and is recorded with who and
why; every other move is refused with a 409 that names both states, and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.clock import add_months, today
from marketplace.errors import Conflict, InvalidTransition, ValidationFailed
from marketplace.extensions import db
from marketplace.plans import services
from marketplace.plans.common import STATE_WORDS
from marketplace.plans.models import PlanEvent, SupportPlan
from marketplace.plans.workflow import ALLOWED, move
from tests.factories import make_holder, make_plan
from tests.plans.helpers import (
    cast,
    client_for,
    count,
    events,
    serve_outcomes,
    submitted,
    text,
)

STATUSES = ("draft", "submitted", "referred", "approved", "rejected", "superseded")


def _plan_in(people, status):
    if status == "draft":
        return make_plan(people.holder)
    return make_plan(people.holder, status=status, council=people.council)


def _reload(session, plan):
    session.expire_all()
    return session.get(SupportPlan, plan.id)


def test_the_allowed_map_is_the_documented_workflow():
    documented = {
        "draft": {"submitted"},
        "submitted": {"draft", "approved", "rejected", "referred"},
        "referred": {"approved", "rejected"},
        "approved": {"superseded"},
        "rejected": set(),
        "superseded": set(),
    }
    assert documented == ALLOWED


def test_submitting_a_draft_sends_it_to_the_holders_council_with_the_years_budget(app, session):
    people = cast()
    plan = make_plan(people.holder)
    serve_outcomes(plan.id)
    services.submit_plan(session, people.holder, plan.id)
    plan = _reload(session, plan)
    assert plan.status == "submitted"
    assert plan.council_id == people.council.id
    assert plan.budget_id == people.budget.id
    assert plan.submitted_at is not None
    [started] = events(session, plan.id)
    assert (started.from_status, started.to_status, started.actor_id) == (
        "draft",
        "submitted",
        people.holder.id,
    )
    audit = session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "plan")).all()
    assert [(a.action, a.actor_id, a.holder_id) for a in audit] == [
        ("submitted", people.holder.id, people.holder.id)
    ]


def test_withdrawing_takes_a_submitted_plan_back_to_draft(app, session):
    people = cast()
    plan = submitted(people)
    services.withdraw_plan(session, people.holder, plan.id, reason="Forgot the gym")
    plan = _reload(session, plan)
    assert (plan.status, plan.submitted_at) == ("draft", None)
    [event] = events(session, plan.id)
    assert (event.from_status, event.to_status, event.reason) == (
        "submitted",
        "draft",
        "Forgot the gym",
    )


@pytest.mark.parametrize("start", ["submitted", "referred"])
def test_an_officer_of_the_council_approves_with_a_review_date(app, session, start):
    people = cast()
    plan = _plan_in(people, start)
    services.approve_plan(session, people.officer, plan.id, reason="Good plan", review_months=6)
    plan = _reload(session, plan)
    assert plan.status == "approved"
    assert plan.review_due_on == add_months(today(), 6)
    assert (plan.decided_by_id, plan.decision_reason) == (people.officer.id, "Good plan")
    [event] = events(session, plan.id)
    assert (event.from_status, event.to_status, event.actor_id, event.reason) == (
        start,
        "approved",
        people.officer.id,
        "Good plan",
    )


def test_the_review_is_due_in_twelve_months_unless_the_officer_chooses(app, session):
    people = cast()
    plan = submitted(people)
    services.approve_plan(session, people.officer, plan.id)
    assert _reload(session, plan).review_due_on == add_months(today(), 12)


@pytest.mark.parametrize("months", [0, 25, -3])
def test_a_review_outside_one_to_twenty_four_months_is_refused(app, session, months):
    people = cast()
    plan = submitted(people)
    with pytest.raises(ValidationFailed) as refused:
        services.approve_plan(session, people.officer, plan.id, review_months=months)
    assert "review_months" in refused.value.errors
    assert _reload(session, plan).status == "submitted"
    assert events(session, plan.id) == []


@pytest.mark.parametrize("start", ["submitted", "referred"])
def test_rejecting_needs_a_reason_and_records_it(app, session, start):
    people = cast()
    plan = _plan_in(people, start)
    with pytest.raises(ValidationFailed) as refused:
        services.reject_plan(session, people.officer, plan.id, reason="  ")
    assert refused.value.errors == {"reason": "Enter the reason"}
    assert _reload(session, plan).status == start

    services.reject_plan(session, people.officer, plan.id, reason="Costs more than the budget")
    plan = _reload(session, plan)
    assert (plan.status, plan.decision_reason) == ("rejected", "Costs more than the budget")
    assert events(session, plan.id)[-1].reason == "Costs more than the budget"


def test_referring_to_a_panel_needs_a_reason_and_the_panel_then_decides(app, session):
    people = cast()
    plan = submitted(people)
    with pytest.raises(ValidationFailed):
        services.refer_plan(session, people.officer, plan.id, reason="")
    services.refer_plan(session, people.officer, plan.id, reason="Risk panel: lives alone")
    assert _reload(session, plan).status == "referred"
    services.approve_plan(session, people.officer, plan.id, reason="Panel agreed")
    assert [(e.from_status, e.to_status, e.reason) for e in events(session, plan.id)] == [
        ("submitted", "referred", "Risk panel: lives alone"),
        ("referred", "approved", "Panel agreed"),
    ]


# Each action, what it moves the plan to, and who takes it.
ACTIONS = {
    "submit": ("submitted", "holder", lambda s, u, p: services.submit_plan(s, u, p)),
    "withdraw": ("draft", "holder", lambda s, u, p: services.withdraw_plan(s, u, p)),
    "approve": ("approved", "officer", lambda s, u, p: services.approve_plan(s, u, p)),
    "reject": ("rejected", "officer", lambda s, u, p: services.reject_plan(s, u, p, reason="No")),
    "refer": ("referred", "officer", lambda s, u, p: services.refer_plan(s, u, p, reason="Panel")),
}
DISALLOWED = [
    (status, action)
    for status in STATUSES
    for action, (target, _, _) in ACTIONS.items()
    if target not in ALLOWED[status]
]


@pytest.mark.parametrize(("status", "action"), DISALLOWED, ids=lambda v: str(v))
def test_every_move_the_workflow_does_not_allow_is_a_409_naming_both_states(
    app, session, status, action
):
    people = cast()
    plan = _plan_in(people, status)
    target, who, act = ACTIONS[action]
    with pytest.raises(InvalidTransition) as refused:
        act(session, getattr(people, who), plan.id)
    assert refused.value.status_code == 409
    message = refused.value.message
    assert STATE_WORDS[status] in message and STATE_WORDS[target] in message, message
    assert _reload(session, plan).status == status
    assert events(session, plan.id) == []


def test_the_409_reaches_the_page_with_its_message(app, session):
    people = cast()
    plan = make_plan(people.holder, status="approved", council=people.council)
    officer = client_for(app, people.officer)
    response = officer.post(f"/plans/{plan.id}/reject", data={"reject-reason": "Changed my mind"})
    assert response.status_code == 409
    assert "This plan is approved and cannot become rejected." in text(response)


@pytest.mark.parametrize("status", ["submitted", "referred", "approved", "rejected", "superseded"])
def test_only_drafts_can_be_changed(app, session, status):
    people = cast()
    plan = _plan_in(people, status)
    with pytest.raises(InvalidTransition) as refused:
        services.update_plan(session, people.holder, plan.id, what_matters="New words")
    assert refused.value.status_code == 409
    with pytest.raises(InvalidTransition):
        services.add_outcome(session, people.holder, plan.id, code="learning", how_met="A course")
    assert _reload(session, plan).what_matters == "Getting out and seeing friends."


def test_an_approved_plan_says_it_is_locked_and_how_to_change_it(app, session):
    people = cast()
    plan = make_plan(people.holder, status="approved", council=people.council)
    with pytest.raises(InvalidTransition) as refused:
        services.update_plan(session, people.holder, plan.id, what_matters="x")
    assert refused.value.message == (
        "This plan is approved and locked; start a new revision to change it"
    )


# --- submitting: what a plan needs -----------------------------------------------------------------


def test_a_plan_with_no_outcomes_cannot_be_submitted(app, session):
    people = cast()
    plan = make_plan(people.holder, outcomes=())
    with pytest.raises(ValidationFailed) as refused:
        services.submit_plan(session, people.holder, plan.id)
    assert refused.value.errors == {
        "outcomes": "Add at least one outcome before you submit the plan"
    }
    plan = _reload(session, plan)
    assert (plan.status, plan.submitted_at, plan.council_id) == ("draft", None, None)
    assert count(session, PlanEvent) == 0


def test_every_outcome_must_say_how_it_will_be_met(app, session):
    people = cast()
    plan = make_plan(people.holder, outcomes=())
    services.add_outcome(session, people.holder, plan.id, code="independence", how_met="A PA")
    gap = services.add_outcome(session, people.holder, plan.id, code="learning")
    serve_outcomes(plan.id)
    with pytest.raises(ValidationFailed) as refused:
        services.submit_plan(session, people.holder, plan.id)
    assert refused.value.errors == {
        f"outcome-{gap.id}": "Say how “Learning and developing” will be met"
    }
    assert _reload(session, plan).status == "draft"


def test_a_holder_the_council_does_not_know_cannot_submit(app, session):
    holder = make_holder(None)
    plan = make_plan(holder)
    with pytest.raises(ValidationFailed) as refused:
        services.submit_plan(session, holder, plan.id)
    assert "council" in refused.value.errors
    assert "We do not know which council" in refused.value.errors["council"]
    assert _reload(session, plan).status == "draft"


def test_without_a_budget_for_the_year_the_plan_is_submitted_unlinked(app, session):
    people = cast(year_start=today().replace(year=today().year - 3, month=4, day=1))
    plan = make_plan(people.holder)
    serve_outcomes(plan.id)
    services.submit_plan(session, people.holder, plan.id)
    plan = _reload(session, plan)
    assert (plan.status, plan.budget_id) == ("submitted", None)


# --- one open draft per holder and year -------------------------------------------------------------


def test_starting_a_plan_twice_returns_the_same_draft(app, session):
    people = cast()
    first = services.start_plan(session, people.holder, people.holder.id)
    again = services.start_plan(session, people.holder, people.holder.id)
    assert first.id == again.id
    assert count(session, SupportPlan) == 1
    assert first.year_start == people.budget.year_start
    assert first.budget_id == people.budget.id
    [started] = events(session, first.id)
    assert (started.from_status, started.to_status, started.reason) == (
        None,
        "draft",
        "Plan started",
    )


def test_a_date_inside_the_budget_year_starts_that_years_plan(app, session):
    people = cast()
    plan = services.start_plan(
        session,
        people.holder,
        people.holder.id,
        year_start=people.budget.year_start + timedelta(days=40),
    )
    assert plan.year_start == people.budget.year_start


def test_without_a_budget_the_plan_year_runs_april_to_march(app, session):
    holder = make_holder(None)
    plan = services.start_plan(session, holder, holder.id)
    assert plan.year_start.month == 4 and plan.year_start.day == 1
    assert plan.year_start <= today() < plan.year_start.replace(year=plan.year_start.year + 1)


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_a_year_whose_plan_is_with_the_council_or_decided_is_not_started_again(
    app, session, status
):
    people = cast()
    make_plan(people.holder, status=status, council=people.council)
    with pytest.raises(Conflict) as refused:
        services.start_plan(session, people.holder, people.holder.id)
    assert "There is already a plan for" in refused.value.message
    assert count(session, SupportPlan) == 1


def test_a_year_far_from_now_is_refused(app, session):
    people = cast()
    with pytest.raises(ValidationFailed):
        services.start_plan(
            session, people.holder, people.holder.id, year_start=today().replace(year=1999)
        )


def test_a_decision_that_loses_a_race_is_refused_not_applied_twice(app, session):
    people = cast()
    plan = submitted(people)
    seen = session.get(SupportPlan, plan.id)
    assert seen.status == "submitted"
    session.commit()  # end the read; the plan object keeps what this officer saw
    with db.engine.begin() as other_officer:  # meanwhile, someone else rejects it
        other_officer.execute(
            SupportPlan.__table__.update()
            .where(SupportPlan.id == plan.id)
            .values(status="rejected", decided_at=seen.submitted_at)
        )
    with pytest.raises(InvalidTransition) as refused:
        move(session, seen, "approved", people.officer, review_due_on=today())
    assert refused.value.message == "This plan is rejected and cannot become approved."
    assert _reload(session, plan).status == "rejected"
    assert events(session, plan.id) == []
