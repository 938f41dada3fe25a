"""The database itself refuses budgets that break the invariants (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from marketplace.budgets.models import Budget, BudgetStream, RasBand, RasOption, RasTable
from marketplace.budgets.vocab import MAX_BUDGET_PENCE
from marketplace.extensions import db
from tests.budgets.helpers import make_ras_table
from tests.factories import make_budget, make_council, make_holder, make_organisation


def _refused(statement) -> None:
    with pytest.raises(IntegrityError):
        db.session.execute(statement)
        db.session.flush()
    db.session.rollback()


@pytest.fixture
def budget(app_ctx):
    council = make_council()
    return make_budget(make_holder(council), council, streams=(("dp", 10_000), ("managed", 5_000)))


@pytest.mark.parametrize(
    "values",
    [
        {"committed_pence": 6_000, "spent_pence": 4_001},  # committed + spent > total
        {"committed_pence": 10_001},
        {"spent_pence": 10_001},
        {"committed_pence": -1},
        {"spent_pence": -1},
        {"total_pence": -1},
        {"total_pence": MAX_BUDGET_PENCE + 1},
        {"kind": "cash"},
        {"kind": "isf"},  # an ISF names the provider that holds it
        {"kind": "other", "label": ""},  # another funding stream is named
    ],
)
def test_stream_constraints(budget, values):
    stream_id = budget.streams[0].id
    _refused(update(BudgetStream).where(BudgetStream.id == stream_id).values(**values))


def test_a_stream_exactly_used_up_is_accepted(budget):
    stream_id = budget.streams[0].id
    db.session.execute(
        update(BudgetStream)
        .where(BudgetStream.id == stream_id)
        .values(committed_pence=6_000, spent_pence=4_000)
    )
    db.session.commit()


def test_lowering_a_total_below_what_is_used_is_refused(budget):
    stream_id = budget.streams[0].id
    db.session.execute(
        update(BudgetStream).where(BudgetStream.id == stream_id).values(committed_pence=8_000)
    )
    db.session.commit()
    _refused(update(BudgetStream).where(BudgetStream.id == stream_id).values(total_pence=7_999))


def test_only_an_isf_names_a_provider(budget):
    provider = make_organisation()
    _refused(
        update(BudgetStream)
        .where(BudgetStream.id == budget.streams[0].id)
        .values(organisation_id=provider.id)
    )


@pytest.mark.parametrize(
    "values",
    [
        {"contribution_pence": 15_001},
        {"contribution_pence": -1},
        {"total_pence": -1},
        {"total_pence": MAX_BUDGET_PENCE + 1},
        {"indicative_pence": -1},
    ],
)
def test_budget_constraints(budget, values):
    _refused(update(Budget).where(Budget.id == budget.id).values(**values))


def test_a_plan_year_must_end_after_it_starts(budget):
    _refused(update(Budget).where(Budget.id == budget.id).values(year_end=budget.year_start))


def test_one_budget_per_holder_per_plan_year(budget):
    _refused(
        insert(Budget).values(
            holder_id=budget.holder_id,
            council_id=budget.council_id,
            year_start=budget.year_start,
            year_end=budget.year_start + timedelta(days=364),
            total_pence=0,
            contribution_pence=0,
            variance_reason="",
            set_by_id=budget.set_by_id,
        )
    )


def test_ras_constraints(app_ctx):
    table = make_ras_table(make_council(), bands=((0, 10, 100),))
    option = table.questions[0].options[0]
    _refused(update(RasOption).where(RasOption.id == option.id).values(points=-1))
    _refused(update(RasTable).where(RasTable.id == table.id).values(method="guess"))
    _refused(update(RasTable).where(RasTable.id == table.id).values(rate_pence_per_point=-1))
    band_id = table.bands[0].id
    _refused(update(RasBand).where(RasBand.id == band_id).values(max_points=-1))
    _refused(update(RasBand).where(RasBand.id == band_id).values(annual_pence=-1))
