"""Approving a plan runs the package rules about its lines again: the directory may have changed
since the plan was submitted (a PA's check expired, an offer no longer payable by its stream, an
offer now run by the council). Such a plan is not approved: the officer is told which rule each
line breaks, where, and what to do instead, and nothing changes."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from marketplace.directory.models import Offer, Organisation, PAProfile
from marketplace.errors import RuleBroken
from marketplace.holders.models import HolderRecord
from marketplace.mail.models import OutboxMessage
from marketplace.plans import services
from marketplace.plans.lines import LineInput
from marketplace.plans.models import SupportPlan
from tests.factories import make_offer, make_organisation, make_pa, make_plan
from tests.plans.helpers import cast, client_for, count, events, text

ADVICE = "Reject the plan so that it can be changed, or refer it to a panel."


def _status(session, plan_id):
    session.expire_all()
    return session.get(SupportPlan, plan_id).status


def _submitted(session, people, data: LineInput):
    """A draft with the one line serving its outcome, sent to the council through the workflow
    (so it met every rule when it was submitted)."""
    plan = make_plan(people.holder)
    data.outcome_ids = [plan.outcomes[0].id]
    line = services.add_line(session, people.holder, plan.id, data)
    services.submit_plan(session, people.holder, plan.id)
    return plan.id, line.id


def _pa_line(session, people):
    session.get(HolderRecord, people.holder.id).required_checks = ["enhanced_dbs"]
    session.commit()
    pa = make_pa(display_name="Sam Carer")
    data = LineInput(
        kind="pa",
        pa_profile_id=pa.id,
        description="",
        unit_price_pence=None,
        stream_id=people.budget.streams[0].id,
        days=["mon"],
        time_bands=["morning"],
    )
    return pa, data


def _day(day):
    return f"{day.day} {day:%B %Y}"


def _expire(session, pa_id, line_start):
    check = session.get(PAProfile, pa_id).checks[0]
    check.issued_on = line_start - timedelta(days=700)
    check.expires_on = line_start - timedelta(days=1)
    session.commit()


def _offer_line(offer, people):
    return LineInput(
        kind="offer",
        offer_id=offer.id,
        description="",
        unit_price_pence=None,
        stream_id=people.budget.streams[0].id,  # the direct payment
    )


def _refused_approval(session, people, plan_id) -> RuleBroken:
    moves = len(events(session, plan_id))
    mails = count(session, OutboxMessage)
    with pytest.raises(RuleBroken) as refused:
        services.approve_plan(session, people.officer, plan_id)
    assert _status(session, plan_id) == "submitted"
    assert len(events(session, plan_id)) == moves
    assert count(session, OutboxMessage) == mails
    return refused.value


def test_a_pas_check_that_expired_since_submission_stops_approval(app, session):
    people = cast()
    pa, data = _pa_line(session, people)
    plan_id, line_id = _submitted(session, people, data)
    plan = session.get(SupportPlan, plan_id)
    _expire(session, pa.id, plan.lines[0].start_on)
    refused = _refused_approval(session, people, plan_id)
    message = refused.errors[f"line-{line_id}"]
    assert message.startswith("Sam Carer's Enhanced DBS check expired on ")
    # The line began in April and runs on: the check must be in date now.
    assert message.endswith(f"and the line is running now. {ADVICE}")
    assert [(r.rule, r.field) for r in refused.rules] == [("pa_check_expired", f"line-{line_id}")]
    # The officer can still reject it, so that it can be changed.
    services.reject_plan(session, people.officer, plan_id, reason="Sam's DBS check has expired")
    assert _status(session, plan_id) == "rejected"


@pytest.mark.parametrize(
    ("change", "rule", "words"),
    [
        ("council_run", "dp_council_run", "A direct payment cannot pay for a service the council"),
        ("pay_dp", "offer_not_payable_by_stream", "cannot be paid from a direct payment"),
    ],
)
def test_an_offer_that_changed_since_submission_stops_approval(app, session, change, rule, words):
    people = cast()
    offer = make_offer(make_organisation(name="Day Trips Ltd"), title="Outings")
    plan_id, line_id = _submitted(session, people, _offer_line(offer, people))
    if change == "council_run":
        session.get(Organisation, offer.organisation_id).kind = "council_run"
    else:
        session.get(Offer, offer.id).pay_dp = False
    session.commit()
    refused = _refused_approval(session, people, plan_id)
    assert words in refused.errors[f"line-{line_id}"]
    assert refused.errors[f"line-{line_id}"].endswith(ADVICE)
    assert [r.rule for r in refused.rules] == [rule]


def test_a_referred_plan_is_not_sent_to_a_panel_again(app, session):
    people = cast()
    offer = make_offer(title="Outings")
    plan_id, line_id = _submitted(session, people, _offer_line(offer, people))
    services.refer_plan(session, people.officer, plan_id, reason="Panel")
    session.get(Offer, offer.id).pay_dp = False
    session.commit()
    with pytest.raises(RuleBroken) as refused:
        services.approve_plan(session, people.officer, plan_id)
    assert refused.value.errors[f"line-{line_id}"].endswith(
        "Reject the plan so that it can be changed."
    )
    assert _status(session, plan_id) == "referred"


def test_a_plan_whose_lines_still_keep_the_rules_is_approved(app, session):
    people = cast()
    _pa, data = _pa_line(session, people)
    plan_id, _line_id = _submitted(session, people, data)
    services.approve_plan(session, people.officer, plan_id)
    assert _status(session, plan_id) == "approved"


def test_the_officer_sees_the_rule_before_approving_and_the_page_refuses_with_a_400(app, session):
    people = cast()
    pa, data = _pa_line(session, people)
    plan_id, line_id = _submitted(session, people, data)
    _expire(session, pa.id, session.get(SupportPlan, plan_id).lines[0].start_on)
    officer = client_for(app, people.officer)
    page = html.unescape(text(officer.get(f"/plans/{plan_id}")))
    assert "This plan cannot be approved as it stands" in page
    assert "Sam Carer's Enhanced DBS check expired" in page
    assert f'href="#line-{line_id}"' in page
    response = officer.post(f"/plans/{plan_id}/approve", data={"approve-review_months": "12"})
    assert response.status_code == 400
    page = html.unescape(text(response))
    summary = re.search(r'<div class="govuk-error-summary.*?</ul>', page, flags=re.S)
    assert summary, "no error summary"
    assert "Sam Carer's Enhanced DBS check expired" in summary.group(0)
    assert "Reject the plan" in summary.group(0)
    assert f'href="#line-{line_id}"' in summary.group(0)
    assert _status(session, plan_id) == "submitted"
