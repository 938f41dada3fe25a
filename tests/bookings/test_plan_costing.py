"""Booking a plan's own line does not count its money twice when the plan is costed: the money
committed for the line is the line's cost being paid. Money booked for anything else (a
fixed-price offer without a line, a line the revision dropped) still leaves less for the plan;
a revision's copied lines keep the bookings of the lines they were copied from."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update

from marketplace import money
from marketplace.bookings.services import create_booking
from marketplace.budgets.models import BudgetStream
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.plans import services as plan_services
from marketplace.plans.checks import money_problems
from marketplace.plans.costing import line_annual_pence, plan_costs
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.plans.workflow import start_revision
from marketplace.quotes.comparison import affordability_at
from marketplace.quotes.models import QuoteRequest
from tests.bookings.world import booking_input, make_booking_world

SESSION_PRICE = 4300  # 2 hours at £21.50; booking_input books 18 of them


def _plan(plan_id: int) -> SupportPlan:
    db.session.expire_all()
    return db.session.get(SupportPlan, plan_id)


def _approve(w, plan_id: int) -> None:
    """As the council's approval leaves it (the workflow's own tests cover the decision)."""
    db.session.execute(
        update(SupportPlan)
        .where(SupportPlan.id == plan_id)
        .values(
            status="approved",
            council_id=w.council.id,
            submitted_at=utcnow(),
            review_due_on=date.today() + timedelta(days=365),
        )
    )
    db.session.commit()


def _dp_cost(plan: SupportPlan):
    return next(item for item in plan_costs(plan).streams if item.stream.kind == "dp")


def _exact_world():
    """The world with a direct payment holding exactly what the plan's line costs a year."""
    w = make_booking_world()
    annual = line_annual_pence(db.session.get(PlanLine, w.line.id))
    stream = db.session.get(BudgetStream, w.dp.id)
    stream.budget.total_pence += annual - stream.total_pence
    stream.total_pence = annual
    # The plan's year is the budget's (the booking world starts the budget a month ago).
    plan = db.session.get(SupportPlan, w.plan.id)
    plan.year_start = stream.budget.year_start
    for line in plan.lines:
        line.start_on = plan.year_start
    db.session.commit()
    return w, annual


def test_booking_the_plans_own_line_leaves_the_plan_fitting(session):
    w, annual = _exact_world()
    before = _dp_cost(_plan(w.plan.id))
    assert (before.cost.annual_pence, before.available_pence, before.over_pence) == (
        annual,
        annual,
        0,
    )
    booking = create_booking(db.session, w.broker, booking_input(w))
    assert booking.line_id == w.line.id
    after = _dp_cost(_plan(w.plan.id))
    assert after.stream.committed_pence == 18 * SESSION_PRICE
    assert after.booked_for_lines_pence == 18 * SESSION_PRICE
    assert (after.available_pence, after.over_pence) == (annual, 0)
    assert not after.used_elsewhere
    plan = _plan(w.plan.id)
    assert f"stream-{w.dp.id}" not in money_problems(plan, plan_costs(plan))


def test_money_booked_beside_the_plan_is_not_there_to_plan_with(session):
    w, annual = _exact_world()
    create_booking(
        db.session,
        w.representative,
        booking_input(
            w,
            quote_id=None,
            offer_id=w.kirk_offer.id,
            holder_id=w.holder.id,
            stream_id=w.dp.id,
            kind="one_off",
            quantity_hundredths=150,
        ),
    )
    cost = _dp_cost(_plan(w.plan.id))
    assert cost.booked_for_lines_pence == 0
    assert (cost.available_pence, cost.over_pence) == (annual - 3600, 3600)
    plan = _plan(w.plan.id)
    assert money_problems(plan, plan_costs(plan))[f"stream-{w.dp.id}"].endswith(
        "left after what is committed or spent: £36.00 over"
    )


def test_a_lines_booking_paid_from_another_stream_is_not_the_lines_cost(session):
    w, annual = _exact_world()
    managed = next(s for s in w.budget.streams if s.kind == "managed")
    # The line is paid by the direct payment; this booking for it is paid by the managed budget.
    create_booking(db.session, w.broker, booking_input(w, stream_id=managed.id))
    plan = _plan(w.plan.id)
    dp = _dp_cost(plan)
    assert (dp.booked_for_lines_pence, dp.available_pence) == (0, annual)
    [on_managed] = [item for item in plan_costs(plan).streams if item.stream.id == managed.id]
    assert on_managed.booked_for_lines_pence == 0
    assert on_managed.available_pence == on_managed.stream.total_pence - 18 * SESSION_PRICE


def test_a_lines_bookings_count_up_to_its_yearly_cost_and_beyond_it_against_the_plan(session):
    w, _annual = _exact_world()
    create_booking(db.session, w.broker, booking_input(w))  # 18 sessions, £774.00
    # The line now asks for one hour a week at £10: £520.00 a year, less than is booked on it.
    db.session.execute(
        update(PlanLine)
        .where(PlanLine.id == w.line.id)
        .values(quantity_hundredths=100, unit_price_pence=1000)
    )
    db.session.commit()
    cost = _dp_cost(_plan(w.plan.id))
    assert cost.cost.annual_pence == 52_000
    assert cost.booked_for_lines_pence == 52_000
    assert cost.available_pence == cost.stream.total_pence - (18 * SESSION_PRICE - 52_000)
    assert cost.used_elsewhere


def test_a_revisions_copied_line_keeps_the_bookings_of_the_line_it_came_from(session):
    w, annual = _exact_world()
    create_booking(db.session, w.broker, booking_input(w))
    _approve(w, w.plan.id)
    revision = start_revision(db.session, w.broker, w.plan.id)
    [copy] = revision.lines
    assert copy.copied_from_id == w.line.id
    cost = _dp_cost(_plan(revision.id))
    assert (cost.booked_for_lines_pence, cost.available_pence, cost.over_pence) == (
        18 * SESSION_PRICE,
        annual,
        0,
    )
    # A third revision still finds them, through the second.
    _approve(w, revision.id)
    third = start_revision(db.session, w.broker, revision.id)
    assert _dp_cost(_plan(third.id)).booked_for_lines_pence == 18 * SESSION_PRICE


def test_a_revision_that_drops_the_booked_line_counts_its_money_against_the_rest(session):
    w, annual = _exact_world()
    create_booking(db.session, w.broker, booking_input(w))
    _approve(w, w.plan.id)
    revision = start_revision(db.session, w.broker, w.plan.id)
    [copy] = revision.lines
    plan_services.remove_line(db.session, w.broker, revision.id, copy.id)
    cost = _dp_cost(_plan(revision.id))
    assert cost.cost.annual_pence == 0
    assert cost.available_pence == annual - 18 * SESSION_PRICE


def test_comparing_quotes_does_not_take_the_lines_own_booking_twice(session):
    w, annual = _exact_world()
    request = db.session.get(QuoteRequest, w.request.id)
    price = request.quotes[0].unit_price_pence
    left_before = affordability_at(request, price).left_pence
    create_booking(db.session, w.broker, booking_input(w))
    request = db.session.get(QuoteRequest, w.request.id)
    assert affordability_at(request, price).left_pence == left_before == annual
    assert money.annual_cost(price, 1000, 52) <= annual
