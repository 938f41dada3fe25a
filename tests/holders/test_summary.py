"""The read side: this year's budget, the plan being worked on, how long it has waited, and
what to do next."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import render_template_string

from marketplace.clock import today, utcnow
from marketplace.holders import summary
from marketplace.holders.access import care_access
from marketplace.plans.models import PlanEvent
from tests.factories import link_broker, make_budget, make_plan


def _year_start(years_ago: int = 0) -> date:
    now = today()
    start = date(now.year - years_ago, 4, 1)
    return start if start <= now else date(now.year - years_ago - 1, 4, 1)


def test_the_current_budget_is_this_plan_years_else_the_latest(session, world):
    this_year = _year_start()
    last = make_budget(world.holder, world.leeds, year_start=_year_start(1))
    assert summary.current_budgets(session, [world.holder.id])[world.holder.id].id == last.id
    current = make_budget(world.holder, world.leeds, year_start=this_year)
    make_budget(world.holder, world.leeds, year_start=this_year.replace(year=this_year.year + 1))
    assert summary.current_budgets(session, [world.holder.id])[world.holder.id].id == current.id
    assert summary.current_budgets(session, []) == {}


def test_the_current_plan_is_the_newest_revision_not_superseded(session, world):
    make_plan(world.holder, status="superseded", council=world.leeds, revision=1)
    approved = make_plan(world.holder, status="approved", council=world.leeds, revision=2)
    assert summary.current_plans(session, [world.holder.id])[world.holder.id].id == approved.id
    draft = make_plan(world.holder, status="draft", revision=3, previous_id=approved.id)
    assert summary.current_plans(session, [world.holder.id])[world.holder.id].id == draft.id


def test_a_referred_plan_counts_its_wait_from_when_it_was_submitted(session, world):
    plan = make_plan(world.holder, status="referred", council=world.leeds)
    plan.submitted_at = utcnow() - timedelta(days=20)
    session.add(
        PlanEvent(
            plan_id=plan.id,
            from_status="submitted",
            to_status="referred",
            at=utcnow() - timedelta(days=6),
        )
    )
    session.commit()
    access = care_access(session, world.officer, world.holder.id)
    page = summary.dashboard(session, access)
    assert page.days_waiting == 20
    [decide] = [t for t in page.tasks if t.endpoint == "plans.plan"]
    assert decide.hint == "It has been waiting 20 days."
    [row] = summary.people_rows(session, [(world.holder, None)])
    assert row.days_waiting == 20


def test_a_draft_is_not_waiting(session, world):
    make_plan(world.holder, status="draft")
    access = care_access(session, world.holder, world.holder.id)
    assert summary.dashboard(session, access).days_waiting is None


def test_the_holders_next_steps_follow_the_seven_steps(session, world):
    access = care_access(session, world.holder, world.holder.id)
    tasks = summary.dashboard(session, access).tasks
    assert [(t.endpoint, t.state) for t in tasks] == [
        ("holders.requirements", "done"),
        ("budgets.ras_questionnaire", "todo"),
        ("plans.holder_plans", "todo"),
        ("holders.people", "optional"),
    ]
    make_budget(world.holder, world.leeds)
    plan = make_plan(world.holder, outcomes=())
    link_broker(world.holder, world.broker, status="invited")
    tasks = summary.dashboard(session, access).tasks
    assert [(t.endpoint, t.state) for t in tasks][1:] == [
        ("budgets.holder_budget", "done"),
        ("plans.plan", "todo"),
        ("holders.people", "waiting"),
    ]
    assert "outcomes" in tasks[2].text and tasks[2].values == {"plan_id": plan.id}


def test_a_plan_waiting_for_the_council_is_a_waiting_step(session, world):
    make_plan(world.holder, status="submitted", council=world.leeds)
    access = care_access(session, world.holder, world.holder.id)
    page = summary.dashboard(session, access)
    [plan_task] = [t for t in page.tasks if t.endpoint == "plans.plan"]
    assert plan_task.state == "waiting" and page.days_waiting == 0
    assert plan_task.hint == "You do not need to do anything. It was sent today."


def test_an_officer_is_asked_to_record_a_budget_and_decide_the_plan(session, world):
    make_plan(world.holder, status="submitted", council=world.leeds)
    access = care_access(session, world.officer, world.holder.id)
    tasks = summary.dashboard(session, access).tasks
    assert [(t.endpoint, t.text) for t in tasks] == [
        ("budgets.new_budget", "Record their personal budget"),
        ("plans.plan", "Decide on their support plan"),
        ("holders.people", "Assign a broker"),
    ]


def test_the_budget_totals_add_up_the_streams(app, session, world):
    budget = make_budget(world.holder, world.leeds, streams=(("dp", 52_000), ("managed", 10_400)))
    budget.streams[0].committed_pence = 1_000
    budget.streams[1].spent_pence = 400
    session.commit()
    with app.test_request_context():
        html = render_template_string(
            '{% from "budgets/_macros.html" import streams_table %}{{ streams_table(b, "c") }}',
            b=budget,
        )
    all_streams = re.sub(r"\s+", " ", html.split("All streams")[1])
    for amount in ("£624.00", "£10.00", "£4.00", "£610.00"):
        assert amount in all_streams


def test_every_next_step_links_to_a_page_of_the_app(app, session, world):
    """Every task names an endpoint the app has (the dashboard builds its link with url_for)."""
    endpoints = set()
    for revision, status in enumerate((None, "draft", "submitted", "rejected", "approved")):
        if status:
            make_plan(world.holder, status=status, council=world.leeds, revision=revision)
        for actor in (world.holder, world.officer):
            access = care_access(session, actor, world.holder.id)
            endpoints |= {task.endpoint for task in summary.dashboard(session, access).tasks}
    make_budget(world.holder, world.leeds)
    access = care_access(session, world.officer, world.holder.id)
    endpoints |= {task.endpoint for task in summary.dashboard(session, access).tasks}
    assert {"budgets.ras_questionnaire", "budgets.new_budget", "plans.plan"} <= endpoints
    assert endpoints - set(app.view_functions) == set()
