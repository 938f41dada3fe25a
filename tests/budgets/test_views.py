"""The budget pages: who sees them, what they show, and the officer's form refusing bad input."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.clock import financial_year_start, today
from marketplace.extensions import db
from marketplace.holders.models import HolderRecord
from marketplace.permissions import Role
from tests.budgets.helpers import budget_form, labels, text
from tests.factories import (
    link_broker,
    link_representative,
    make_budget,
    make_council,
    make_holder,
    make_organisation,
    make_user,
)


@pytest.fixture
def world(app):
    """A holder of Leeds with a budget, the people linked to them, and people who are not."""
    with app.app_context():
        leeds = make_council()
        york = make_council(code="E06000014", name="City of York Council", districts=("YO1",))
        holder = make_holder(leeds)
        budget = make_budget(
            holder,
            leeds,
            streams=(("dp", 936_010), ("managed", 624_000)),
            contribution_pence=52_000,
        )
        people = {
            "holder": holder,
            "representative": link_representative(holder),
            "broker": link_broker(holder),
            "officer": make_user(Role.OFFICER, council=leeds),
            "other_holder": make_holder(leeds),
            "unlinked_representative": make_user(Role.REPRESENTATIVE),
            "invited_broker": link_broker(holder, status="invited"),
            "york_officer": make_user(Role.OFFICER, council=york),
            "admin": make_user(Role.ADMIN),
            "provider": make_user(Role.PROVIDER_ADMIN),
            "pa": make_user(Role.PA),
        }
    return {"leeds": leeds, "york": york, "holder": holder, "budget": budget, **people}


ALLOWED = ["holder", "representative", "broker", "officer"]
REFUSED = [
    "other_holder",
    "unlinked_representative",
    "invited_broker",
    "york_officer",
    "admin",
    "provider",
    "pa",
]


@pytest.mark.parametrize("who", ALLOWED)
def test_the_holder_and_those_acting_for_them_see_the_budget(world, sign_in_as, client, who):
    sign_in_as(world[who])

    response = client.get(f"/holders/{world['holder'].id}/budget")

    assert response.status_code == 200
    page = text(response)
    assert "£15,600.10 a year" in page
    assert "£300.00 a week plus £0.10 over the year" in page  # weekly = annual ÷ 52, rounded down
    assert "£520.00 a year" in page  # the holder's contribution
    assert "£15,080.10 a year" in page  # the council's share
    assert "Direct payment" in page and "Council-managed" in page
    assert "Committed" in page and "Spent" in page and "Remaining" in page
    edit = f"/holders/{world['holder'].id}/budgets/{world['budget'].id}/edit"
    assert (edit in page) is (who == "officer")


def test_reading_a_budget_is_audited(world, sign_in_as, client, app):
    sign_in_as(world["broker"])
    client.get(f"/holders/{world['holder'].id}/budget")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "read"))
        assert (event.actor_id, event.holder_id, event.subject_type) == (
            world["broker"].id,
            world["holder"].id,
            "budget",
        )


@pytest.mark.parametrize("who", REFUSED)
def test_anyone_else_gets_not_found(world, sign_in_as, client, who):
    sign_in_as(world[who])
    holder_id, budget_id = world["holder"].id, world["budget"].id
    for path in (
        f"/holders/{holder_id}/budget",
        f"/holders/{holder_id}/budget/new",
        f"/holders/{holder_id}/budgets/{budget_id}/edit",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/holders/{holder_id}/budget/new", data=budget_form()).status_code == 404


@pytest.mark.parametrize("who", ["holder", "representative", "broker"])
def test_only_officers_open_the_budget_form(world, sign_in_as, client, who):
    sign_in_as(world[who])
    assert client.get(f"/holders/{world['holder'].id}/budget/new").status_code == 404
    response = client.get(f"/holders/{world['holder'].id}/budgets/{world['budget'].id}/edit")
    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    response = client.get(f"/holders/{world['holder'].id}/budget")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_budget_of_another_holder_is_not_found_under_this_holder(world, sign_in_as, client, app):
    with app.app_context():
        other_budget = make_budget(world["other_holder"], world["leeds"])
    sign_in_as(world["officer"])
    response = client.get(f"/holders/{world['holder'].id}/budgets/{other_budget.id}/edit")
    assert response.status_code == 404


# --- recording a budget ---------------------------------------------------------------------


@pytest.fixture
def officer_and_holder(app, sign_in_as):
    with app.app_context():
        leeds = make_council()
        holder = make_holder(leeds)
        officer = make_user(Role.OFFICER, council=leeds)
    sign_in_as(officer)
    return officer, holder


def _budgets(app):
    with app.app_context():
        return list(db.session.scalars(select(Budget).order_by(Budget.id)))


def _stream_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(BudgetStream))


def test_an_officer_records_a_budget_through_the_form(officer_and_holder, client, app):
    _, holder = officer_and_holder
    page = text(client.get(f"/holders/{holder.id}/budget/new"))
    found = labels(page)
    assert found["Total budget"] == "total"
    assert found["Holder's contribution"] == "contribution"
    assert found["Direct payment"] == "dp"
    assert found["Council-managed"] == "managed"
    assert "Save budget" in page

    response = client.post(f"/holders/{holder.id}/budget/new", data=budget_form())

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/holders/{holder.id}/budget")
    [budget] = _budgets(app)
    assert (budget.total_pence, budget.contribution_pence) == (1_560_000, 120_000)
    assert budget.year_start == financial_year_start(today())
    with app.app_context():
        kinds = db.session.scalars(
            select(BudgetStream.kind).where(BudgetStream.budget_id == budget.id)
        ).all()
    assert sorted(kinds) == ["dp", "managed"]


def test_weekly_amounts_are_stored_as_52_weeks(officer_and_holder, client, app):
    _, holder = officer_and_holder
    provider_id = _provider(app)
    response = client.post(
        f"/holders/{holder.id}/budget/new",
        data=budget_form(
            period="weekly",
            total="400.01",
            contribution="20",
            dp="180",
            managed="120",
            isf1="50.01",
            isf1_provider=str(provider_id),
            other1_name="Access to Work",
            other1="50",
        ),
    )
    assert response.status_code == 302, text(response)
    [budget] = _budgets(app)
    assert budget.total_pence == 40_001 * 52
    assert budget.contribution_pence == 2_000 * 52
    with app.app_context():
        streams = db.session.scalars(
            select(BudgetStream)
            .where(BudgetStream.budget_id == budget.id)
            .order_by(BudgetStream.id)
        ).all()
        assert [(s.kind, s.total_pence, s.entered_weekly) for s in streams] == [
            ("dp", 18_000 * 52, True),
            ("managed", 12_000 * 52, True),
            ("isf", 5_001 * 52, True),
            ("other", 5_000 * 52, True),
        ]
        assert streams[2].organisation_id == provider_id and streams[3].label == "Access to Work"


def _provider(app) -> int:
    with app.app_context():
        return make_organisation(name="Night Owls Care").id


BAD_FORMS = [
    ({"total": "-5"}, "total", "The total budget cannot be negative"),
    ({"total": "abc"}, "total", "Enter the total budget in pounds and pence, like 180.50"),
    ({"total": "12.345"}, "total", "Enter the total budget in pounds and pence"),
    ({"total": ""}, "total", "Enter the total budget"),
    ({"total": "10,000,000.01"}, "total", "must be £10,000,000.00 a year or less"),
    (
        {"period": "weekly", "total": "200000", "dp": "200000", "managed": ""},
        "total",
        "£10,000,000.00 a year or less",
    ),
    ({"dp": "-1"}, "dp", "The direct payment cannot be negative"),
    ({"other1_name": "ILF", "other1": "ten"}, "other1", "Enter the amount of other funding 1"),
    ({"managed": "6,000"}, "total", "The streams add up to £15,360.00 but the total is £15,600.00"),
    ({"contribution": "20000"}, "contribution", "cannot be more than the total budget"),
    ({"dp": "", "managed": ""}, "total", "at least one stream"),
    (
        {"managed": "", "isf1": "6240"},
        "isf1_provider",
        "Select the provider that holds the Individual Service Fund",
    ),
    (
        {"managed": "", "other1": "6240"},
        "other1_name",
        "Other funding 1: enter the name of the other funding",
    ),
    (
        {"other2_name": "Supporting People"},
        "other2",
        "Other funding 2: enter the amount, or leave the whole row empty",
    ),
    ({"year_start": ["31", "2", "2026"]}, "year_start", "must be a real date"),
    ({"year_start": ["", "", ""]}, "year_start", "Enter the date the plan year starts"),
    ({"period": "monthly"}, "period", "Select whether the amounts are weekly or annual"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_FORMS)
def test_bad_input_is_refused_with_an_error_summary_and_nothing_saved(
    officer_and_holder, client, app, overrides, field, message
):
    _, holder = officer_and_holder
    response = client.post(f"/holders/{holder.id}/budget/new", data=budget_form(**overrides))

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert message in page
    assert f'href="#{field}' in page, f"summary should link to {field}"
    assert _budgets(app) == [] and _stream_count(app) == 0


def test_every_problem_is_shown_at_once(officer_and_holder, client, app):
    _, holder = officer_and_holder
    response = client.post(
        f"/holders/{holder.id}/budget/new",
        data=budget_form(total="-5", other1_name="Access to Work", isf1_provider="1"),
    )
    assert response.status_code == 400
    page = text(response)
    for field in ("total", "other1", "isf1"):
        assert f'href="#{field}"' in page
    assert _budgets(app) == []


def test_a_second_budget_for_the_same_year_is_refused_on_the_form(officer_and_holder, client, app):
    _, holder = officer_and_holder
    assert client.post(f"/holders/{holder.id}/budget/new", data=budget_form()).status_code == 302
    response = client.post(f"/holders/{holder.id}/budget/new", data=budget_form())
    assert response.status_code == 400
    assert "already has a budget for the plan year" in text(response)
    assert len(_budgets(app)) == 1


def test_the_form_suggests_the_next_plan_year(officer_and_holder, client):
    _, holder = officer_and_holder
    client.post(f"/holders/{holder.id}/budget/new", data=budget_form())
    page = text(client.get(f"/holders/{holder.id}/budget/new"))
    next_year = str(financial_year_start(today()).year + 1)
    assert re.search(rf'name="year_start"[^>]*value="{next_year}"', page) or (
        f'value="{next_year}"' in page
    )


def test_an_officer_records_a_budget_for_a_holder_with_no_council_yet(app, sign_in_as, client):
    with app.app_context():
        leeds = make_council()
        officer = make_user(Role.OFFICER, council=leeds)
        holder = make_user(Role.HOLDER)
    sign_in_as(officer)
    assert client.get(f"/holders/{holder.id}/budget/new").status_code == 200
    assert client.post(f"/holders/{holder.id}/budget/new", data=budget_form()).status_code == 302
    with app.app_context():
        assert db.session.get(HolderRecord, holder.id).council_id == leeds.id
    assert client.get(f"/holders/{holder.id}/budget").status_code == 200


# --- changing a budget ----------------------------------------------------------------------


def test_the_edit_form_shows_the_budget_and_saves_changes(world, sign_in_as, client, app):
    sign_in_as(world["officer"])
    path = f"/holders/{world['holder'].id}/budgets/{world['budget'].id}/edit"
    page = text(client.get(path))
    assert 'value="9360.10"' in page and 'value="6240.00"' in page and 'value="520.00"' in page

    response = client.post(
        path,
        data={
            "period": "annual",
            "total": "16000",
            "contribution": "520",
            "dp": "9760",
            "managed": "6240",
            "change_reason": "Reassessed after a hospital stay",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        budget = db.session.get(Budget, world["budget"].id)
        assert budget.total_pence == 1_600_000
        assert [s.total_pence for s in budget.streams] == [976_000, 624_000]


def test_an_edit_below_what_is_committed_is_refused_on_the_form(world, sign_in_as, client, app):
    with app.app_context():
        stream = db.session.get(Budget, world["budget"].id).streams[0]
        stream.committed_pence, stream.spent_pence = 400_000, 100_000
        db.session.commit()
    sign_in_as(world["officer"])
    path = f"/holders/{world['holder'].id}/budgets/{world['budget'].id}/edit"
    assert "£5,000.00 a year is committed or spent already" in text(client.get(path))

    response = client.post(
        path,
        data={
            "period": "annual",
            "total": "10000",
            "contribution": "",
            "dp": "4000",
            "managed": "6000",
        },
    )

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "Direct payment has £5,000.00 committed or spent already" in page
    assert 'href="#dp"' in page
    with app.app_context():
        assert db.session.get(Budget, world["budget"].id).total_pence == 1_560_010


def test_a_budget_entered_weekly_is_shown_weekly_again(officer_and_holder, client):
    _, holder = officer_and_holder
    client.post(
        f"/holders/{holder.id}/budget/new",
        data=budget_form(period="weekly", total="300", contribution="", dp="300", managed=""),
    )
    page = text(client.get(f"/holders/{holder.id}/budget"))
    assert "£15,600.00 a year" in page and "£300.00 a week" in page
    edit = re.search(r'href="(/holders/\d+/budgets/\d+/edit)"', page).group(1)
    form = text(client.get(edit))
    assert 'value="weekly" checked' in form or re.search(r'value="weekly"\s+checked', form)
    assert 'value="300.00"' in form
