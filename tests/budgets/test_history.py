"""A budget keeps its history: who recorded or changed it, when, what changed and why. Changes
need a reason, large ones a confirmation, and the council's share leaves out other funding."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.budgets import services
from marketplace.budgets.models import Budget, BudgetChange
from marketplace.budgets.services import StreamInput
from marketplace.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.holders.models import HolderRecord
from marketplace.permissions import Role
from tests.budgets.helpers import DP, MANAGED, answers_for, make_ras_table, record_budget
from tests.factories import make_council, make_holder, make_user


@pytest.fixture
def council(app_ctx):
    return make_council()


@pytest.fixture
def officer(council):
    return make_user(Role.OFFICER, council=council, name="Olu Officer")


@pytest.fixture
def holder(council):
    return make_holder(council)


@pytest.fixture
def budget(officer, holder):
    """£15,600 a year: £9,360 direct payment and £6,240 council-managed; £1,200 contribution."""
    return record_budget(officer, holder)


def _update(officer, budget, **overrides):
    values = {
        "total_pence": 1_560_000,
        "contribution_pence": 120_000,
        "streams": [DP, MANAGED],
        "reason": "",
        "change_reason": "Reassessed after a hospital stay",
        "confirm_large_change": False,
    }
    values.update(overrides)
    return services.update_budget(db.session, officer, budget.id, **values)


def _history(budget_id):
    db.session.expire_all()
    return db.session.get(Budget, budget_id).changes


def _refused(officer, budget, **overrides) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as error:
        _update(officer, budget, **overrides)
    db.session.rollback()
    stored = db.session.get(Budget, budget.id)
    assert (stored.total_pence, stored.contribution_pence) == (1_560_000, 120_000)
    assert [s.total_pence for s in stored.streams] == [936_000, 624_000]
    assert db.session.scalar(select(func.count()).select_from(BudgetChange)) == 1
    return error.value.errors


def test_recording_a_budget_starts_its_history(officer, budget):
    [first] = _history(budget.id)
    assert first.changed_by_id == officer.id and first.at is not None
    assert (first.old_total_pence, first.new_total_pence) == (None, 1_560_000)
    assert (first.old_contribution_pence, first.new_contribution_pence) == (None, 120_000)
    assert first.summary == (
        "Recorded: total £15,600.00; holder's contribution £1,200.00; "
        "Direct payment £9,360.00; Council-managed £6,240.00"
    )
    assert first.reason == ""


def test_each_change_adds_a_row_saying_what_changed_and_why(officer, budget):
    _update(
        officer,
        budget,
        total_pence=1_664_000,
        streams=[StreamInput("dp", 1_040_000), MANAGED],
        change_reason="  Reassessed after a hospital stay ",
    )
    _update(
        officer,
        budget,
        total_pence=1_664_000,
        contribution_pence=100_000,
        streams=[
            StreamInput("dp", 1_612_000),
            StreamInput("other", 52_000, label="Access to Work"),
        ],
        change_reason="Access to Work agreed; managed care moved to the direct payment",
    )

    latest, first_change, recorded = _history(budget.id)
    assert recorded.old_total_pence is None
    assert first_change.summary == (
        "Total £15,600.00 → £16,640.00; Direct payment £9,360.00 → £10,400.00"
    )
    assert first_change.reason == "Reassessed after a hospital stay"
    assert (first_change.old_total_pence, first_change.new_total_pence) == (1_560_000, 1_664_000)
    assert latest.summary == (
        "Holder's contribution £1,200.00 → £1,000.00; "
        "Direct payment £10,400.00 → £16,120.00; Access to Work added: £520.00; "
        "Council-managed removed, was £6,240.00"
    )
    assert (latest.old_contribution_pence, latest.new_contribution_pence) == (120_000, 100_000)
    assert latest.changed_by_id == officer.id


@pytest.mark.parametrize(
    "change",
    [
        {"total_pence": 1_600_000, "streams": [StreamInput("dp", 976_000), MANAGED]},
        {"contribution_pence": 0},
        {"streams": [StreamInput("dp", 1_000_000), StreamInput("managed", 560_000)]},
        {"streams": [DP, StreamInput("other", 624_000, label="Access to Work")]},
    ],
    ids=["total", "contribution", "split", "stream swapped"],
)
def test_any_change_of_the_amounts_needs_a_reason_for_it(officer, budget, change):
    for blank in ("", "   "):
        errors = _refused(officer, budget, change_reason=blank, **change)
        assert errors == {"change_reason": "Say why the budget changed"}


def test_a_reason_for_a_change_has_a_length_limit(officer, budget):
    errors = _refused(officer, budget, contribution_pence=0, change_reason="x" * 2001)
    assert errors == {
        "change_reason": "The reason for the change must be 2,000 characters or fewer"
    }


def test_saving_the_same_amounts_needs_no_reason_and_adds_no_history(officer, budget):
    _update(officer, budget, change_reason="", streams=[MANAGED, DP])  # another order only
    assert len(_history(budget.id)) == 1


def test_a_total_over_three_times_the_old_one_needs_confirming(officer, budget):
    """A weekly budget typed with 'Weekly' ticked but yearly figures: everything x52."""
    weekly_slip = {
        "total_pence": 1_560_000 * 52,
        "contribution_pence": 120_000 * 52,
        "streams": [StreamInput("dp", 936_000 * 52), StreamInput("managed", 624_000 * 52)],
    }
    errors = _refused(officer, budget, **weekly_slip)
    assert errors == {
        "confirm_large_change": "This changes the yearly budget from £15,600.00 to "
        "£811,200.00. If you meant weekly amounts, check 'Weekly'. Tick to confirm the change"
    }

    _update(officer, budget, confirm_large_change=True, **weekly_slip)
    assert _history(budget.id)[0].new_total_pence == 1_560_000 * 52


@pytest.mark.parametrize(
    ("total", "large"),
    [
        (1_560_000 * 3, False),
        (1_560_000 * 3 + 1, True),
        (520_000, False),  # exactly a third
        (519_999, True),
        (0, True),
    ],
)
def test_only_totals_beyond_three_times_or_a_third_count_as_large(officer, budget, total, large):
    change = {"total_pence": total, "contribution_pence": 0, "streams": [StreamInput("dp", total)]}
    if large:
        assert "confirm_large_change" in _refused(officer, budget, **change)
    else:
        _update(officer, budget, **change)
        assert _history(budget.id)[0].new_total_pence == total


def test_the_api_defaults_confirm_and_use_the_one_reason_for_both(officer, budget):
    services.update_budget(
        db.session,
        officer,
        budget.id,
        total_pence=1_560_000 * 10,
        contribution_pence=0,
        streams=[StreamInput("dp", 1_560_000 * 10)],
        reason="Twenty-four hour care after a stroke",
    )
    latest = _history(budget.id)[0]
    assert latest.reason == "Twenty-four hour care after a stroke"
    assert latest.budget.variance_reason == "Twenty-four hour care after a stroke"


# --- the reason the total differs from the indicative budget ---------------------------------


@pytest.fixture
def set_above_indicative(officer, holder):
    """Indicative £3,500 (14 points at £250); the budget is set at £4,000, with a reason."""
    table = make_ras_table(db.session.get(HolderRecord, holder.id).council)
    assessment = services.complete_assessment(
        db.session, holder, holder.id, answers_for(table, 1, 1)
    )
    return record_budget(
        officer,
        holder,
        ras_assessment_id=assessment.id,
        total_pence=400_000,
        contribution_pence=0,
        streams=[StreamInput("dp", 400_000)],
        reason="Night support assessed as well",
    )


def _at(total, **overrides):
    return {
        "total_pence": total,
        "contribution_pence": 0,
        "streams": [StreamInput("dp", total)],
        **overrides,
    }


def test_a_new_total_still_above_the_indicative_needs_its_reason_again(
    officer, set_above_indicative
):
    budget = set_above_indicative
    with pytest.raises(ValidationFailed) as error:
        _update(officer, budget, **_at(450_000))
    assert error.value.errors == {
        "reason": "The total has changed and is still different from the indicative budget "
        "of £3,500.00: enter the reason again"
    }

    _update(officer, budget, **_at(450_000, reason="Night support and a carer's break"))
    db.session.expire_all()
    assert db.session.get(Budget, budget.id).variance_reason == "Night support and a carer's break"


def test_the_reason_stays_while_the_total_does(officer, set_above_indicative):
    budget = set_above_indicative
    _update(
        officer,
        budget,
        **_at(400_000, streams=[StreamInput("dp", 300_000), StreamInput("managed", 100_000)]),
    )
    db.session.expire_all()
    assert db.session.get(Budget, budget.id).variance_reason == "Night support assessed as well"


def test_a_total_back_at_the_indicative_drops_the_reason(officer, set_above_indicative):
    budget = set_above_indicative
    _update(officer, budget, **_at(350_000))
    db.session.expire_all()
    assert db.session.get(Budget, budget.id).variance_reason == ""
    assert "Reason for the difference from the indicative budget changed" in (
        _history(budget.id)[0].summary
    )


# --- whose money it is -------------------------------------------------------------------------


def test_the_councils_share_leaves_out_the_holders_contribution_and_other_funding(officer, holder):
    budget = record_budget(
        officer,
        holder,
        total_pence=1_612_000,
        streams=[DP, MANAGED, StreamInput("other", 52_000, label="Access to Work")],
    )
    assert budget.other_funding_pence == 52_000
    assert [s.name for s in budget.other_streams] == ["Access to Work"]
    assert budget.council_share_pence == 1_612_000 - 120_000 - 52_000


def test_the_contribution_cannot_exceed_what_is_not_other_funding(officer, holder):
    with pytest.raises(ValidationFailed) as error:
        record_budget(
            officer,
            holder,
            total_pence=1_000_000,
            contribution_pence=600_000,
            streams=[StreamInput("dp", 500_000), StreamInput("other", 500_000, label="ILF")],
        )
    assert error.value.errors == {
        "contribution_pence": "The holder's contribution cannot be more than the total budget "
        "less other funding, which is not the council's: £5,000.00"
    }
