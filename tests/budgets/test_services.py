"""Officers record and change budgets; every rule refuses bad input with a message, saving nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from marketplace.audit.models import AuditEvent
from marketplace.budgets import services
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.budgets.services import StreamInput
from marketplace.budgets.vocab import MAX_BUDGET_PENCE
from marketplace.clock import financial_year_start, today
from marketplace.errors import Conflict, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.holders.models import HolderRecord
from marketplace.permissions import Role
from tests.budgets.helpers import DP, MANAGED, answers_for, make_ras_table, record_budget
from tests.factories import (
    link_broker,
    make_budget,
    make_council,
    make_holder,
    make_organisation,
    make_user,
)


@pytest.fixture
def council(app_ctx):
    return make_council()


@pytest.fixture
def officer(council):
    return make_user(Role.OFFICER, council=council)


@pytest.fixture
def holder(council):
    return make_holder(council)


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def _refused(officer, holder, **overrides) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as error:
        record_budget(officer, holder, **overrides)
    assert _count(Budget) == 0 and _count(BudgetStream) == 0 and _count(AuditEvent) == 0
    return error.value.errors


def test_an_officer_records_a_budget_split_into_streams(officer, holder):
    budget = record_budget(officer, holder)

    db.session.expire_all()
    budget = db.session.get(Budget, budget.id)
    assert (budget.total_pence, budget.contribution_pence, budget.council_share_pence) == (
        1_560_000,
        120_000,
        1_440_000,
    )
    assert budget.year_start == financial_year_start(today())
    assert budget.year_end == date(financial_year_start(today()).year + 1, 3, 31)
    assert [(s.kind, s.total_pence, s.committed_pence, s.spent_pence) for s in budget.streams] == [
        ("dp", 936_000, 0, 0),
        ("managed", 624_000, 0, 0),
    ]
    assert budget.council_id == officer.council_id and budget.set_by_id == officer.id
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.subject_type, event.subject_id, event.holder_id) == (
        "create",
        "budget",
        budget.id,
        holder.id,
    )
    assert event.actor_id == officer.id


def test_isf_and_named_other_streams_are_kept_with_how_they_were_entered(officer, holder):
    provider = make_organisation(name="Night Owls Care")
    budget = record_budget(
        officer,
        holder,
        total_pence=52_000 * 3,
        contribution_pence=0,
        streams=[
            StreamInput("isf", 52_000, organisation_id=provider.id, entered_weekly=True),
            StreamInput("other", 52_000, label=" Access to Work "),
            StreamInput("other", 52_000, label="Disabled Facilities Grant"),
        ],
    )
    assert [(s.name, s.entered_weekly) for s in budget.streams] == [
        ("Individual Service Fund held by Night Owls Care", True),
        ("Access to Work", False),
        ("Disabled Facilities Grant", False),
    ]


def test_an_unpublished_organisation_can_hold_an_isf(officer, holder):
    draft = make_organisation(status="draft")
    budget = record_budget(
        officer,
        holder,
        total_pence=100,
        contribution_pence=0,
        streams=[StreamInput("isf", 100, organisation_id=draft.id)],
    )
    assert budget.streams[0].organisation_id == draft.id


@pytest.mark.parametrize("record_exists", [True, False])
def test_a_holder_without_a_council_becomes_one_of_the_officers_council(officer, record_exists):
    holder = make_holder(None) if record_exists else make_user(Role.HOLDER)

    record_budget(officer, holder)

    record = db.session.get(HolderRecord, holder.id)
    assert record is not None and record.council_id == officer.council_id


def test_a_holder_of_another_council_is_not_found(officer):
    elsewhere = make_holder(make_council(code="E06000014", name="York"))
    with pytest.raises(NotFound):
        record_budget(officer, elsewhere)
    assert _count(Budget) == 0
    assert db.session.get(HolderRecord, elsewhere.id).council_id != officer.council_id


@pytest.mark.parametrize(
    "role", [Role.HOLDER, Role.REPRESENTATIVE, Role.BROKER, Role.ADMIN, Role.PROVIDER_ADMIN]
)
def test_only_officers_record_budgets(holder, role):
    actor = make_user(role)
    if role is Role.BROKER:
        link_broker(holder, actor)
    with pytest.raises(NotFound):
        record_budget(actor, holder)


def test_someone_who_is_not_a_holder_has_no_budget(officer):
    with pytest.raises(NotFound):
        record_budget(officer, make_user(Role.PA))
    with pytest.raises(NotFound):
        services.record_budget(
            db.session,
            officer,
            999_999,
            year_start=financial_year_start(today()),
            total_pence=0,
            contribution_pence=0,
            streams=[StreamInput("dp", 0)],
        )


def test_streams_that_do_not_add_up_to_the_total_are_refused(officer, holder):
    errors = _refused(officer, holder, streams=[DP, StreamInput("managed", 600_000)])
    assert errors == {
        "streams": "The streams add up to £15,360.00 but the total is £15,600.00: £240.00 short. "
        "Change a stream or the total."
    }


@pytest.mark.parametrize(
    ("overrides", "key", "message"),
    [
        ({"total_pence": -1}, "total_pence", "The total budget cannot be negative"),
        (
            {"total_pence": MAX_BUDGET_PENCE + 1},
            "total_pence",
            "must be £10,000,000.00 a year or less",
        ),
        ({"contribution_pence": -5}, "contribution_pence", "cannot be negative"),
        (
            {"contribution_pence": 1_560_001},
            "contribution_pence",
            "cannot be more than the total budget",
        ),
        (
            {"streams": [StreamInput("dp", -936_000), StreamInput("managed", 2_496_000)]},
            "streams[0].total_pence",
            "Direct payment cannot be negative",
        ),
        (
            {
                "total_pence": MAX_BUDGET_PENCE,
                "streams": [StreamInput("dp", MAX_BUDGET_PENCE + 1), StreamInput("managed", -1)],
            },
            "streams[0].total_pence",
            "Direct payment must be £10,000,000.00 a year or less",
        ),
        ({"streams": []}, "streams", "at least one stream"),
        (
            {"streams": [DP, StreamInput("isf", 624_000)]},
            "streams[1].organisation_id",
            "Select the provider that holds the Individual Service Fund",
        ),
        (
            {"streams": [DP, StreamInput("isf", 624_000, organisation_id=987_654)]},
            "streams[1].organisation_id",
            "Select a provider from the list",
        ),
        (
            {"streams": [DP, StreamInput("other", 624_000, label="  ")]},
            "streams[1].label",
            "Enter the name of the other funding",
        ),
        (
            {"streams": [DP, StreamInput("other", 624_000, label="x" * 81)]},
            "streams[1].label",
            "80 characters or fewer",
        ),
        (
            {"streams": [StreamInput("dp", 936_000, organisation_id=1), MANAGED]},
            "streams[0].organisation_id",
            "Only an Individual Service Fund is held by a provider",
        ),
        (
            {"streams": [StreamInput("dp", 900_000), StreamInput("dp", 660_000)]},
            "streams[1].total_pence",
            "Direct payment is there twice",
        ),
        (
            {
                "streams": [
                    StreamInput("other", 900_000, label="Access to Work"),
                    StreamInput("other", 660_000, label="access to work "),
                ]
            },
            "streams[1].total_pence",
            "is there twice",
        ),
        ({"streams": [StreamInput("cash", 1_560_000)]}, "streams[0].kind", "Select how"),
        ({"year_start": None}, "year_start", "Enter the date the plan year starts"),
        (
            {"year_start": date(date.today().year + 3, 4, 1)},
            "year_start",
            "The plan year must start between",
        ),
        ({"year_start": date(1999, 4, 1)}, "year_start", "The plan year must start between"),
        ({"reason": "x" * 2001}, "reason", "2,000 characters or fewer"),
    ],
)
def test_bad_budgets_are_refused_with_a_message_and_nothing_saved(
    officer, holder, overrides, key, message
):
    errors = _refused(officer, holder, **overrides)
    assert message in errors[key], errors


def test_an_isf_split_between_two_providers_is_two_streams(officer, holder):
    first, second = make_organisation(), make_organisation()
    budget = record_budget(
        officer,
        holder,
        streams=[
            StreamInput("isf", 936_000, organisation_id=first.id),
            StreamInput("isf", 624_000, organisation_id=second.id),
        ],
    )
    assert len(budget.streams) == 2


def test_a_second_budget_for_the_same_plan_year_is_a_conflict(officer, holder):
    record_budget(officer, holder)
    with pytest.raises(Conflict, match="already has a budget for the plan year") as error:
        record_budget(officer, holder)
    assert error.value.field == "year_start"
    with pytest.raises(Conflict):
        record_budget(
            officer, holder, year_start=financial_year_start(today()) + timedelta(days=90)
        )
    assert _count(Budget) == 1


def test_the_next_plan_year_gets_its_own_budget(officer, holder):
    record_budget(officer, holder)
    following = record_budget(
        officer,
        holder,
        year_start=financial_year_start(today()).replace(
            year=financial_year_start(today()).year + 1
        ),
    )
    assert following.year_start.year == financial_year_start(today()).year + 1
    assert _count(Budget) == 2


def _assessment(holder, points_choice=(1, 1)):
    """An indicative budget: 6 + 8 = 14 points at £250 = £3,500."""
    table = make_ras_table(db.session.get(HolderRecord, holder.id).council)
    return services.complete_assessment(
        db.session, holder, holder.id, answers_for(table, *points_choice)
    )


def test_a_total_different_from_the_indicative_budget_needs_a_reason(officer, holder):
    assessment = _assessment(holder)
    assert assessment.indicative_pence == 350_000

    errors = _refused_after_assessment(officer, holder, assessment.id)
    assert errors == {
        "reason": "The total is different from the indicative budget of £3,500.00: enter the reason"
    }

    budget = record_budget(
        officer, holder, ras_assessment_id=assessment.id, reason="Night support assessed as well."
    )
    assert budget.indicative_pence == 350_000
    assert budget.variance_reason == "Night support assessed as well."
    assert budget.ras_assessment_id == assessment.id


def _refused_after_assessment(officer, holder, assessment_id):
    with pytest.raises(ValidationFailed) as error:
        record_budget(officer, holder, ras_assessment_id=assessment_id)
    assert _count(Budget) == 0
    return error.value.errors


def test_a_total_equal_to_the_indicative_budget_needs_no_reason(officer, holder):
    assessment = _assessment(holder)
    budget = record_budget(
        officer,
        holder,
        ras_assessment_id=assessment.id,
        total_pence=350_000,
        contribution_pence=0,
        streams=[StreamInput("dp", 350_000)],
    )
    assert budget.variance_reason == ""


def test_another_holders_assessment_cannot_be_used(officer, holder, council):
    other = make_holder(council)
    assessment = _assessment(other)
    with pytest.raises(NotFound):
        record_budget(officer, holder, ras_assessment_id=assessment.id, reason="x")


# --- updating -------------------------------------------------------------------------------


def _update(officer, budget, **overrides):
    values = {
        "total_pence": 1_560_000,
        "contribution_pence": 120_000,
        "streams": [DP, MANAGED],
        "reason": "",
        "change_reason": "Reassessed after a hospital stay",
    }
    values.update(overrides)
    return services.update_budget(db.session, officer, budget.id, **values)


def _use(stream_id, committed=0, spent=0):
    db.session.execute(
        update(BudgetStream)
        .where(BudgetStream.id == stream_id)
        .values(committed_pence=committed, spent_pence=spent)
    )
    db.session.commit()


def test_an_officer_changes_a_budget_keeping_what_is_committed(officer, holder):
    budget = record_budget(officer, holder)
    dp_id = budget.streams[0].id
    _use(dp_id, committed=100_000, spent=50_000)

    _update(
        officer,
        budget,
        total_pence=1_820_000,
        streams=[StreamInput("dp", 1_196_000, entered_weekly=True), MANAGED],
    )

    db.session.expire_all()
    budget = db.session.get(Budget, budget.id)
    dp = budget.streams[0]
    assert (dp.id, dp.total_pence, dp.committed_pence, dp.spent_pence) == (
        dp_id,
        1_196_000,
        100_000,
        50_000,
    )
    assert dp.remaining_pence == 1_046_000 and dp.entered_weekly
    assert budget.total_pence == 1_820_000
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["create", "update"]


def test_a_stream_cannot_drop_below_what_is_committed_and_spent(officer, holder):
    budget = record_budget(officer, holder)
    _use(budget.streams[0].id, committed=500_000, spent=300_000)

    with pytest.raises(ValidationFailed) as error:
        _update(
            officer, budget, streams=[StreamInput("dp", 700_000), StreamInput("managed", 860_000)]
        )

    assert error.value.errors == {
        "streams[0].total_pence": "Direct payment has £8,000.00 committed or spent already, "
        "so its total cannot be less than that"
    }
    db.session.expire_all()
    assert db.session.get(BudgetStream, budget.streams[0].id).total_pence == 936_000


def test_a_stream_with_money_used_cannot_be_removed_but_an_unused_one_can(officer, holder):
    budget = record_budget(officer, holder)
    _use(budget.streams[0].id, committed=1)

    with pytest.raises(ValidationFailed, match="cannot be removed"):
        _update(officer, budget, streams=[StreamInput("managed", 1_560_000)])

    _update(officer, budget, streams=[StreamInput("dp", 1_560_000)])
    db.session.expire_all()
    assert [s.kind for s in db.session.get(Budget, budget.id).streams] == ["dp"]


def test_the_database_refuses_an_update_that_races_with_spending(officer, holder):
    budget = record_budget(officer, holder)
    db.session.commit()
    # Money is committed by someone else after this session read the budget.
    with db.engine.begin() as connection:
        connection.execute(
            update(BudgetStream)
            .where(BudgetStream.id == budget.streams[0].id)
            .values(committed_pence=900_000)
        )

    with pytest.raises(Conflict, match="changed while you were editing"):
        _update(
            officer, budget, streams=[StreamInput("dp", 500_000), StreamInput("managed", 1_060_000)]
        )

    db.session.expire_all()
    assert db.session.get(BudgetStream, budget.streams[0].id).total_pence == 936_000


def test_updates_follow_the_same_rules(officer, holder):
    budget = record_budget(officer, holder)
    with pytest.raises(ValidationFailed) as error:
        _update(officer, budget, total_pence=2_000_000)
    assert error.value.errors == {
        "streams": "The streams add up to £15,600.00 but the total is £20,000.00: £4,400.00 "
        "short. Change a stream or the total."
    }


def test_an_update_needs_a_reason_when_it_moves_away_from_the_indicative_budget(officer, holder):
    assessment = _assessment(holder)
    budget = record_budget(
        officer,
        holder,
        ras_assessment_id=assessment.id,
        total_pence=350_000,
        contribution_pence=0,
        streams=[StreamInput("dp", 350_000)],
    )
    with pytest.raises(ValidationFailed, match="enter the reason"):
        _update(
            officer,
            budget,
            total_pence=400_000,
            contribution_pence=0,
            streams=[StreamInput("dp", 400_000)],
        )
    _update(
        officer,
        budget,
        total_pence=400_000,
        contribution_pence=0,
        streams=[StreamInput("dp", 400_000)],
        reason="Carer's break added",
    )


def test_an_officer_of_another_council_cannot_change_a_budget(officer, holder):
    budget = record_budget(officer, holder)
    stranger = make_user(Role.OFFICER, council=make_council(code="E06000014", name="York"))
    with pytest.raises(NotFound):
        _update(stranger, budget)
    with pytest.raises(NotFound):
        services.update_budget(
            db.session, officer, 999_999, total_pence=0, contribution_pence=0, streams=[], reason=""
        )


# --- reading --------------------------------------------------------------------------------


def test_the_current_budget_is_the_one_whose_plan_year_includes_the_day(council, holder):
    this_year = make_budget(holder, council, year_start=financial_year_start(today()))
    next_year = make_budget(
        holder,
        council,
        year_start=financial_year_start(today()).replace(
            year=financial_year_start(today()).year + 1
        ),
    )

    assert (
        services.current_budget(db.session, holder.id, financial_year_start(today())).id
        == this_year.id
    )
    assert services.current_budget(db.session, holder.id, next_year.year_start).id == next_year.id
    assert (
        services.current_budget(
            db.session, holder.id, financial_year_start(today()) - timedelta(days=1)
        )
        is None
    )
    assert services.current_budget(db.session, make_holder(council).id) is None


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 4, 1), date(2027, 3, 31)),
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2028, 2, 29), date(2029, 2, 28)),
        (date(2027, 3, 1), date(2028, 2, 29)),
    ],
)
def test_a_plan_year_ends_a_day_before_the_same_date_next_year(start, end):
    assert services.plan_year_end(start) == end


def test_isf_providers_are_those_serving_the_council_area_first(council):
    local = make_organisation(name="Leeds Care")
    far = make_organisation(name="York Care", service_districts=["YO1"], base_district="YO1")
    draft = make_organisation(name="Draft Care", status="draft")

    names = [o.name for o in services.isf_providers(db.session, council.id)]
    assert names == [local.name]
    named = services.isf_providers(db.session, council.id, including=[draft.id])
    assert [o.name for o in named] == [draft.name, local.name]
    # A council nobody serves yet: every published organisation.
    york = make_council(code="E06000014", name="York", districts=("YO9",))
    assert {o.name for o in services.isf_providers(db.session, york.id)} == {local.name, far.name}


def test_the_suggested_plan_year_follows_the_latest_budget_but_never_lies_in_the_past(
    council, holder
):
    this_year = financial_year_start(date.today())
    assert services.next_budget_year_start(db.session, holder.id) == this_year
    make_budget(holder, council, year_start=this_year.replace(year=this_year.year - 3))
    assert services.next_budget_year_start(db.session, holder.id) == this_year
    make_budget(holder, council, year_start=this_year)
    assert services.next_budget_year_start(db.session, holder.id) == this_year.replace(
        year=this_year.year + 1
    )
