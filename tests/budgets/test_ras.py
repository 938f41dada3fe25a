"""The resource allocation system: councils configure it, holders fill it in and see the working."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.budgets import ras, ras_setup
from marketplace.budgets.models import RasAssessment, RasQuestion, RasTable
from marketplace.budgets.ras_setup import BandInput, OptionInput
from marketplace.errors import NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.budgets.helpers import answers_for, make_ras_table
from tests.factories import (
    link_broker,
    link_representative,
    make_council,
    make_holder,
    make_user,
)


@pytest.fixture
def council(app_ctx):
    return make_council()


@pytest.fixture
def holder(council):
    return make_holder(council)


def _assessments() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(RasAssessment))


# --- scoring --------------------------------------------------------------------------------


def test_the_rate_method_multiplies_points_and_shows_the_working(council, holder):
    table = make_ras_table(council, rate_pence=25_000)

    assessment = ras.complete_assessment(db.session, holder, holder.id, answers_for(table, 1, 1))

    assert (assessment.points, assessment.indicative_pence, assessment.method) == (
        14,
        350_000,
        "rate",
    )
    assert assessment.working.splitlines() == [
        "Getting washed and dressed: I need some help (6 points)",
        "Getting out and about: I need someone with me (8 points)",
        "Total: 14 points",
        "14 points × £250.00 a point = £3,500.00 a year",  # noqa: RUF001
    ]
    assert assessment.answers[0] == {
        "question": "Getting washed and dressed",
        "answer": "I need some help",
        "points": 6,
    }
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.subject_type, event.holder_id) == (
        "create",
        "ras_assessment",
        holder.id,
    )


def test_the_bands_method_finds_the_band_holding_the_score(council, holder):
    table = make_ras_table(
        council, method="bands", rate_pence=None, bands=((0, 10, 500_000), (11, 20, 900_000))
    )

    assessment = ras.complete_assessment(db.session, holder, holder.id, answers_for(table, 2, 1))

    assert (assessment.points, assessment.indicative_pence) == (20, 900_000)
    assert assessment.working.splitlines()[-2:] == [
        "Total: 20 points",
        "20 points is in the band 11 to 20 points: £9,000.00 a year",
    ]


def test_a_score_outside_every_band_is_explained_and_nothing_saved(council, holder):
    table = make_ras_table(
        council, method="bands", rate_pence=None, bands=((0, 10, 500_000), (15, 20, 900_000))
    )
    with pytest.raises(ras.ScoreNotCovered) as error:
        ras.complete_assessment(db.session, holder, holder.id, answers_for(table, 2, 0))
    assert error.value.status_code == 422
    assert "The answers come to 12 points" in error.value.message
    assert "Leeds City Council's table does not cover that score" in error.value.message
    assert _assessments() == 0


def test_an_amount_beyond_what_a_budget_can_be_is_refused(council, holder):
    table = make_ras_table(council, rate_pence=100_000_000)
    with pytest.raises(ras.ScoreNotCovered, match="more than the service can record"):
        ras.complete_assessment(db.session, holder, holder.id, answers_for(table, 2, 1))


def test_every_question_must_be_answered(council, holder):
    table = make_ras_table(council)
    washing, outings = table.questions

    with pytest.raises(ValidationFailed) as error:
        ras.complete_assessment(db.session, holder, holder.id, {washing.id: washing.options[0].id})
    assert error.value.errors == {f"q{outings.id}": "Select an answer to “Getting out and about”"}

    # An answer that belongs to another question is no answer.
    with pytest.raises(ValidationFailed) as error:
        ras.complete_assessment(
            db.session,
            holder,
            holder.id,
            {washing.id: outings.options[0].id, outings.id: outings.options[0].id},
        )
    assert list(error.value.errors) == [f"q{washing.id}"]
    assert _assessments() == 0


def test_an_assessment_keeps_its_working_when_the_council_changes_the_table(council, holder):
    table = make_ras_table(council)
    officer = make_user(Role.OFFICER, council=council)
    assessment = ras.complete_assessment(db.session, holder, holder.id, answers_for(table, 1, 1))
    ras_setup.update_question(
        db.session,
        officer,
        table.questions[0].id,
        text="Personal care",
        help_text="",
        options=[OptionInput("None", 0), OptionInput("Lots", 50)],
    )
    db.session.expire_all()
    kept = db.session.get(RasAssessment, assessment.id)
    assert kept.working.startswith("Getting washed and dressed: I need some help (6 points)")
    assert kept.indicative_pence == 350_000


@pytest.mark.parametrize("who", ["holder", "representative", "broker"])
def test_the_holder_and_those_acting_for_them_fill_it_in(council, holder, who):
    table = make_ras_table(council)
    actor = {
        "holder": holder,
        "representative": link_representative(holder) if who == "representative" else None,
        "broker": link_broker(holder) if who == "broker" else None,
    }[who]
    assessment = ras.complete_assessment(db.session, actor, holder.id, answers_for(table, 0, 0))
    assert assessment.completed_by_id == actor.id and assessment.indicative_pence == 0


@pytest.mark.parametrize("role", [Role.OFFICER, Role.BROKER, Role.ADMIN, Role.HOLDER])
def test_nobody_else_fills_it_in(council, holder, role):
    table = make_ras_table(council)
    actor = make_user(role, council=council if role is Role.OFFICER else None)
    with pytest.raises(NotFound):
        ras.complete_assessment(db.session, actor, holder.id, answers_for(table, 0, 0))


def test_there_is_no_questionnaire_without_a_council_or_a_usable_table(council, holder):
    homeless = make_holder(None)
    with pytest.raises(ras.NoRasTable):
        ras.complete_assessment(db.session, homeless, homeless.id, {})
    with pytest.raises(ras.NoRasTable):
        ras.complete_assessment(db.session, holder, holder.id, {})
    make_ras_table(council, rate_pence=None)  # questions, but no rate
    with pytest.raises(ras.NoRasTable):
        ras.complete_assessment(db.session, holder, holder.id, {})


# --- officers configure the table -----------------------------------------------------------


@pytest.fixture
def officer(council):
    return make_user(Role.OFFICER, council=council)


def test_an_officer_sets_a_rate_and_then_bands(officer):
    table = ras_setup.save_settings(
        db.session, officer, method="rate", rate_pence_per_point=30_000, bands=[]
    )
    assert (table.method, table.rate_pence_per_point, table.council_id) == (
        "rate",
        30_000,
        officer.council_id,
    )
    ras_setup.save_settings(
        db.session,
        officer,
        method="bands",
        rate_pence_per_point=None,
        bands=ras_setup.parse_bands("11-20 | £9,000\n0 to 10 | 5000.50\n"),
    )
    db.session.expire_all()
    table = db.session.scalar(select(RasTable))
    assert table.method == "bands"
    assert [(b.min_points, b.max_points, b.annual_pence) for b in table.bands] == [
        (0, 10, 500_050),
        (11, 20, 900_000),
    ]
    assert ras_setup.bands_text(table) == "0-10 | 5000.50\n11-20 | 9000"


@pytest.mark.parametrize(
    ("settings", "key", "message"),
    [
        ({"method": "guess"}, "method", "Select how points become a budget"),
        ({"rate_pence_per_point": None}, "rate", "Enter the pounds for each point"),
        ({"rate_pence_per_point": 0}, "rate", "must be more than £0"),
        ({"method": "bands", "bands": []}, "bands", "Enter at least one band"),
        (
            {"method": "bands", "bands": [BandInput(0, 10, 1), BandInput(10, 20, 2)]},
            "bands",
            "The bands 0-10 and 10-20 overlap",
        ),
        ({"method": "bands", "bands": [BandInput(10, 5, 1)]}, "bands", "ends before it starts"),
        (
            {"method": "bands", "bands": [BandInput(0, 5, 1_000_000_001)]},
            "bands",
            "£10,000,000.00 or less",
        ),
    ],
)
def test_bad_settings_are_refused(officer, settings, key, message):
    values = {"method": "rate", "rate_pence_per_point": 25_000, "bands": []}
    values.update(settings)
    with pytest.raises(ValidationFailed) as error:
        ras_setup.save_settings(db.session, officer, **values)
    assert message in error.value.errors[key]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RasTable)) == 0


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (ras_setup.parse_bands, "0-10 | 5000\n11-20 5000", "Line 2: write the points from and to"),
        (ras_setup.parse_bands, "0-10 | -5", "Line 1: The amount cannot be negative"),
        (ras_setup.parse_bands, "0-10 | 12.345", "Line 1: Enter an amount"),
        (ras_setup.parse_options, "Never | 0\nOften", "Line 2: write the answer, a bar"),
        (ras_setup.parse_options, "Never | 0\nOften | lots", "Line 2: the points must be a whole"),
        (ras_setup.parse_options, "Never | -1", "Line 1: the points must be a whole"),
    ],
)
def test_lines_an_officer_types_are_checked_line_by_line(parse, text, message):
    with pytest.raises(ValidationFailed) as error:
        parse(text)
    assert message in next(iter(error.value.errors.values()))


def test_an_officer_adds_changes_and_removes_questions(officer):
    first = ras_setup.add_question(
        db.session,
        officer,
        text=" Getting about indoors ",
        help_text="At home",
        options=ras_setup.parse_options("On my own | 0\nWith help | 4\n\n"),
    )
    second = ras_setup.add_question(
        db.session, officer, text="Meals", options=[OptionInput("Yes", 0), OptionInput("No", 3)]
    )
    assert (first.text, first.position, second.position) == ("Getting about indoors", 1, 2)
    assert ras_setup.options_text(first) == "On my own | 0\nWith help | 4"

    ras_setup.update_question(
        db.session,
        officer,
        first.id,
        text="Moving around at home",
        help_text="",
        options=[OptionInput("Alone", 0), OptionInput("Some help", 2), OptionInput("Full help", 9)],
    )
    ras_setup.remove_question(db.session, officer, second.id)

    db.session.expire_all()
    [question] = db.session.scalars(select(RasQuestion)).all()
    assert question.text == "Moving around at home"
    assert [(o.text, o.points) for o in question.options] == [
        ("Alone", 0),
        ("Some help", 2),
        ("Full help", 9),
    ]


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        ({"text": " "}, "text", "Enter the question"),
        ({"text": "x" * 301}, "text", "300 characters or fewer"),
        ({"help_text": "x" * 501}, "help_text", "500 characters or fewer"),
        ({"options": [OptionInput("Only", 1)]}, "options", "at least two answers"),
        ({"options": [OptionInput("A", 1), OptionInput("a", 2)]}, "options", "same text"),
        (
            {"options": [OptionInput("A", 1), OptionInput("B", 1001)]},
            "options",
            "between 0 and 1,000",
        ),
    ],
)
def test_bad_questions_are_refused(officer, fields, key, message):
    values = {
        "text": "Meals",
        "help_text": "",
        "options": [OptionInput("A", 0), OptionInput("B", 1)],
    }
    values.update(fields)
    with pytest.raises(ValidationFailed) as error:
        ras_setup.add_question(db.session, officer, **values)
    assert message in error.value.errors[key]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RasQuestion)) == 0


def test_officers_cannot_touch_another_councils_table(council, officer):
    york_officer = make_user(Role.OFFICER, council=make_council(code="E06000014", name="York"))
    question = make_ras_table(council).questions[0]
    options = [OptionInput("A", 0), OptionInput("B", 1)]
    with pytest.raises(NotFound):
        ras_setup.update_question(
            db.session, york_officer, question.id, text="X", help_text="", options=options
        )
    with pytest.raises(NotFound):
        ras_setup.remove_question(db.session, york_officer, question.id)
    with pytest.raises(NotFound):
        ras_setup.save_settings(
            db.session, make_user(Role.BROKER), method="rate", rate_pence_per_point=1, bands=[]
        )
    assert ras_setup.officer_table(db.session, york_officer) is None


def test_the_officer_sees_scores_no_band_covers(council):
    table = make_ras_table(council, method="bands", bands=((0, 5, 1), (8, 10, 2), (15, 30, 3)))
    assert ras_setup.score_range(table) == (0, 20)
    assert ras_setup.uncovered_scores(table) == [(6, 7), (11, 14)]
    table.bands[0].min_points = 2
    assert ras_setup.uncovered_scores(table)[0] == (0, 1)
