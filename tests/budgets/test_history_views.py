"""The budget pages after review: the history of changes, confirming a large change, whose money
each part is, and messages that say which row and by how much."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from marketplace.budgets import services
from marketplace.budgets.models import Budget, BudgetChange
from marketplace.budgets.services import StreamInput
from marketplace.clock import financial_year_start, today
from marketplace.extensions import db
from marketplace.holders.models import HolderRecord
from marketplace.permissions import Role
from tests.budgets.helpers import answers_for, budget_form, make_ras_table, text
from tests.factories import link_representative, make_budget, make_council, make_holder, make_user


@pytest.fixture
def leeds(app):
    """A holder with a £15,600 budget recorded by an officer through the service."""
    with app.app_context():
        council = make_council()
        holder = make_holder(council)
        officer = make_user(Role.OFFICER, council=council, name="Olu Officer")
        budget = services.record_budget(
            db.session,
            officer,
            holder.id,
            year_start=financial_year_start(today()),
            total_pence=1_560_000,
            contribution_pence=0,
            streams=[StreamInput("dp", 936_000), StreamInput("managed", 624_000)],
        )
        representative = link_representative(holder)
    return {
        "council": council,
        "holder": holder,
        "officer": officer,
        "budget": budget,
        "representative": representative,
        "edit": f"/holders/{holder.id}/budgets/{budget.id}/edit",
        "page": f"/holders/{holder.id}/budget",
    }


def _change(**overrides):
    data = {
        "period": "annual",
        "total": "16640",
        "contribution": "",
        "dp": "10400",
        "managed": "6240",
        "change_reason": "Reassessed after a hospital stay",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _stored(app, budget_id):
    with app.app_context():
        budget = db.session.get(Budget, budget_id)
        changes = db.session.scalar(select(func.count()).select_from(BudgetChange))
        return budget.total_pence, changes


def test_the_holder_sees_who_changed_the_budget_when_what_and_why(leeds, sign_in_as, client):
    sign_in_as(leeds["officer"])
    assert client.post(leeds["edit"], data=_change()).status_code == 302

    sign_in_as(leeds["representative"])
    page = html.unescape(text(client.get(leeds["page"])))
    history = page[page.index("History of the budget") :]
    assert "Olu Officer" in history
    assert "Total £15,600.00 → £16,640.00; Direct payment £9,360.00 → £10,400.00" in history
    assert "Reassessed after a hospital stay" in history
    assert "Recorded: total £15,600.00" in history and "First recorded" in history
    assert history.index("Reassessed") < history.index("Recorded:")  # latest first


def test_a_change_without_a_reason_for_it_is_refused_on_the_form(leeds, sign_in_as, client, app):
    sign_in_as(leeds["officer"])
    form = text(client.get(leeds["edit"]))
    assert "Why the budget changed" in form

    response = client.post(leeds["edit"], data=_change(change_reason=""))

    assert response.status_code == 400
    page = text(response)
    assert "Say why the budget changed" in page and 'href="#change_reason"' in page
    assert _stored(app, leeds["budget"].id) == (1_560_000, 1)


def test_weekly_ticked_with_yearly_figures_asks_for_confirmation(leeds, sign_in_as, client, app):
    sign_in_as(leeds["officer"])
    slip = _change(period="weekly", total="15600", dp="9360", managed="6240")

    response = client.post(leeds["edit"], data=slip)

    assert response.status_code == 400
    page = html.unescape(text(response))
    assert (
        "This changes the yearly budget from £15,600.00 to £811,200.00. If you meant weekly "
        "amounts, check 'Weekly'. Tick to confirm the change"
    ) in page
    assert 'href="#confirm_large_change"' in page and 'id="confirm_large_change"' in page
    assert re.search(r'name="confirmed_total"[^>]*value="81120000"', page) or (
        'value="81120000"' in page
    )
    assert _stored(app, leeds["budget"].id) == (1_560_000, 1)

    # Ticking confirms that total only: a different one is warned about afresh.
    other = {**slip, "total": "16000", "dp": "9760", "confirmed_total": "81120000"}
    response = client.post(leeds["edit"], data={**other, "confirm_large_change": "y"})
    assert response.status_code == 400
    assert "to £832,000.00" in html.unescape(text(response))

    confirmed = {**slip, "confirm_large_change": "y", "confirmed_total": "81120000"}
    assert client.post(leeds["edit"], data=confirmed).status_code == 302
    assert _stored(app, leeds["budget"].id) == (81_120_000, 2)


def test_a_small_change_needs_no_confirmation(leeds, sign_in_as, client):
    sign_in_as(leeds["officer"])
    response = client.post(leeds["edit"], data=_change())
    assert response.status_code == 302
    assert "confirm_large_change" not in text(client.get(leeds["edit"]))


def test_the_reason_for_the_indicative_difference_is_asked_again_for_a_new_total(
    app, sign_in_as, client
):
    with app.app_context():
        council = make_council()
        holder = make_holder(council)
        officer = make_user(Role.OFFICER, council=council)
        table = make_ras_table(db.session.get(HolderRecord, holder.id).council)
        assessment = services.complete_assessment(
            db.session, holder, holder.id, answers_for(table, 1, 1)
        )  # £3,500
        budget = services.record_budget(
            db.session,
            officer,
            holder.id,
            year_start=financial_year_start(today()),
            total_pence=400_000,
            contribution_pence=0,
            streams=[StreamInput("dp", 400_000)],
            reason="Night support assessed as well",
            ras_assessment_id=assessment.id,
        )
    sign_in_as(officer)
    edit = f"/holders/{holder.id}/budgets/{budget.id}/edit"
    form = html.unescape(text(client.get(edit)))
    assert re.search(r'<textarea[^>]*id="reason"[^>]*>\s*</textarea>', form)
    assert "The reason given before: “Night support assessed as well”" in form

    response = client.post(
        edit, data=_change(total="4500", dp="4500", managed="", change_reason="More nights")
    )
    assert response.status_code == 400
    assert "enter the reason again" in text(response) and 'href="#reason"' in text(response)

    page = html.unescape(text(client.get(f"/holders/{holder.id}/budget")))
    assert "Indicative budget when the budget was set (" in page
    assert "£3,500.00 a year, from the questionnaire filled in on" in page
    assert "Night support assessed as well" in page


def test_other_funding_is_shown_apart_from_the_councils_share(app, sign_in_as, client):
    with app.app_context():
        council = make_council()
        holder = make_holder(council)
        make_budget(
            holder,
            council,
            streams=(("dp", 936_000), ("other", 52_000)),
            contribution_pence=104_000,
        )
    sign_in_as(holder)
    page = html.unescape(text(client.get(f"/holders/{holder.id}/budget")))
    summary = page[page.index("Total budget") : page.index("How the budget for")]
    assert "Other funding" in summary and "Not from the council: Access to Work £520.00" in summary
    share = summary[summary.index("Council's share") :]
    assert "£8,320.00 a year" in share  # £9,880 - £1,040 contribution - £520 Access to Work
    assert "Committed is money promised to bookings; spent is money paid for delivered support" in (
        page
    )


def test_rows_without_an_amount_are_named_in_their_errors(app, sign_in_as, client):
    with app.app_context():
        council = make_council()
        holder = make_holder(council)
        officer = make_user(Role.OFFICER, council=council)
    sign_in_as(officer)
    response = client.post(
        f"/holders/{holder.id}/budget/new",
        data=budget_form(other1_name="Access to Work", other2_name="Supporting People"),
    )
    page = text(response)
    assert response.status_code == 400
    assert "Other funding 1: enter the amount, or leave the whole row empty" in page
    assert "Other funding 2: enter the amount, or leave the whole row empty" in page


def test_the_split_error_says_how_far_out_the_streams_are(app, sign_in_as, client):
    with app.app_context():
        council = make_council()
        holder = make_holder(council)
        officer = make_user(Role.OFFICER, council=council)
    sign_in_as(officer)
    response = client.post(
        f"/holders/{holder.id}/budget/new",
        data=budget_form(total="22,880", dp="16,280", managed="6,240"),
    )
    assert response.status_code == 400
    assert (
        "The streams add up to £22,520.00 but the total is £22,880.00: £360.00 short. "
        "Change a stream or the total."
    ) in text(response)


def test_the_plan_year_examples_use_the_year_being_recorded(app, sign_in_as, client):
    with app.app_context():
        council = make_council()
        holder = make_holder(council)
        officer = make_user(Role.OFFICER, council=council)
        make_budget(holder, council)  # this year has a budget: next year's is suggested
    sign_in_as(officer)
    start = financial_year_start(today())
    example = f"{start.day} {start.month} {start.year + 1}"
    page = text(client.get(f"/holders/{holder.id}/budget/new"))
    assert f"For example, {example}" in page

    response = client.post(
        f"/holders/{holder.id}/budget/new", data=budget_form(year_start=["31", "2", "2026"])
    )
    page = text(response)
    assert response.status_code == 400
    assert f"The start of the plan year must be a real date, like {example}" in page
    assert "(optional)" not in page


def _visible_text(page: str) -> str:
    main = page[page.index("<main") : page.index("</main>")]
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def _deepest_brackets(words: str) -> int:
    depth = deepest = 0
    for character in words:
        depth += {"(": 1, ")": -1}.get(character, 0)
        deepest = max(deepest, depth)
    return deepest


def test_weekly_amounts_never_put_brackets_inside_brackets(app, sign_in_as, client):
    with app.app_context():
        council = make_council()
        holder = make_holder(council)
        officer = make_user(Role.OFFICER, council=council)
        table = make_ras_table(council)
        assessment = services.complete_assessment(
            db.session, holder, holder.id, answers_for(table, 1, 1)
        )  # £3,500 a year: £67.30 a week and £0.40 over
        budget = make_budget(holder, council, streams=(("dp", 1_100_000),))
    sign_in_as(officer)
    pages = [
        f"/holders/{holder.id}/budget",
        f"/holders/{holder.id}/budget/new",
        f"/holders/{holder.id}/budgets/{budget.id}/edit",
        f"/holders/{holder.id}/ras/{assessment.id}",
        f"/holders/{holder.id}",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        words = _visible_text(text(response))
        assert "over the year" in words or path.endswith("/edit"), path
        assert _deepest_brackets(words) <= 1, path
    words = _visible_text(text(client.get(f"/holders/{holder.id}/budget")))
    assert "£11,000.00 a year" in words and "£211.53 a week plus £0.44 over the year" in words
