"""Starting a plan: only for this plan year or the next; a year that already has a plan with the
council (or decided) leads to that plan, not to a dead end; and a new draft names the council
it will go to from the start."""

from __future__ import annotations

import re

import pytest

from marketplace.api.tokens import create_token
from marketplace.clock import today
from marketplace.errors import NotFound, ValidationFailed
from marketplace.holders.models import HolderRecord
from marketplace.plans import services
from marketplace.plans.common import year_label
from marketplace.plans.models import SupportPlan
from tests.api.conftest import ApiClient
from tests.factories import make_holder, make_plan
from tests.plans.helpers import cast, client_for, count, serve_outcomes, text


def _next(year_start):
    return year_start.replace(year=year_start.year + 1)


def _last(year_start):
    return year_start.replace(year=year_start.year - 1)


# --- which years --------------------------------------------------------------------------------


def test_only_this_plan_year_and_the_next_are_offered(app, session):
    people = cast()
    this_year = people.budget.year_start
    assert services.plan_years(session, people.holder.id) == [this_year, _next(this_year)]
    page = text(client_for(app, people.holder).get(f"/holders/{people.holder.id}/plans"))
    offered = re.findall(r'<option value="(\d{4}-\d\d-\d\d)"', page)
    assert offered == [this_year.isoformat(), _next(this_year).isoformat()]
    assert f'value="{this_year.isoformat()}" selected' in page
    assert year_label(_last(this_year)) not in page


def test_a_plan_year_that_has_ended_is_refused(app, session):
    people = cast()
    with pytest.raises(ValidationFailed) as refused:
        services.start_plan(
            session, people.holder, people.holder.id, year_start=_last(people.budget.year_start)
        )
    assert refused.value.errors == {
        "year_start": "That plan year has ended: choose this plan year or the next one"
    }
    with pytest.raises(ValidationFailed) as refused:
        services.start_plan(
            session,
            people.holder,
            people.holder.id,
            year_start=_next(_next(people.budget.year_start)),
        )
    assert refused.value.errors == {"year_start": "Choose this plan year or the next one"}
    assert count(session, SupportPlan) == 0


def test_posting_an_ended_year_shows_the_form_again_with_a_400(app, session):
    people = cast()
    response = client_for(app, people.holder).post(
        f"/holders/{people.holder.id}/plans",
        data={"year": _last(people.budget.year_start).isoformat()},
    )
    page = text(response)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "That plan year has ended" in page
    assert count(session, SupportPlan) == 0


def test_next_years_plan_can_be_started(app, session):
    people = cast()
    plan = services.start_plan(
        session, people.holder, people.holder.id, year_start=_next(people.budget.year_start)
    )
    assert plan.year_start == _next(people.budget.year_start)
    assert plan.budget_id is None  # no budget is recorded for next year yet


def test_without_a_budget_the_years_are_april_to_march(app, session):
    holder = make_holder(None)
    this_year, next_year = services.plan_years(session, holder.id)
    assert (this_year.month, this_year.day) == (4, 1)
    assert this_year <= today() < next_year == _next(this_year)


# --- a year that has a plan already --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "advice", "revise"),
    [
        ("submitted", "withdraw it to change it", False),
        ("referred", "wait for the council", False),
        ("approved", "start a new revision of it to change it", True),
        ("rejected", "start a new revision of it to change it", True),
    ],
)
def test_starting_a_year_that_has_a_plan_goes_to_that_plan(app, session, status, advice, revise):
    people = cast()
    existing = make_plan(people.holder, status=status, council=people.council)
    holder = client_for(app, people.holder)
    response = holder.post(f"/holders/{people.holder.id}/plans", data={"year": ""})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plans/{existing.id}")
    page = text(holder.get(response.headers["Location"]))
    assert "govuk-notification-banner" in page
    assert f"There is already a plan for {year_label(existing.year_start)}" in page
    assert advice in page
    assert ("Start a new revision" in page) == revise
    assert "Go to the start page" not in page
    assert count(session, SupportPlan) == 1


def test_the_api_still_answers_409_for_a_year_that_has_a_plan(app, session):
    people = cast()
    make_plan(people.holder, status="submitted", council=people.council)
    api = ApiClient(app.test_client(), create_token(session, people.holder, "Tests")[1])
    response = api.post("/api/v1/plans", json={"holder_id": people.holder.id})
    assert response.status_code == 409
    assert "There is already a plan for" in response.get_json()["error"]["message"]


# --- the council a new draft will go to ----------------------------------------------------------


def test_a_new_draft_names_the_holders_council_and_the_api_shows_it(app, session):
    people = cast()
    plan = services.start_plan(session, people.holder, people.holder.id)
    assert plan.council_id == people.council.id
    api = ApiClient(app.test_client(), create_token(session, people.holder, "Tests")[1])
    assert api.get(f"/api/v1/plans/{plan.id}").get_json()["council_id"] == people.council.id


def test_a_draft_for_someone_no_council_supports_yet_names_none(app, session):
    holder = make_holder(None)
    assert services.start_plan(session, holder, holder.id).council_id is None


def test_the_council_is_set_again_at_submission_if_the_holder_has_moved(app, session):
    people = cast()
    plan = services.start_plan(session, people.holder, people.holder.id)
    services.add_outcome(session, people.holder, plan.id, code="community", how_met="Club")
    serve_outcomes(plan.id)
    session.get(HolderRecord, people.holder.id).council_id = people.other_council.id
    session.commit()
    # The old council's officer does not see the draft it was never sent.
    with pytest.raises(NotFound):
        services.visible_plan(session, people.officer, plan.id)
    services.submit_plan(session, people.holder, plan.id)
    session.expire_all()
    assert session.get(SupportPlan, plan.id).council_id == people.other_council.id


def test_a_new_revision_names_the_holders_council(app, session):
    people = cast()
    approved = make_plan(people.holder, status="approved", council=people.council)
    revision = services.start_revision(session, people.holder, approved.id)
    assert revision.council_id == people.council.id
