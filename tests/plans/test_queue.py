"""The officer's work queue: plans waiting for a decision, longest wait first, and the reviews
that are due or overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from marketplace.clock import today, utcnow
from marketplace.plans import services
from tests.factories import make_holder, make_plan
from tests.plans.helpers import cast, client_for, text


def _waiting_since(session, people, days, name, status="submitted", council=None):
    holder = make_holder(council or people.council, name=name)
    plan = make_plan(holder, status=status, council=council or people.council)
    plan.submitted_at = utcnow() - timedelta(days=days)
    session.add(plan)
    session.commit()
    return plan


def test_the_queue_shows_the_councils_waiting_plans_oldest_first(app, session):
    people = cast()
    newest = _waiting_since(session, people, 1, "Newest Person")
    oldest = _waiting_since(session, people, 30, "Oldest Person", status="referred")
    middle = _waiting_since(session, people, 9, "Middle Person")
    _waiting_since(session, people, 60, "Elsewhere Person", council=people.other_council)
    make_plan(people.holder)  # a draft: not the council's yet
    make_plan(make_holder(people.council), status="approved", council=people.council)

    queue = services.officer_queue(session, people.officer)
    assert [item.plan.id for item in queue] == [oldest.id, middle.id, newest.id]
    assert [item.days_waiting for item in queue] == [30, 9, 1]
    assert [item.status for item in queue] == ["referred", "submitted", "submitted"]
    assert queue[0].holder_name == "Oldest Person"

    page = text(client_for(app, people.officer).get("/council/plans"))
    assert page.index("Oldest Person") < page.index("Middle Person") < page.index("Newest Person")
    assert "Elsewhere Person" not in page


def test_someone_who_is_not_an_officer_has_an_empty_queue(app, session):
    people = cast()
    _waiting_since(session, people, 3, "Someone")
    assert services.officer_queue(session, people.holder) == []
    assert services.reviews_due(session, people.holder) == []


def _approved(session, people, name, due_in_days, status="approved", council=None):
    holder = make_holder(council or people.council, name=name)
    plan = make_plan(holder, status=status, council=council or people.council)
    plan.review_due_on = today() + timedelta(days=due_in_days)
    session.add(plan)
    session.commit()
    return plan


def test_reviews_due_soonest_first_with_the_overdue_flagged(app, session):
    people = cast()
    later = _approved(session, people, "Later Person", 45)
    overdue = _approved(session, people, "Overdue Person", -10)
    soon = _approved(session, people, "Soon Person", 3)
    _approved(session, people, "Far Person", 200)
    _approved(session, people, "Replaced Person", -30, status="superseded")
    _approved(session, people, "Elsewhere Person", 5, council=people.other_council)

    due = services.reviews_due(session, people.officer)
    assert [item.plan.id for item in due] == [overdue.id, soon.id, later.id]
    assert [(item.overdue, item.days) for item in due] == [(True, 10), (False, 3), (False, 45)]
    assert [i.plan.id for i in services.reviews_due(session, people.officer, 5)] == [
        overdue.id,
        soon.id,
    ]

    page = text(client_for(app, people.officer).get("/council/plans"))
    assert "Overdue" in page and "Far Person" not in page and "Replaced Person" not in page
    assert page.index("Overdue Person") < page.index("Soon Person") < page.index("Later Person")


def test_the_holder_sees_how_long_their_plan_has_waited(app, session):
    people = cast()
    plan = make_plan(people.holder, status="submitted", council=people.council)
    plan.submitted_at = datetime.combine(today() - timedelta(days=12), datetime.min.time())
    session.add(plan)
    session.commit()
    holder = client_for(app, people.holder)
    assert "waiting 12 days" in text(holder.get(f"/holders/{people.holder.id}/plans"))
    assert "waiting 12 days" in text(holder.get(f"/plans/{plan.id}"))
