"""A plan goes to the council only when its money adds up: every paid line has a stream, every
line falls inside the plan year, and no stream is asked for more than it has left. Approving
checks the streams again (the budget may have been lowered since). Every refusal is a 400 on
the page (error summary linking to the part to fix) and in the API, with nothing changed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.api.tokens import create_token
from marketplace.clock import plan_year_end
from marketplace.errors import ValidationFailed
from marketplace.mail.models import OutboxMessage
from marketplace.plans import services
from marketplace.plans.lines import LineInput
from marketplace.plans.models import PlanEvent, SupportPlan
from tests.api.conftest import ApiClient
from tests.factories import make_plan
from tests.plans.helpers import cast, client_for, count, events, text

WEEKLY_GYM = 1550 * 6 * 52  # £15.50 x 6 hours x 52 weeks = £4,836.00 a year


def _line(**fields):
    values = {
        "kind": "text",
        "description": "Gym membership",
        "frequency": "week",
        "quantity_hundredths": 600,
        "unit": "hours",
        "unit_price_pence": 1550,
    }
    values.update(fields)
    return LineInput(**values)


def _draft(session, people, *lines):
    plan = make_plan(people.holder)
    for line in lines:
        # Each line serves the plan's outcome: a plan whose outcomes no line serves is refused.
        line.outcome_ids = line.outcome_ids or [o.id for o in plan.outcomes]
        services.add_line(session, people.holder, plan.id, line)
    session.expire_all()
    return session.get(SupportPlan, plan.id)


def _status(session, plan):
    session.expire_all()
    return session.get(SupportPlan, plan.id).status


def _refused_submit(session, people, plan) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        services.submit_plan(session, people.holder, plan.id)
    assert _status(session, plan) == "draft"
    assert events(session, plan.id) == []
    return refused.value.errors


def _api(app, session, user) -> ApiClient:
    return ApiClient(app.test_client(), create_token(session, user, "Tests")[1])


def _summary(response) -> str:
    page = text(response)
    assert response.status_code == 400, page[:300]
    match = re.search(r'<div class="govuk-error-summary.*?</ul>', page, flags=re.S)
    assert match, "no error summary"
    return match.group(0)


# --- submitting -----------------------------------------------------------------------------------


def test_a_paid_line_without_a_stream_is_not_submitted(app, session):
    people = cast()
    plan = _draft(session, people, _line())
    [line] = plan.lines
    errors = _refused_submit(session, people, plan)
    assert errors == {
        f"line-{line.id}-stream": "Choose which budget stream pays for “Gym membership”"
    }


def test_unpaid_and_free_lines_need_no_stream(app, session):
    people = cast()
    plan = _draft(
        session,
        people,
        _line(kind="unpaid", description="Sister visits", unit_price_pence=None),
        _line(description="Free walking group", unit_price_pence=0),
    )
    services.submit_plan(session, people.holder, plan.id)
    assert _status(session, plan) == "submitted"


DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("dates", "words"),
    [
        (lambda first, last: (first - DAY, None), "starts before the plan year begins on"),
        (lambda first, last: (last + DAY, None), "starts after the plan year ends on"),
        (lambda first, last: (first, last + DAY), "ends after the plan year ends on"),
        (
            lambda first, last: (first - DAY, last + DAY),
            "starts before the plan year begins on 1 April 2",
        ),
    ],
)
def test_a_line_outside_the_plan_year_is_not_submitted(app, session, dates, words):
    people = cast()
    start, end = dates(people.budget.year_start, people.budget.year_end)
    dp = people.budget.streams[0]
    plan = _draft(session, people, _line(stream_id=dp.id, start_on=start, end_on=end))
    [line] = plan.lines
    errors = _refused_submit(session, people, plan)
    assert list(errors) == [f"line-{line.id}-dates"]
    message = errors[f"line-{line.id}-dates"]
    assert message.startswith(f"“Gym membership” {words}")
    assert ("and ends after the plan year ends on" in message) == (
        end is not None and start < people.budget.year_start
    )


def test_the_plan_year_runs_to_the_budgets_last_day(app, session):
    people = cast()
    dp = people.budget.streams[0]
    last = people.budget.year_end
    assert last == plan_year_end(people.budget.year_start)
    plan = _draft(session, people, _line(stream_id=dp.id, start_on=last, end_on=last))
    services.submit_plan(session, people.holder, plan.id)
    assert _status(session, plan) == "submitted"


def test_a_stream_asked_for_more_than_it_holds_is_not_submitted(app, session):
    people = cast(streams=(("dp", 52_000), ("managed", 1_000_000)))
    dp, managed = people.budget.streams
    plan = _draft(session, people, _line(stream_id=dp.id), _line(stream_id=managed.id))
    errors = _refused_submit(session, people, plan)
    assert errors == {
        f"stream-{dp.id}": "The lines paid by the direct payment cost £4,836.00 a year but it "
        "holds £520.00: £4,316.00 over"
    }


def test_money_already_committed_or_spent_is_not_there_to_plan_with(app, session):
    people = cast(streams=(("dp", WEEKLY_GYM),))
    [dp] = people.budget.streams
    dp.committed_pence, dp.spent_pence = 100, 50
    session.commit()
    plan = _draft(session, people, _line(stream_id=dp.id))
    errors = _refused_submit(session, people, plan)
    assert errors[f"stream-{dp.id}"] == (
        "The lines paid by the direct payment cost £4,836.00 a year but it has £4,834.50 left "
        "after what is committed or spent: £1.50 over"
    )


def test_a_plan_that_uses_a_stream_exactly_is_submitted(app, session):
    people = cast(streams=(("dp", WEEKLY_GYM),))
    [dp] = people.budget.streams
    plan = _draft(session, people, _line(stream_id=dp.id))
    services.submit_plan(session, people.holder, plan.id)
    assert _status(session, plan) == "submitted"


def test_every_problem_is_listed_at_once(app, session):
    people = cast(streams=(("dp", 100),))
    [dp] = people.budget.streams
    plan = _draft(
        session,
        people,
        _line(),
        _line(
            description="Cinema", stream_id=dp.id, start_on=people.budget.year_end + timedelta(1)
        ),
    )
    no_stream, late = plan.lines
    errors = _refused_submit(session, people, plan)
    assert set(errors) == {
        f"line-{no_stream.id}-stream",
        f"line-{late.id}-dates",
        f"stream-{dp.id}",
    }


def test_the_page_refuses_with_a_400_linking_each_problem_to_its_place(app, session):
    people = cast(streams=(("dp", 52_000),))
    [dp] = people.budget.streams
    plan = _draft(session, people, _line(stream_id=dp.id), _line(description="Swimming"))
    _, swimming = plan.lines
    holder = client_for(app, people.holder)
    before = text(holder.get(f"/plans/{plan.id}"))
    assert "Choose which budget stream pays for “Swimming”" in before  # said before submitting
    response = holder.post(f"/plans/{plan.id}/submit")
    summary = _summary(response)
    page = text(response)
    assert "The lines paid by the direct payment cost £4,836.00 a year but it holds £520.00" in (
        summary
    )
    assert "Choose which budget stream pays for “Swimming”" in summary
    for anchor in (f"stream-{dp.id}", f"line-{swimming.id}-stream"):
        assert f'href="#{anchor}"' in summary
        assert f'id="{anchor}"' in page
    assert _status(session, plan) == "draft"


def test_the_api_refuses_with_a_400_naming_each_problem(app, session):
    people = cast(streams=(("dp", 52_000),))
    [dp] = people.budget.streams
    plan = _draft(session, people, _line(stream_id=dp.id))
    response = _api(app, session, people.holder).post(f"/api/v1/plans/{plan.id}/submit")
    assert response.status_code == 400, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert "£4,316.00 over" in fields[f"stream-{dp.id}"]
    assert _status(session, plan) == "draft"


# --- approving --------------------------------------------------------------------------------------


def _submitted_then_lowered(session, people, status="submitted"):
    """A plan that fitted when it was sent; then the officer lowered the direct payment."""
    [dp] = people.budget.streams
    plan = _draft(session, people, _line(stream_id=dp.id))
    services.submit_plan(session, people.holder, plan.id)
    if status == "referred":
        services.refer_plan(session, people.officer, plan.id, reason="Panel")
    dp.total_pence = people.budget.total_pence = 100_000
    session.commit()
    return plan, dp


@pytest.mark.parametrize("status", ["submitted", "referred"])
def test_approving_checks_the_streams_again(app, session, status):
    people = cast(streams=(("dp", WEEKLY_GYM),))
    plan, dp = _submitted_then_lowered(session, people, status)
    moves = len(events(session, plan.id))
    mails = count(session, OutboxMessage)
    with pytest.raises(ValidationFailed) as refused:
        services.approve_plan(session, people.officer, plan.id)
    message = refused.value.errors[f"stream-{dp.id}"]
    assert message.startswith(
        "The lines paid by the direct payment cost £4,836.00 a year but it holds £1,000.00: "
        "£3,836.00 over."
    )
    assert "Reject the plan so that it can be changed" in message
    assert ("refer it to a panel" in message) == (status == "submitted")
    assert _status(session, plan) == status
    assert len(events(session, plan.id)) == moves
    assert count(session, OutboxMessage) == mails
    # Rejecting (or referring) stays open to the officer.
    services.reject_plan(session, people.officer, plan.id, reason="Over budget now")
    assert _status(session, plan) == "rejected"


def test_approving_refuses_a_paid_line_whose_stream_was_removed(app, session):
    people = cast(streams=(("dp", WEEKLY_GYM), ("managed", 100)))
    dp, _managed = people.budget.streams
    plan = _draft(session, people, _line(stream_id=dp.id))
    services.submit_plan(session, people.holder, plan.id)
    [line] = session.get(SupportPlan, plan.id).lines
    line.stream_id = None  # the stream went (the foreign key sets it to NULL)
    session.commit()
    with pytest.raises(ValidationFailed) as refused:
        services.approve_plan(session, people.officer, plan.id)
    assert refused.value.errors == {
        f"line-{line.id}-stream": "No budget stream pays for “Gym membership” any more. "
        "Reject the plan so that it can be changed, or refer it to a panel."
    }


def test_the_officer_sees_why_before_approving_and_the_page_refuses_with_a_400(app, session):
    people = cast(streams=(("dp", WEEKLY_GYM),))
    plan, dp = _submitted_then_lowered(session, people)
    officer = client_for(app, people.officer)
    page = text(officer.get(f"/plans/{plan.id}"))
    assert "This plan cannot be approved as it stands" in page
    assert "£3,836.00 over" in page and f'href="#stream-{dp.id}"' in page
    response = officer.post(f"/plans/{plan.id}/approve", data={"approve-review_months": "12"})
    summary = _summary(response)
    assert "£3,836.00 over" in summary and "Reject the plan" in summary
    assert f'href="#stream-{dp.id}"' in summary
    assert _status(session, plan) == "submitted"
    assert session.query(PlanEvent).filter_by(plan_id=plan.id, to_status="approved").count() == 0


def test_the_api_refuses_approval_with_a_400(app, session):
    people = cast(streams=(("dp", WEEKLY_GYM),))
    plan, dp = _submitted_then_lowered(session, people)
    response = _api(app, session, people.officer).post(f"/api/v1/plans/{plan.id}/approve")
    assert response.status_code == 400, response.get_json()
    assert "£3,836.00 over" in response.get_json()["error"]["fields"][f"stream-{dp.id}"]
    assert _status(session, plan) == "submitted"


# --- the cost table -------------------------------------------------------------------------------


def _total_row(page: str) -> str:
    match = re.search(r'<th scope="row" class="govuk-table__header">Total</th>.*?</tr>', page, re.S)
    assert match
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_the_cost_tables_total_row_says_whether_the_streams_fit(app, session):
    people = cast(streams=(("dp", 52_000), ("managed", 1_000_000)))
    dp, managed = people.budget.streams
    plan = _draft(session, people, _line(stream_id=managed.id))
    holder = client_for(app, people.holder)
    assert "All streams fit" in _total_row(text(holder.get(f"/plans/{plan.id}")))
    services.add_line(session, people.holder, plan.id, _line(stream_id=dp.id))
    assert "1 stream over" in _total_row(text(holder.get(f"/plans/{plan.id}")))
