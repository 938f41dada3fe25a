"""Who may see a plan, write it, and decide it: each role against each, by service and by page.
Anyone without access gets 404, exactly as for an id that does not exist."""

from __future__ import annotations

import pytest

from marketplace.clock import utcnow
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.holders.models import HolderRecord, Representation
from marketplace.permissions import Role
from marketplace.plans import services
from marketplace.plans.models import SupportPlan
from tests.factories import (
    link_broker,
    link_representative,
    make_holder,
    make_plan,
    make_user,
)
from tests.plans.helpers import cast, client_for, serve_outcomes, submitted

VIEWERS = {"holder", "representative", "broker", "officer"}
PLANNERS = {"holder", "representative", "broker"}
DECIDERS = {"officer"}
EVERYONE = (
    "holder",
    "representative",
    "broker",
    "invited_broker",
    "revoked_representative",
    "officer",
    "other_officer",
    "admin",
    "provider",
    "pa",
    "other_holder",
)


@pytest.fixture
def world(app, session):
    people = cast()
    holder = people.holder
    revoked = link_representative(holder)
    link = session.query(Representation).filter_by(representative_id=revoked.id).one()
    link.revoked_at = utcnow()
    session.commit()
    return people, {
        "holder": holder,
        "representative": link_representative(holder),
        "broker": link_broker(holder),
        "invited_broker": link_broker(holder, status="invited"),
        "revoked_representative": revoked,
        "officer": people.officer,
        "other_officer": people.other_officer,
        "admin": make_user(Role.ADMIN),
        "provider": make_user(Role.PROVIDER_ADMIN),
        "pa": make_user(Role.PA),
        "other_holder": make_holder(people.council),
    }


@pytest.mark.parametrize("who", EVERYONE)
def test_who_can_see_a_plan(app, session, world, who):
    people, users = world
    plan = submitted(people)
    if who in VIEWERS:
        found, access = services.visible_plan(session, users[who], plan.id)
        assert found.id == plan.id
        assert access.relation == ("self" if who == "holder" else who)
    else:
        with pytest.raises(NotFound):
            services.visible_plan(session, users[who], plan.id)


@pytest.mark.parametrize("who", EVERYONE)
def test_who_can_write_and_submit_a_plan(app, session, world, who):
    people, users = world
    plan = make_plan(people.holder)
    serve_outcomes(plan.id)
    if who in PLANNERS:
        services.update_plan(session, users[who], plan.id, what_matters=f"Written by {who}")
        services.submit_plan(session, users[who], plan.id)
        session.expire_all()
        assert session.get(SupportPlan, plan.id).status == "submitted"
    else:
        with pytest.raises(NotFound):
            services.update_plan(session, users[who], plan.id, what_matters="x")
        with pytest.raises(NotFound):
            services.submit_plan(session, users[who], plan.id)
        with pytest.raises(NotFound):
            services.start_plan(session, users[who], people.holder.id)


@pytest.mark.parametrize("who", EVERYONE)
def test_only_an_officer_of_the_plans_council_decides_it(app, session, world, who):
    people, users = world
    plan = submitted(people)
    if who in DECIDERS:
        services.refer_plan(session, users[who], plan.id, reason="Panel")
        services.approve_plan(session, users[who], plan.id)
        session.expire_all()
        assert session.get(SupportPlan, plan.id).status == "approved"
        return
    for decide in (
        lambda: services.approve_plan(session, users[who], plan.id),
        lambda: services.reject_plan(session, users[who], plan.id, reason="No"),
        lambda: services.refer_plan(session, users[who], plan.id, reason="Panel"),
    ):
        with pytest.raises(NotFound):
            decide()
    session.expire_all()
    assert session.get(SupportPlan, plan.id).status == "submitted"


@pytest.mark.parametrize("who", EVERYONE)
def test_pages_answer_404_to_anyone_without_access(app, session, world, who):
    people, users = world
    plan = submitted(people)
    client = client_for(app, users[who])
    expected = 200 if who in VIEWERS else 404
    assert client.get(f"/plans/{plan.id}").status_code == expected
    assert client.get(f"/holders/{people.holder.id}/plans").status_code == expected
    decided = client.post(f"/plans/{plan.id}/approve", data={"approve-review_months": "12"})
    assert decided.status_code == (302 if who in DECIDERS else 404)
    assert client.get("/council/plans").status_code == (
        200 if who in {"officer", "other_officer"} else 404
    )


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_holders_people_change_a_draft_through_the_pages(app, session, world, who):
    people, users = world
    plan = make_plan(people.holder)
    serve_outcomes(plan.id)
    client = client_for(app, users[who])
    response = client.post(f"/plans/{plan.id}/what-matters", data={"matters-what_matters": "Mine"})
    assert response.status_code == (302 if who in PLANNERS else 404)
    response = client.post(f"/plans/{plan.id}/submit")
    assert response.status_code == (302 if who in PLANNERS else 404)


def test_an_officer_of_the_council_a_plan_was_sent_to_still_decides_it_after_a_move(
    app, session, world
):
    people, _ = world
    plan = submitted(people)
    db.session.get(HolderRecord, people.holder.id).council_id = people.other_council.id
    db.session.commit()
    services.approve_plan(session, people.officer, plan.id)
    with pytest.raises(NotFound):
        services.approve_plan(session, people.other_officer, plan.id)


def test_a_missing_plan_is_404_like_someone_elses(app, session, world):
    _, users = world
    client = client_for(app, users["holder"])
    assert client.get("/plans/999999").status_code == 404
    assert client.get("/holders/999999/plans").status_code == 404
