"""RAS pages: the questionnaire and its result for holders, the table for officers, and the
budget form pre-filled from the indicative budget."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from marketplace.budgets.models import Budget, RasAssessment, RasQuestion, RasTable
from marketplace.extensions import db
from marketplace.permissions import Role
from tests.budgets.helpers import budget_form, make_ras_table, text
from tests.factories import link_broker, make_council, make_holder, make_user


@pytest.fixture
def leeds(app):
    with app.app_context():
        council = make_council()
        holder = make_holder(council)
        officer = make_user(Role.OFFICER, council=council)
        table = make_ras_table(council)
        questions = [(q.id, [o.id for o in q.options]) for q in table.questions]
    return {"council": council, "holder": holder, "officer": officer, "questions": questions}


def _answers(leeds, *choices):
    return {
        f"q{qid}": str(options[n])
        for (qid, options), n in zip(leeds["questions"], choices, strict=True)
    }


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_holder_fills_in_the_questionnaire_and_sees_the_working(leeds, sign_in_as, client, app):
    sign_in_as(leeds["holder"])
    holder_id = leeds["holder"].id
    page = text(client.get(f"/holders/{holder_id}/ras"))
    assert "Getting washed and dressed" in page and "I need some help" in page
    assert "sets the actual budget" in page

    response = client.post(f"/holders/{holder_id}/ras", data=_answers(leeds, 1, 1))

    assert response.status_code == 302
    result = text(client.get(response.headers["Location"]))
    assert "£3,500.00 a year" in result
    assert (
        '£3,500.00 a year<span class="govuk-body">, £67.30 a week plus £0.40 over the year'
        in result
    )
    assert "I need someone with me" in result and ">8<" in result
    assert "14 points × £250.00 a point = £3,500.00 a year" in result  # noqa: RUF001
    assert "A council officer sets the actual budget" in result
    budget_page = text(client.get(f"/holders/{holder_id}/budget"))
    assert "gave an indicative budget of £3,500.00 a year" in budget_page
    assert "Fill in the questionnaire again" in budget_page


def test_an_unanswered_question_is_named_in_the_error_summary(leeds, sign_in_as, client, app):
    sign_in_as(leeds["holder"])
    answers = _answers(leeds, 1, 1)
    missing = f"q{leeds['questions'][1][0]}"
    del answers[missing]

    response = client.post(f"/holders/{leeds['holder'].id}/ras", data=answers)

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert f'href="#{missing}"' in page
    assert "Select an answer to “Getting out and about”" in page
    assert _count(app, RasAssessment) == 0


def test_a_score_the_bands_do_not_cover_is_explained(app, sign_in_as, client):
    with app.app_context():
        council = make_council()
        holder = make_holder(council)
        table = make_ras_table(council, method="bands", rate_pence=None, bands=((0, 5, 100_000),))
        data = {f"q{q.id}": str(q.options[-1].id) for q in table.questions}
    sign_in_as(holder)
    response = client.post(f"/holders/{holder.id}/ras", data=data)
    assert response.status_code == 422
    page = text(response)
    assert "We cannot work out an indicative budget" in page
    assert "does not cover that score" in page
    assert _count(app, RasAssessment) == 0


def test_a_broker_fills_it_in_and_the_officer_sees_the_result(leeds, sign_in_as, client, app):
    with app.app_context():
        broker = link_broker(leeds["holder"])
    sign_in_as(broker)
    response = client.post(f"/holders/{leeds['holder'].id}/ras", data=_answers(leeds, 0, 0))
    result_path = response.headers["Location"]

    sign_in_as(leeds["officer"])
    assert client.get(f"/holders/{leeds['holder'].id}/ras").status_code == 404
    assert client.get(result_path).status_code == 200

    sign_in_as(make_user_in(app, Role.OFFICER, council_code="E06000014"))
    assert client.get(result_path).status_code == 404
    sign_in_as(make_user_in(app, Role.HOLDER))
    assert client.get(result_path).status_code == 404


def make_user_in(app, role, council_code=None):
    with app.app_context():
        council = (
            make_council(code=council_code, name="York", districts=("YO1",))
            if council_code
            else None
        )
        return make_user(role, council=council)


def test_an_assessment_is_only_found_under_its_own_holder(leeds, sign_in_as, client, app):
    with app.app_context():
        other = make_holder(leeds["council"])
    sign_in_as(leeds["holder"])
    response = client.post(f"/holders/{leeds['holder'].id}/ras", data=_answers(leeds, 0, 0))
    assessment_id = response.headers["Location"].rsplit("/", 1)[1]
    sign_in_as(other)
    assert client.get(f"/holders/{other.id}/ras/{assessment_id}").status_code == 404


def test_without_a_table_the_page_says_so(app, sign_in_as, client):
    with app.app_context():
        holder = make_holder(make_council())
        stray = make_holder(None)
    sign_in_as(holder)
    page = text(client.get(f"/holders/{holder.id}/ras"))
    assert "has not set up its questionnaire" in page
    sign_in_as(stray)
    page = text(client.get(f"/holders/{stray.id}/ras"))
    assert "We do not know yet which council supports you" in page


# --- the budget form uses the indicative budget ----------------------------------------------


def test_the_budget_form_starts_from_the_indicative_budget(leeds, sign_in_as, client, app):
    holder_id = leeds["holder"].id
    sign_in_as(leeds["holder"])
    client.post(f"/holders/{holder_id}/ras", data=_answers(leeds, 1, 1))  # £3,500
    with app.app_context():
        assessment_id = db.session.scalar(select(RasAssessment.id))

    sign_in_as(leeds["officer"])
    page = text(client.get(f"/holders/{holder_id}/budget/new"))
    assert re.search(r'id="total"[^>]*value="3500.00"', page)
    assert f'value="{assessment_id}"' in page
    assert "Why the budget is different from the indicative budget" in page

    data = budget_form(ras_assessment_id=str(assessment_id))
    response = client.post(f"/holders/{holder_id}/budget/new", data=data)
    assert response.status_code == 400
    page = text(response)
    assert "different from the indicative budget of £3,500.00: enter the reason" in page
    assert 'href="#reason"' in page
    assert _count(app, Budget) == 0

    data["reason"] = "Night-time support was assessed as well."
    assert client.post(f"/holders/{holder_id}/budget/new", data=data).status_code == 302
    page = text(client.get(f"/holders/{holder_id}/budget"))
    assert "Indicative budget" in page and "£3,500.00 a year, from the questionnaire" in page
    assert "Night-time support was assessed as well." in page


# --- officers' table ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.HOLDER, Role.BROKER, Role.ADMIN, Role.PROVIDER_ADMIN])
def test_only_officers_open_the_council_table(app, sign_in_as, client, role):
    sign_in_as(make_user_in(app, role))
    assert client.get("/council/ras").status_code == 404
    assert client.get("/council/ras/questions/new").status_code == 404


def test_an_officer_sets_up_the_table_through_the_pages(app, sign_in_as, client):
    officer = make_user_in(app, Role.OFFICER, council_code="E08000035")
    sign_in_as(officer)
    page = text(client.get("/council/ras"))
    assert "Holders cannot use the questionnaire yet" in page

    response = client.post(
        "/council/ras/questions/new",
        data={"text": "Getting about", "help_text": "", "options": "Alone | 0\nWith help | 10"},
    )
    assert response.status_code == 302
    response = client.post(
        "/council/ras", data={"method": "bands", "rate": "", "bands": "0-5 | 3000\n8-10 | 9000"}
    )
    assert response.status_code == 302
    page = text(client.get("/council/ras"))
    assert "The questionnaire is ready" in page
    assert "No band covers scores from 6 to 7 points" in page
    assert "0-5 | 3000" in page

    with app.app_context():
        question_id = db.session.scalar(select(RasQuestion.id))
    assert "Alone | 0" in text(client.get(f"/council/ras/questions/{question_id}"))
    response = client.post(
        f"/council/ras/questions/{question_id}",
        data={"text": "Moving about", "help_text": "Indoors", "options": "Alone | 0\nHelp | 5"},
    )
    assert response.status_code == 302
    assert client.post(f"/council/ras/questions/{question_id}/remove").status_code == 302
    assert _count(app, RasQuestion) == 0


@pytest.mark.parametrize(
    ("path", "data", "field", "message"),
    [
        (
            "/council/ras",
            {"method": "rate", "rate": "-2", "bands": ""},
            "rate",
            "cannot be negative",
        ),
        ("/council/ras", {"method": "rate", "rate": "", "bands": ""}, "rate", "Enter the pounds"),
        ("/council/ras", {"method": "bands", "bands": "0-5 | 10\nfive | 3"}, "bands", "Line 2:"),
        ("/council/ras", {"bands": ""}, "method", "Select how points become a budget"),
        (
            "/council/ras/questions/new",
            {"text": "Q", "options": "Only one | 1"},
            "options",
            "at least two answers",
        ),
        (
            "/council/ras/questions/new",
            {"text": "", "options": "A | 1\nB | 2"},
            "text",
            "Enter the question",
        ),
        ("/council/ras/questions/new", {"text": "Q", "options": "A | 1\nB"}, "options", "Line 2:"),
    ],
)
def test_bad_table_input_is_refused_with_an_error_summary(
    app, sign_in_as, client, path, data, field, message
):
    sign_in_as(make_user_in(app, Role.OFFICER, council_code="E08000035"))
    response = client.post(path, data=data)
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and message in page
    assert f'href="#{field}' in page
    assert _count(app, RasTable) == 0 and _count(app, RasQuestion) == 0


def test_an_officer_cannot_open_another_councils_question(leeds, app, sign_in_as, client):
    sign_in_as(make_user_in(app, Role.OFFICER, council_code="E06000014"))
    question_id = leeds["questions"][0][0]
    assert client.get(f"/council/ras/questions/{question_id}").status_code == 404
    assert client.post(f"/council/ras/questions/{question_id}/remove").status_code == 404
    assert _count(app, RasQuestion) == 2
