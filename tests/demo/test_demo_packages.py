"""The demo's support plans keep the package rules (issue 6): what went to the council could have
passed, and Grace's draft is the package builder's showcase."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.clock import today
from marketplace.packages.rules import check_package
from marketplace.plans.models import SupportPlan
from tests.demo.test_demo_data import _run

# Plans that went to the council, or were approved once, are judged as on submit.
SUBMITTED = ("submitted", "referred", "approved", "superseded")


def test_no_plan_that_went_to_the_council_breaks_a_package_rule(app, session):
    _run(app)

    plans = session.scalars(select(SupportPlan).order_by(SupportPlan.id)).all()
    assert {p.status for p in plans} >= {*SUBMITTED, "draft"}
    broken = {}
    for plan in plans:
        if plan.status in SUBMITTED:
            errors = check_package(session, plan, for_submit=True).errors
        elif plan.status == "draft":
            # A draft may still leave an outcome unserved: a warning until it is submitted.
            errors = check_package(session, plan).errors
        else:
            continue
        if errors:
            broken[(plan.holder.email, plan.status)] = [f.message for f in errors]
    assert broken == {}
    # The PA lines that keep the rules are real PAs, not only free-text lines.
    assert any(line.kind == "pa" for plan in plans for line in plan.lines)


def test_graces_draft_is_a_whole_package_with_no_errors_even_on_submit(app, session):
    _run(app)

    grace = session.scalar(select(User).where(User.email == "holder@demo.example"))
    plan = session.scalar(select(SupportPlan).where(SupportPlan.holder_id == grace.id))
    assert plan.status == "draft"

    checks = check_package(session, plan, for_submit=True)

    assert checks.errors == []
    # The one warning: her PA's hours take the direct payment near its limit.
    assert [(f.rule, f.stream_id) for f in checks.warnings] == [
        ("stream_near_limit", next(s.id for s in plan.budget.streams if s.kind == "dp"))
    ]
    lines = {line.kind: line for line in plan.lines}
    pa_line = lines["pa"]
    pa = pa_line.pa_profile
    assert pa.user.email == "pa@demo.example" and pa.home_district == "LS6"
    assert any(
        c.kind == "enhanced_dbs" and c.expires_on is not None and c.expires_on > today()
        for c in pa.checks
    )
    assert pa_line.days and pa_line.time_bands == ["morning"]
    assert {f"{day}:morning" for day in pa_line.days} <= set(pa.availability)
    paid_by = {line.stream.kind for line in plan.lines if line.stream is not None}
    assert {"dp", "managed", "isf", "other"} <= paid_by
    managed = next(line for line in plan.lines if line.stream and line.stream.kind == "managed")
    assert managed.kind == "offer" and managed.offer.pay_managed
    free = [line for line in plan.lines if line.kind != "unpaid" and line.unit_price_pence == 0]
    assert [(line.description, line.stream_id) for line in free] == [
        ("Thursday craft group at the community centre (free)", None)
    ]
    unpaid = lines["unpaid"]
    assert unpaid.stream_id is None and unpaid.provider_name == "Family and friends"
    served = {outcome.id for line in plan.lines for outcome in line.outcomes}
    assert served == {outcome.id for outcome in plan.outcomes}
