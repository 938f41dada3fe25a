"""The plan pages: what they show, how a holder writes a plan and an officer decides it, and that
a refused form answers 400 with an error summary naming the field, having saved nothing."""

from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.mail.models import OutboxMessage
from marketplace.plans.models import PlanLine, PlanOutcome, SupportPlan
from tests.factories import link_broker, link_representative, make_plan
from tests.plans.helpers import cast, client_for, count, serve_outcomes, text


def _error_summary(response) -> str:
    page = text(response)
    assert response.status_code == 400, page[:300]
    assert "govuk-error-summary" in page
    match = re.search(r'<div class="govuk-error-summary.*?</ul>', page, flags=re.S)
    assert match
    return match.group(0)


@pytest.fixture
def people(app, session):
    return cast()


def _line_form(**overrides):
    data = {
        "line-kind": "text",
        "line-description": "Gym membership",
        "line-provider_name": "City Gym",
        "line-quantity_hundredths": "2",
        "line-unit": "sessions",
        "line-frequency": "week",
        "line-unit_price_pence": "7.50",
        "line-stream_id": "",
    }
    data.update(overrides)
    return data


def test_a_holder_writes_a_plan_submits_it_and_an_officer_approves_it(app, session, people):
    holder = client_for(app, people.holder)
    listing = holder.get(f"/holders/{people.holder.id}/plans")
    assert "Start a support plan" in text(listing)
    started = holder.post(f"/holders/{people.holder.id}/plans", data={"year": ""})
    assert started.status_code == 302
    plan = session.scalar(select(SupportPlan))
    assert started.headers["Location"].endswith(f"/plans/{plan.id}")
    again = holder.post(f"/holders/{people.holder.id}/plans", data={"year": ""})
    assert again.headers["Location"] == started.headers["Location"]

    page = text(holder.get(f"/plans/{plan.id}"))
    for words in ("What matters to you", "Outcome", "How it will be met", "Add outcome", "Save"):
        assert words in page
    assert "Submit plan to the council" in page

    assert (
        holder.post(
            f"/plans/{plan.id}/what-matters", data={"matters-what_matters": "My garden"}
        ).status_code
        == 302
    )
    assert (
        holder.post(
            f"/plans/{plan.id}/outcomes",
            data={"outcome-code": "physical-health", "outcome-how_met": "Gym twice a week"},
        ).status_code
        == 302
    )
    outcome = session.scalar(select(PlanOutcome))
    form = _line_form(
        **{
            "line-stream_id": str(people.budget.streams[0].id),
            "line-outcome_ids": [str(outcome.id)],
        }
    )
    assert holder.post(f"/plans/{plan.id}/lines", data=form).status_code == 302
    page = text(holder.get(f"/plans/{plan.id}"))
    assert "My garden" in page and "Gym membership" in page and "£15.00" in page
    assert "£780.00" in page  # £7.50 x 2 x 52

    assert holder.post(f"/plans/{plan.id}/submit").status_code == 302
    officer = client_for(app, people.officer)
    page = text(officer.get(f"/plans/{plan.id}"))
    for button in ("Approve plan", "Reject plan", "Refer to panel"):
        assert button in page
    approved = officer.post(
        f"/plans/{plan.id}/approve",
        data={"approve-review_months": "6", "approve-reason": "All fine"},
    )
    assert approved.status_code == 302
    session.expire_all()
    plan = session.get(SupportPlan, plan.id)
    assert plan.status == "approved"
    page = text(holder.get(f"/plans/{plan.id}"))
    assert "Approved" in page and "All fine" in page and "Olu Officer" in page
    assert "Start a new revision" in page and "Submit plan to the council" not in page


def test_reading_a_plan_is_audited(app, session, people):
    plan = make_plan(people.holder)
    client_for(app, people.officer).get(f"/plans/{plan.id}")
    reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "read")).all()
    assert [(r.actor_id, r.subject_type, r.subject_id, r.holder_id) for r in reads] == [
        (people.officer.id, "plan", plan.id, people.holder.id)
    ]


def test_submitting_an_incomplete_plan_shows_what_is_missing(app, session, people):
    plan = make_plan(people.holder, outcomes=())
    holder = client_for(app, people.holder)
    summary = _error_summary(holder.post(f"/plans/{plan.id}/submit"))
    assert "Add at least one outcome before you submit the plan" in summary
    assert 'href="#outcomes"' in summary
    session.expire_all()
    assert session.get(SupportPlan, plan.id).status == "draft"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"outcome-code": "", "outcome-how_met": "x"}, "outcome-code", "Select an outcome"),
        ({"outcome-code": "other", "outcome-text": ""}, "outcome-text", "Describe the outcome"),
        ({"outcome-code": "made-up"}, "outcome-code", "Select an outcome from the list"),
        (
            {"outcome-code": "learning", "outcome-how_met": "x" * 5001},
            "outcome-how_met",
            "5,000 characters or fewer",
        ),
    ],
)
def test_a_refused_outcome_answers_400_and_saves_nothing(
    app, session, people, data, field, message
):
    plan = make_plan(people.holder, outcomes=())
    summary = _error_summary(
        client_for(app, people.holder).post(f"/plans/{plan.id}/outcomes", data=data)
    )
    assert message in summary and f'href="#{field}"' in summary
    assert count(session, PlanOutcome) == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"line-quantity_hundredths": "0"}, "line-quantity_hundredths", "more than 0"),
        ({"line-quantity_hundredths": "lots"}, "line-quantity_hundredths", "Enter a number"),
        ({"line-unit_price_pence": "-5"}, "line-unit_price_pence", "cannot be negative"),
        ({"line-unit_price_pence": "12.345"}, "line-unit_price_pence", "pounds and pence"),
        ({"line-unit_price_pence": "abc"}, "line-unit_price_pence", "pounds and pence"),
        ({"line-unit_price_pence": "20000000"}, "line-unit_price_pence", "or less"),
        (
            {"line-start_on": ["2", "5", "2026"], "line-end_on": ["1", "5", "2026"]},
            "line-end_on",
            "same as or after the start date",
        ),
        ({"line-start_on": ["31", "2", "2026"]}, "line-start_on", "must be a real date"),
        ({"line-outcome_ids": ["999999"]}, "line-outcome_ids", "from the list"),
        ({"line-stream_id": "999999"}, "line-stream_id", "not one of this person"),
        ({"line-kind": "unpaid"}, "line-unit_price_pence", "Unpaid support costs nothing"),
        ({"line-description": ""}, "line-description", "Describe the support"),
    ],
)
def test_a_refused_line_answers_400_and_saves_nothing(
    app, session, people, overrides, field, message
):
    plan = make_plan(people.holder)
    response = client_for(app, people.holder).post(
        f"/plans/{plan.id}/lines", data=_line_form(**overrides)
    )
    summary = _error_summary(response)
    assert message in summary and f'href="#{field}"' in summary, summary
    assert count(session, PlanLine) == 0


def test_a_refused_decision_answers_400_with_the_field_named(app, session, people):
    plan = make_plan(people.holder, status="submitted", council=people.council)
    officer = client_for(app, people.officer)
    summary = _error_summary(officer.post(f"/plans/{plan.id}/reject", data={"reject-reason": ""}))
    assert "Enter the reason for not approving" in summary and 'href="#reject-reason"' in summary
    summary = _error_summary(officer.post(f"/plans/{plan.id}/refer", data={"refer-reason": " "}))
    assert 'href="#refer-reason"' in summary
    summary = _error_summary(
        officer.post(f"/plans/{plan.id}/approve", data={"approve-review_months": "30"})
    )
    assert "between 1 and 24 months" in summary and 'href="#approve-review_months"' in summary
    summary = _error_summary(
        officer.post(f"/plans/{plan.id}/approve", data={"approve-review_months": "soon"})
    )
    assert "whole number" in summary
    session.expire_all()
    assert session.get(SupportPlan, plan.id).status == "submitted"
    assert count(session, OutboxMessage) == 0


def test_what_matters_too_long_answers_400(app, session, people):
    plan = make_plan(people.holder)
    summary = _error_summary(
        client_for(app, people.holder).post(
            f"/plans/{plan.id}/what-matters", data={"matters-what_matters": "x" * 5001}
        )
    )
    assert 'href="#matters-what_matters"' in summary


def test_changing_an_approved_plan_through_the_page_is_a_409_saying_why(app, session, people):
    plan = make_plan(people.holder, status="approved", council=people.council)
    response = client_for(app, people.holder).post(
        f"/plans/{plan.id}/what-matters", data={"matters-what_matters": "Changed"}
    )
    assert response.status_code == 409
    assert "This plan is approved and locked; start a new revision to change it" in text(response)


def test_an_outcome_and_a_line_are_changed_on_their_own_pages(app, session, people):
    plan = make_plan(people.holder)
    [outcome] = plan.outcomes
    holder = client_for(app, people.holder)
    page = holder.get(f"/plans/{plan.id}/outcomes/{outcome.id}")
    assert page.status_code == 200 and "A PA twice a week." in text(page)
    saved = holder.post(
        f"/plans/{plan.id}/outcomes/{outcome.id}",
        data={
            "outcome-code": "other",
            "outcome-text": "Keep my allotment",
            "outcome-how_met": "PA",
        },
    )
    assert saved.status_code == 302
    refused = holder.post(f"/plans/{plan.id}/outcomes/{outcome.id}", data={"outcome-code": "other"})
    assert refused.status_code == 400
    session.expire_all()
    assert session.get(PlanOutcome, outcome.id).text == "Keep my allotment"

    assert holder.post(f"/plans/{plan.id}/lines", data=_line_form()).status_code == 302
    line = session.scalar(select(PlanLine))
    page = holder.get(f"/plans/{plan.id}/lines/{line.id}")
    assert page.status_code == 200 and 'value="7.50"' in text(page)
    changed = holder.post(
        f"/plans/{plan.id}/lines/{line.id}", data=_line_form(**{"line-quantity_hundredths": "3"})
    )
    assert changed.status_code == 302
    refused = holder.post(
        f"/plans/{plan.id}/lines/{line.id}", data=_line_form(**{"line-quantity_hundredths": "0"})
    )
    assert refused.status_code == 400
    session.expire_all()
    assert session.get(PlanLine, line.id).quantity_hundredths == 300

    assert holder.post(f"/plans/{plan.id}/lines/{line.id}/remove").status_code == 302
    assert holder.post(f"/plans/{plan.id}/outcomes/{outcome.id}/remove").status_code == 302
    assert count(session, PlanLine) == 0 and count(session, PlanOutcome) == 0


@pytest.mark.parametrize(
    ("status", "how"),
    [
        ("submitted", "withdraw it to change it"),
        ("approved", "start a new revision to change it"),
        ("referred", "cannot be changed until it is decided"),
    ],
)
def test_the_change_pages_of_a_locked_plan_go_back_to_the_plan_saying_how_to_change_it(
    app, session, people, status, how
):
    plan = make_plan(people.holder, status=status, council=people.council)
    holder = client_for(app, people.holder)
    line = PlanLine(
        plan_id=plan.id, kind="unpaid", description="Sister visits", start_on=plan.year_start
    )
    session.add(line)
    session.commit()
    for path in (
        f"/plans/{plan.id}/outcomes/{plan.outcomes[0].id}",
        f"/plans/{plan.id}/lines/{line.id}",
        f"/plans/{plan.id}/outcomes/999999",
    ):
        locked = holder.get(path)
        assert locked.status_code == 302, path
        assert locked.headers["Location"].endswith(f"/plans/{plan.id}")
        page = text(holder.get(locked.headers["Location"]))
        assert "govuk-notification-banner" in page and how in page
        assert "Go to the start page" not in page
    # Posting a change there saves nothing.
    posted = holder.post(
        f"/plans/{plan.id}/lines/{line.id}",
        data={
            "line-kind": "unpaid",
            "line-description": "Changed",
            "line-quantity_hundredths": "1",
        },
    )
    assert posted.status_code == 302
    session.expire_all()
    assert session.get(PlanLine, line.id).description == "Sister visits"


def test_the_edit_pages_of_a_locked_plan_say_why_it_is_locked(app, session, people):
    plan = make_plan(people.holder, status="submitted", council=people.council)
    holder = client_for(app, people.holder)
    officer = client_for(app, people.officer)
    assert officer.get(f"/plans/{plan.id}/outcomes/{plan.outcomes[0].id}").status_code == 404
    assert "Change<span" not in text(holder.get(f"/plans/{plan.id}"))
    assert "Withdraw plan" in text(holder.get(f"/plans/{plan.id}"))
    assert holder.post(f"/plans/{plan.id}/withdraw").status_code == 302
    session.expire_all()
    assert session.get(SupportPlan, plan.id).status == "draft"


def _mail_to(session):
    session.expire_all()
    return {(m.to_address, m.subject) for m in session.scalars(select(OutboxMessage))}


@pytest.mark.parametrize(
    ("action", "data", "subject"),
    [
        ("approve", {"approve-review_months": "12"}, "Support plan approved"),
        ("reject", {"reject-reason": "Too costly"}, "Support plan not approved"),
        ("refer", {"refer-reason": "Risk panel"}, "Support plan referred to a panel"),
    ],
)
def test_a_decision_is_mailed_to_the_holder_and_their_people_only(
    app, session, people, action, data, subject
):
    representative = link_representative(people.holder)
    broker = link_broker(people.holder)
    invited = link_broker(people.holder, status="invited")
    plan = make_plan(people.holder, status="submitted", council=people.council)
    response = client_for(app, people.officer).post(f"/plans/{plan.id}/{action}", data=data)
    assert response.status_code == 302
    sent = _mail_to(session)
    assert sent == {
        (people.holder.email, subject),
        (representative.email, subject),
        (broker.email, subject),
    }
    assert invited.email not in {to for to, _ in sent}
    body = session.scalars(select(OutboxMessage)).first().body
    assert f"/plans/{plan.id}" in body


def test_submitting_and_withdrawing_send_no_mail(app, session, people):
    plan = make_plan(people.holder)
    serve_outcomes(plan.id)
    holder = client_for(app, people.holder)
    assert holder.post(f"/plans/{plan.id}/submit").status_code == 302
    assert holder.post(f"/plans/{plan.id}/withdraw").status_code == 302
    assert _mail_to(session) == set()


def test_every_form_on_the_plan_pages_carries_a_csrf_token(app, session, people):
    draft = make_plan(people.holder)
    waiting = make_plan(
        people.holder,
        status="submitted",
        council=people.council,
        year_start=draft.year_start.replace(year=draft.year_start.year - 1),
    )
    holder, officer = client_for(app, people.holder), client_for(app, people.officer)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for response in (
            holder.get(f"/holders/{people.holder.id}/plans"),
            holder.get(f"/plans/{draft.id}"),
            holder.get(f"/plans/{draft.id}/outcomes/{draft.outcomes[0].id}"),
            officer.get(f"/plans/{waiting.id}"),
        ):
            assert response.status_code == 200
            forms = re.findall(r'<form[^>]*method="post".*?</form>', text(response), flags=re.S)
            assert forms and all(re.search(r'name="([a-z]+-)?csrf_token"', form) for form in forms)
        assert holder.post(f"/plans/{draft.id}/submit").status_code == 400
        assert (
            officer.post(f"/plans/{waiting.id}/approve", data={"approve-review_months": "12"})
        ).status_code == 400
        # The test's app context shares Flask's g with the requests: forget the token that
        # Flask-WTF cached there for the holder's requests.
        g.pop("csrf_token", None)
        page = text(officer.get(f"/plans/{waiting.id}"))
        token = re.search(r'name="approve-csrf_token" type="hidden" value="([^"]+)"', page)
        assert token, "the approve form's prefixed token"
        with_token = {"approve-review_months": "12", "approve-csrf_token": token.group(1)}
        assert officer.post(f"/plans/{waiting.id}/approve", data=with_token).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    session.expire_all()
    assert session.get(SupportPlan, draft.id).status == "draft"
    assert session.get(SupportPlan, waiting.id).status == "approved"


def test_the_add_line_hint_links_to_the_directory_search(app, session, people):
    plan = make_plan(people.holder)
    page = text(client_for(app, people.holder).get(f"/plans/{plan.id}"))
    assert 'href="/search"' in page and "search the directory" in page
    assert "package builder" in page
    assert "are added from the directory." not in page
