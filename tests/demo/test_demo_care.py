"""``flask demo-data``, the care side: RAS tables, holders, budgets, support plans and links."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

from flask import Flask
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.budgets.models import Budget, RasAssessment, RasTable
from marketplace.clock import today
from marketplace.demo.load import table_counts
from marketplace.demo.plan import DEMO_PASSWORD, build_plan
from marketplace.demo.support import SCENARIOS
from marketplace.extensions import db
from marketplace.holders.access import care_access
from marketplace.holders.models import BrokerLink, HolderRecord, Representation
from marketplace.money import annual_cost, format_pence
from marketplace.plans.models import SupportPlan
from marketplace.plans.vocab import PERIODS_PER_YEAR
from tests.conftest import sign_in
from tests.demo.test_demo_data import _empty_tables, _run

LEEDS = "E08000035"
DECIDED = ("submitted", "referred", "approved", "rejected", "superseded")


def _users(session) -> dict[str, User]:
    return {u.email: u for u in session.scalars(select(User))}


def _plan_year(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _care_digest(app: Flask) -> str:
    """Everything on the care side, by natural key (ids differ between runs)."""
    with app.app_context():
        s = db.session
        budgets = [
            (
                b.holder.email,
                b.year_start,
                b.total_pence,
                b.contribution_pence,
                b.indicative_pence,
                b.variance_reason,
                b.created_at,
                [(x.kind, x.label, x.total_pence, x.entered_weekly) for x in b.streams],
            )
            for b in s.scalars(select(Budget))
        ]
        plans = [
            (
                p.holder.email,
                p.year_start,
                p.revision,
                p.status,
                p.what_matters,
                p.submitted_at,
                p.review_due_on,
                [(o.code, o.how_met) for o in p.outcomes],
                [
                    (li.kind, li.description, li.quantity_hundredths, li.unit_price_pence)
                    for li in p.lines
                ],
                [(e.to_status, e.actor.email, e.at, e.reason) for e in p.events],
            )
            for p in s.scalars(select(SupportPlan))
        ]
        records = [
            (r.user.email, r.postcode, r.required_checks, r.preferred_gender, r.lacks_capacity)
            for r in s.scalars(select(HolderRecord))
        ]
        assessments = [
            (a.holder.email, a.points, a.working) for a in s.scalars(select(RasAssessment))
        ]
        data = [
            sorted(budgets, key=str),
            sorted(plans, key=str),
            sorted(records),
            sorted(assessments),
        ]
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()


def test_every_council_has_a_resource_allocation_table_in_pounds_a_year(app, session):
    _run(app)

    tables = session.scalars(select(RasTable)).all()
    assert len(tables) == 16
    for table in tables:
        assert 8 <= len(table.questions) <= 10, table.council.name
        assert all(3 <= len(q.options) <= 4 for q in table.questions)
        assert all(q.options[0].points == 0 for q in table.questions)
        most = sum(max(o.points for o in q.options) for q in table.questions)
        if table.method == "rate":
            assert 15_000 <= table.rate_pence_per_point <= 35_000
            assert not table.bands
        else:
            ranges = [(b.min_points, b.max_points) for b in table.bands]
            assert ranges[0][0] == 0 and ranges[-1][1] == most
            assert all(ranges[i][1] + 1 == ranges[i + 1][0] for i in range(len(ranges) - 1))
            amounts = [b.annual_pence for b in table.bands]
            assert amounts == sorted(amounts)
    leeds = next(t for t in tables if t.council.code == LEEDS)
    assert leeds.method == "bands" and leeds.bands[0].annual_pence == 400_000
    assert sum(t.method == "rate" for t in tables) >= 12


def test_each_assessment_shows_working_that_follows_its_councils_table(app, session):
    _run(app)

    assessments = session.scalars(select(RasAssessment)).all()
    assert assessments
    for assessment in assessments:
        table = session.scalar(select(RasTable).where(RasTable.council_id == assessment.council_id))
        points = {(q.text, o.text): o.points for q in table.questions for o in q.options}
        assert [a["question"] for a in assessment.answers] == [q.text for q in table.questions]
        for answer in assessment.answers:
            assert points[(answer["question"], answer["answer"])] == answer["points"]
        assert assessment.points == sum(a["points"] for a in assessment.answers)
        assert assessment.method == table.method
        money = format_pence(assessment.indicative_pence, free_text="")
        if table.method == "rate":
            assert assessment.indicative_pence == assessment.points * table.rate_pence_per_point
            rate = format_pence(table.rate_pence_per_point, free_text="")
            assert assessment.working == f"{assessment.points} points x {rate} = {money}"
        else:
            band = next(b for b in table.bands if b.min_points <= assessment.points <= b.max_points)
            assert assessment.indicative_pence == band.annual_pence
            assert assessment.working == (
                f"{assessment.points} points is in the band {band.min_points} to "
                f"{band.max_points}: {money}"
            )


def test_every_budget_divides_exactly_into_streams_that_are_not_overspent(app, session):
    _run(app)

    budgets = session.scalars(select(Budget)).all()
    assert len(budgets) >= 13
    for budget in budgets:
        assert sum(s.total_pence for s in budget.streams) == budget.total_pence
        assert 0 <= budget.contribution_pence <= budget.total_pence
        assert budget.year_start.month == 4 and budget.year_start.day == 1
        assert budget.year_end == date(budget.year_start.year + 1, 3, 31)
        assert budget.set_by.role == "officer" and budget.set_by.council_id == budget.council_id
        record = session.get(HolderRecord, budget.holder_id)
        assert record is not None and record.council_id == budget.council_id
        for stream in budget.streams:
            assert stream.committed_pence + stream.spent_pence <= stream.total_pence
            assert (stream.kind == "isf") == (stream.organisation_id is not None)
        if budget.indicative_pence is not None and budget.indicative_pence != budget.total_pence:
            assert budget.variance_reason, budget.holder.email
        if budget.ras_assessment is not None:
            assert budget.indicative_pence == budget.ras_assessment.indicative_pence
            assert budget.ras_assessment.holder_id == budget.holder_id
    # Every holder has a budget for the plan year that contains today.
    current = {b.holder_id for b in budgets if b.year_start <= today() <= b.year_end}
    assert current == set(session.scalars(select(HolderRecord.user_id)))


def test_budgets_are_held_the_way_the_primer_says_people_hold_them():
    plan = build_plan(2026, 1.0, date(2026, 11, 23))

    generated = plan.holders[1:]
    assert 30 <= len(generated) <= 60
    ways = Counter()
    for holder in generated:
        kinds = {s.kind for s in holder.budgets[-1].streams if s.kind != "other"}
        managed = holder.budgets[-1].stream("managed")
        if kinds == {"dp"}:
            ways["dp only"] += 1
        elif managed and managed.total_pence * 2 > holder.budgets[-1].total_pence:
            ways["all or mostly managed"] += 1
        if "isf" in kinds:
            ways["isf"] += 1
        if holder.budgets[-1].stream("other"):
            ways["other"] += 1
    assert 0.18 <= ways["dp only"] / len(generated) <= 0.34
    assert 0.55 <= ways["all or mostly managed"] / len(generated) <= 0.8
    assert ways["isf"] >= 2 and ways["other"] >= 2
    totals = sorted(h.budgets[-1].total_pence for h in generated)
    middle = totals[len(totals) // 4 : 3 * len(totals) // 4]
    assert middle[0] >= 600_000 and middle[-1] <= 2_500_000  # typically £8k-£25k a year


def test_plans_are_in_every_state_and_their_events_explain_it(app, session):
    _run(app)

    plans = session.scalars(select(SupportPlan)).all()
    assert {p.status for p in plans} == {
        "draft",
        "submitted",
        "referred",
        "approved",
        "rejected",
        "superseded",
    }
    for plan in plans:
        events = plan.events
        assert events[0].from_status is None and events[0].to_status == "draft"
        assert all(a.to_status == b.from_status for a, b in pairwise(events))
        assert all(a.at <= b.at for a, b in pairwise(events))
        assert events[-1].to_status == plan.status
        assert plan.created_at == events[0].at and plan.created_by_id == events[0].actor_id
        record = session.get(HolderRecord, plan.holder_id)
        assert plan.council_id == record.council_id
        assert plan.budget is not None and plan.budget.year_start == plan.year_start
        submits = [e for e in events if e.to_status == "submitted"]
        decisions = [e for e in events if e.to_status in ("approved", "rejected")]
        assert plan.submitted_at == (submits[-1].at if submits else None)
        assert plan.decided_at == (decisions[-1].at if decisions else None)
        for event in events:
            if event.to_status in ("referred", "approved", "rejected", "superseded"):
                assert event.actor.role == "officer" and event.actor.council_id == plan.council_id
                assert event.reason
            else:
                access = care_access(session, event.actor, plan.holder_id)
                assert access.can_plan, (event.actor.email, plan.holder.email)
        if plan.status in DECIDED:
            assert plan.outcomes and all(o.how_met for o in plan.outcomes)
        if plan.status in ("approved", "superseded"):
            assert plan.review_due_on == _add_year(decisions[-1].at.date())
            assert plan.decided_by.role == "officer"
        if plan.status == "rejected":
            assert plan.decision_reason == decisions[-1].reason != ""
        if plan.status == "superseded":
            newer = _revision(session, plan, plan.revision + 1)
            assert newer.status == "approved" and newer.previous_id == plan.id
        if plan.revision > 1:
            assert plan.previous_id == _revision(session, plan, plan.revision - 1).id
    drafts_of_approved = [
        p for p in plans if p.status == "draft" and p.previous and p.previous.status == "approved"
    ]
    assert drafts_of_approved


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _revision(session, plan: SupportPlan, revision: int) -> SupportPlan:
    return session.scalar(
        select(SupportPlan).where(
            SupportPlan.holder_id == plan.holder_id,
            SupportPlan.year_start == plan.year_start,
            SupportPlan.revision == revision,
        )
    )


def test_officers_see_old_and_new_plans_waiting_and_reviews_due_soon_or_overdue(app, session):
    _run(app)

    now = today()
    waiting = [
        (now - p.submitted_at.date()).days
        for p in session.scalars(select(SupportPlan).where(SupportPlan.status == "submitted"))
    ]
    assert min(waiting) <= 7 and max(waiting) >= 28
    reviews = [
        (p.review_due_on - now).days
        for p in session.scalars(select(SupportPlan).where(SupportPlan.status == "approved"))
    ]
    assert any(days < 0 for days in reviews)
    assert any(0 <= days <= 30 for days in reviews)
    assert any(days > 60 for days in reviews)


def test_approved_and_waiting_plans_fit_their_budget_stream_by_stream(app, session):
    _run(app)

    for plan in session.scalars(select(SupportPlan)):
        spent = Counter()
        for line in plan.lines:
            cost = annual_cost(
                line.unit_price_pence, line.quantity_hundredths, PERIODS_PER_YEAR[line.frequency]
            )
            if line.kind == "unpaid" or not line.unit_price_pence:  # unpaid help, a free group
                assert cost == 0 and line.stream_id is None
            else:
                assert line.stream is not None and line.stream.budget_id == plan.budget_id
                spent[line.stream_id] += cost
            assert set(line.outcomes) <= set(plan.outcomes)
            assert (line.kind == "offer") == (line.offer_id is not None)
        for stream in plan.budget.streams:
            assert spent[stream.id] <= stream.total_pence, plan.holder.email


def test_the_demo_holder_has_a_mixed_budget_a_representative_a_broker_and_a_draft_plan(
    app, session
):
    _run(app)

    users = _users(session)
    grace, david = users["holder@demo.example"], users["representative@demo.example"]
    priya, martin = users["broker@demo.example"], users["officer@demo.example"]
    record = session.get(HolderRecord, grace.id)
    assert record.council.code == LEEDS and record.district == "LS6"
    assert record.postcode.startswith("LS6 ")
    assert record.required_checks == ["enhanced_dbs"]
    assert record.preferred_gender == "female" and record.non_smoker

    now = today()
    budget = session.scalar(
        select(Budget).where(Budget.holder_id == grace.id, Budget.year_start == _plan_year(now))
    )
    assert budget.year_start <= now <= budget.year_end
    streams = {s.kind: s for s in budget.streams}
    assert streams["dp"].total_pence == 180_00 * 52 and streams["dp"].entered_weekly
    assert streams["managed"].total_pence == 120_00 * 52
    assert streams["isf"].organisation.name == "Aire Valley Home Care"
    assert streams["other"].label == "Access to Work"
    assert budget.ras_assessment is not None and budget.ras_assessment.method == "bands"
    assert budget.variance_reason

    assert care_access(session, david, grace.id).relation == "representative"
    assert care_access(session, priya, grace.id).relation == "broker"
    assert care_access(session, martin, grace.id).relation == "officer"
    links = Counter(
        session.scalars(select(BrokerLink.status).where(BrokerLink.broker_id == priya.id))
    )
    assert links["active"] >= 4 and links["invited"] == 1

    plan = session.scalar(select(SupportPlan).where(SupportPlan.holder_id == grace.id))
    assert plan.status == "draft" and plan.year_start == budget.year_start
    assert plan.budget_id == budget.id and plan.what_matters
    assert len(plan.outcomes) == 3 and all(o.how_met for o in plan.outcomes)
    kinds = Counter(line.kind for line in plan.lines)
    assert kinds["unpaid"] == 1 and kinds["text"] >= 1 and kinds["pa"] == 1
    unpaid = next(line for line in plan.lines if line.kind == "unpaid")
    assert unpaid.unit_price_pence == 0 and unpaid.stream_id is None
    pa = next(line for line in plan.lines if line.kind == "pa")
    assert pa.pa_profile.user.email == "pa@demo.example"


def test_every_council_officer_sees_holders_and_some_holders_have_representatives(app, session):
    _run(app)

    officers = session.scalars(select(User).where(User.role == "officer")).all()
    assert len({o.council_id for o in officers}) == 16
    councils = set(session.scalars(select(HolderRecord.council_id)))
    assert len(councils) >= 10
    assert session.scalar(select(Representation.id).limit(1)) is not None
    lacking = session.scalars(select(HolderRecord).where(HolderRecord.lacks_capacity)).all()
    for record in lacking:
        link = session.scalar(
            select(Representation).where(Representation.holder_id == record.user_id)
        )
        assert link.linked_by.role == "officer"


def test_a_generated_holder_can_sign_in_with_the_demo_password(app, session):
    _run(app)

    email = session.scalar(
        select(User.email)
        .where(User.role == "holder", User.email != "holder@demo.example")
        .order_by(User.email)
        .limit(1)
    )
    assert email.endswith("@demo.example")
    assert sign_in(app.test_client(), email, DEMO_PASSWORD).status_code == 302


def test_a_second_run_adds_no_care_data(app):
    _run(app)
    with app.app_context():
        before = table_counts(db.session)
    assert before["Budgets"] and before["Support plans"] and before["Plan events"]
    assert before["RAS tables"] == 16 and before["Broker links"]

    output = _run(app)

    assert "nothing added" in output
    with app.app_context():
        assert table_counts(db.session) == before


def test_the_same_seed_gives_the_same_care_data_and_another_seed_does_not(app):
    _run(app, "--seed", "5")
    first = _care_digest(app)
    _empty_tables(app)

    _run(app, "--seed", "5")
    assert _care_digest(app) == first

    _empty_tables(app)
    _run(app, "--seed", "6")
    assert _care_digest(app) != first


def test_a_bigger_scale_keeps_the_same_holders_and_their_plan_states():
    small = build_plan(7, 0.05, date(2026, 6, 2))
    big = build_plan(7, 0.5, date(2026, 6, 2))

    assert len(small.holders) == 1 + len(SCENARIOS)
    assert len(big.holders) > len(small.holders)
    for a, b in zip(small.holders, big.holders, strict=False):
        assert (a.user.email, a.council_code, a.record) == (b.user.email, b.council_code, b.record)
        assert [p.status for p in a.plans] == [p.status for p in b.plans]
        assert [x.year_start for x in a.budgets] == [x.year_start for x in b.budgets]
        assert [x.indicative_pence for x in a.budgets] == [x.indicative_pence for x in b.budgets]


def test_plan_dates_hold_on_any_day_of_the_year():
    for day in (date(2026, 4, 2), date(2027, 2, 28), date(2026, 9, 30)):
        plan = build_plan(3, 0.05, day)
        for holder in plan.holders:
            years = {b.year_start for b in holder.budgets}
            assert _plan_year(day) in years
            for support in holder.plans:
                assert support.year_start in years
                assert all(e.at.date() < day for e in support.events)
                assert support.events[0].at > holder.created_at
            if holder.assessment:
                assert holder.assessment.created_at < min(b.created_at for b in holder.budgets)
            for budget in holder.budgets:
                assert budget.created_at.date() < day + timedelta(days=1)
