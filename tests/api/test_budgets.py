"""/api/v1/budgets: who reads which budgets, officers record and change them, bad input is 400."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from marketplace.budgets.models import Budget, BudgetStream
from marketplace.extensions import db
from tests.api.conftest import audit_rows, count
from tests.factories import make_budget, make_holder

YEAR = date(date.today().year, 4, 1)


@pytest.fixture
def budget(app, people):
    with app.app_context():
        return make_budget(
            people.holder,
            people.leeds,
            streams=(("dp", 936_000), ("managed", 624_010)),
            contribution_pence=52_000,
            set_by=people.officer,
        )


def _new_budget(holder, **overrides):
    body = {
        "holder_id": holder,
        "year_start": YEAR.isoformat(),
        "total_pence": 1_560_000,
        "contribution_pence": 120_000,
        "streams": [
            {"kind": "dp", "total_pence": 936_000},
            {"kind": "managed", "total_pence": 624_000},
        ],
    }
    body.update(overrides)
    return body


def _first_stream(budget):
    return db.session.scalars(
        select(BudgetStream).where(BudgetStream.budget_id == budget.id).order_by(BudgetStream.id)
    ).first()


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["holder", "representative", "broker", "officer"])
def test_everyone_with_access_reads_the_budget_with_its_streams(api_as, people, budget, who):
    response = api_as(getattr(people, who)).get(f"/api/v1/budgets/{budget.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == budget.id
    assert body["holder_id"] == people.holder.id
    assert body["total_pence"] == 1_560_010
    assert body["contribution_pence"] == 52_000
    assert body["council_share_pence"] == 1_508_010
    assert body["year_start"] == YEAR.isoformat()
    assert body["weekly"]["total"] == {"pence": 30_000, "remainder_pence": 10}
    dp, managed = body["streams"]
    assert (dp["kind"], dp["name"], dp["total_pence"]) == ("dp", "Direct payment", 936_000)
    assert (dp["committed_pence"], dp["spent_pence"], dp["remaining_pence"]) == (0, 0, 936_000)
    assert dp["weekly"]["remaining"] == {"pence": 18_000, "remainder_pence": 0}
    assert managed["weekly"]["total"] == {"pence": 12_000, "remainder_pence": 10}
    assert response.headers["Cache-Control"] == "no-store"


def test_committed_and_spent_money_shows_in_each_stream(app, api_as, people, budget):
    with app.app_context():
        stream = _first_stream(budget)
        stream.committed_pence, stream.spent_pence = 100_000, 36_000
        db.session.commit()
    dp = api_as(people.holder).get(f"/api/v1/budgets/{budget.id}").get_json()["streams"][0]
    assert (dp["committed_pence"], dp["spent_pence"], dp["remaining_pence"]) == (
        100_000,
        36_000,
        800_000,
    )


def test_reading_a_budget_is_audited_as_an_api_read(app, api_as, people, budget):
    api_as(people.broker).get(f"/api/v1/budgets/{budget.id}")
    [row] = audit_rows(app, action="read")
    assert (row.actor_id, row.holder_id, row.subject_type, row.subject_id, row.via) == (
        people.broker.id,
        people.holder.id,
        "budget",
        budget.id,
        "api",
    )


def test_outsiders_of_every_role_find_no_budget(app, api_as, people, budget):
    for name, outsider in people.outsiders.items():
        api = api_as(outsider)
        response = api.get(f"/api/v1/budgets/{budget.id}")
        assert response.status_code == 404, name
        assert response.get_json()["error"]["code"] == "not_found"
        assert api.get(f"/api/v1/budgets?holder_id={people.holder.id}").status_code == 404, name
        listed = api.get("/api/v1/budgets").get_json()
        assert budget.id not in [b["id"] for b in listed["budgets"]], name
    assert api_as(people.holder).get("/api/v1/budgets/999999").status_code == 404
    assert audit_rows(app, action="read") == []


def test_the_list_holds_the_budgets_of_every_holder_the_caller_may_see(app, api_as, people, budget):
    with app.app_context():
        neighbour = make_holder(people.leeds)
        theirs = make_budget(neighbour, people.leeds, set_by=people.officer)
        elsewhere = make_budget(make_holder(people.bradford), people.bradford)

    def ids(user, query=""):
        response = api_as(user).get(f"/api/v1/budgets{query}")
        assert response.status_code == 200
        return [b["id"] for b in response.get_json()["budgets"]]

    assert ids(people.holder) == [budget.id]
    assert ids(people.representative) == [budget.id]
    assert ids(people.broker) == [budget.id]
    assert sorted(ids(people.officer)) == sorted([budget.id, theirs.id])
    assert elsewhere.id not in ids(people.officer)
    assert ids(people.officer, f"?holder_id={neighbour.id}") == [theirs.id]
    assert api_as(people.officer).get("/api/v1/budgets").get_json()["total"] == 2
    page = api_as(people.officer).get("/api/v1/budgets?per_page=1&page=2").get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["budgets"])) == (2, 2, 1, 1)
    reads = audit_rows(app, action="read", actor_id=people.officer.id, subject_type="budget")
    assert {r.via for r in reads} == {"api"}


@pytest.mark.parametrize(
    "query", ["?holder_id=abc", "?holder_id=-1", "?per_page=1000", "?page=0", "?per_page=x"]
)
def test_bad_list_parameters_are_refused(api_as, people, query):
    response = api_as(people.officer).get(f"/api/v1/budgets{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_request"
    assert error["fields"]


# --- recording ---------------------------------------------------------------------------------


def test_an_officer_records_a_budget(app, api_as, people):
    response = api_as(people.officer).post(
        "/api/v1/budgets", json=_new_budget(people.holder.id, reason="Agreed at assessment")
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/budgets/{body['id']}")
    assert body["total_pence"] == 1_560_000
    assert [s["total_pence"] for s in body["streams"]] == [936_000, 624_000]
    with app.app_context():
        saved = db.session.get(Budget, body["id"])
        assert (saved.holder_id, saved.council_id, saved.set_by_id) == (
            people.holder.id,
            people.leeds.id,
            people.officer.id,
        )
    [row] = audit_rows(app, action="create", subject_type="budget")
    assert row.via == "api"
    # The holder reads it at once.
    assert api_as(people.holder).get(response.headers["Location"]).status_code == 200


def test_weekly_stream_amounts_are_a_year_of_52_weeks(api_as, people):
    body = _new_budget(
        people.holder.id,
        total_pence=52 * 30_000,
        streams=[
            {"kind": "dp", "weekly_pence": 18_000},
            {"kind": "managed", "weekly_pence": 12_000},
        ],
    )
    response = api_as(people.officer).post("/api/v1/budgets", json=body)
    assert response.status_code == 201, response.get_json()
    streams = response.get_json()["streams"]
    assert [(s["total_pence"], s["entered_weekly"]) for s in streams] == [
        (936_000, True),
        (624_000, True),
    ]


@pytest.mark.parametrize(
    "who", ["holder", "representative", "broker", "admin", "provider", "officer of another council"]
)
def test_only_an_officer_of_the_holders_council_records_a_budget(app, api_as, people, who):
    user = people.outsiders.get(who) or getattr(people, who, None)
    response = api_as(user).post("/api/v1/budgets", json=_new_budget(people.holder.id))
    assert response.status_code == 404
    assert count(app, Budget) == 0


def test_a_second_budget_for_the_same_year_is_a_conflict(app, api_as, people, budget):
    response = api_as(people.officer).post("/api/v1/budgets", json=_new_budget(people.holder.id))
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict"
    assert "year_start" in error["fields"]
    assert count(app, Budget) == 1


def _stream(**fields):
    return [{"kind": "dp", "total_pence": 1_560_000, **fields}]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"total_pence": -1}, "total_pence"),
        ({"total_pence": 15600.5}, "total_pence"),
        ({"total_pence": 1_560_000.0}, "total_pence"),
        ({"total_pence": "1560000"}, "total_pence"),
        ({"total_pence": True}, "total_pence"),
        ({"total_pence": 1_000_000_001}, "total_pence"),
        ({"total_pence": None}, "total_pence"),
        ({"contribution_pence": -5}, "contribution_pence"),
        ({"contribution_pence": 2_000_000}, "contribution_pence"),
        ({"holder_id": "seven"}, "holder_id"),
        ({"year_start": "1 April"}, "year_start"),
        ({"year_start": "2026-02-30"}, "year_start"),
        ({"year_start": "1990-04-01"}, "year_start"),
        ({"streams": "dp"}, "streams"),
        ({"streams": []}, "streams"),
        ({"streams": _stream(total_pence=-100)}, "streams[0].total_pence"),
        ({"streams": _stream(total_pence=99.99)}, "streams[0].total_pence"),
        ({"streams": _stream(kind="cash")}, "streams[0].kind"),
        ({"streams": _stream(colour="red")}, "streams[0].colour"),
        ({"streams": _stream(weekly_pence=30_000)}, "streams[0].weekly_pence"),
        ({"streams": [{"kind": "dp", "weekly_pence": 20_000_000}]}, "streams[0].weekly_pence"),
        ({"streams": [{"kind": "other", "total_pence": 1_560_000}]}, "streams[0].label"),
        ({"streams": [{"kind": "isf", "total_pence": 1_560_000}]}, "streams[0].organisation_id"),
        ({"streams": [{"kind": "dp", "total_pence": 1_000_000}]}, "streams"),
        ({"ras_assessment_id": 0}, "ras_assessment_id"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_budgets_are_refused_naming_the_field_and_nothing_is_saved(
    app, api_as, people, overrides, field
):
    response = api_as(people.officer).post(
        "/api/v1/budgets", json=_new_budget(people.holder.id, **overrides)
    )
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] in {"invalid_request", "validation_failed"}
    assert field in error["fields"], error
    assert error["message"]
    assert count(app, Budget) == 0
    assert audit_rows(app) == []


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('"text"', "application/json"),
        ("", "application/json"),
        ("holder_id=1", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(app, api_as, people, data, content_type):
    response = api_as(people.officer).post(
        "/api/v1/budgets", data=data, headers={"Content-Type": content_type}
    )
    assert response.status_code == 400
    assert "body" in response.get_json()["error"]["fields"]
    assert count(app, Budget) == 0


def test_a_huge_body_is_refused(app, api_as, people):
    response = api_as(people.officer).post(
        "/api/v1/budgets", json=_new_budget(people.holder.id, reason="x" * 70_000)
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"]
    assert count(app, Budget) == 0


# --- changing ----------------------------------------------------------------------------------


def _change(**overrides):
    body = {
        "total_pence": 1_664_000,
        "contribution_pence": 0,
        "streams": [
            {"kind": "dp", "total_pence": 1_040_000},
            {"kind": "managed", "total_pence": 624_000},
        ],
        "reason": "Reassessed after a hospital stay",
    }
    body.update(overrides)
    return body


def test_an_officer_changes_a_budget(app, api_as, people, budget):
    response = api_as(people.officer).put(f"/api/v1/budgets/{budget.id}", json=_change())
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total_pence"] == 1_664_000
    assert body["variance_reason"] == "Reassessed after a hospital stay"
    assert [s["total_pence"] for s in body["streams"]] == [1_040_000, 624_000]
    [row] = audit_rows(app, action="update", subject_type="budget")
    assert (row.subject_id, row.via) == (budget.id, "api")


def test_a_change_needs_a_reason_and_sensible_amounts(app, api_as, people, budget):
    api = api_as(people.officer)
    for body, field in (
        ({k: v for k, v in _change().items() if k != "reason"}, "reason"),
        (_change(total_pence=-1), "total_pence"),
        (_change(total_pence=10**10), "total_pence"),
        (_change(total_pence=1_000_000), "streams"),
        (_change(id=budget.id), "id"),
    ):
        response = api.put(f"/api/v1/budgets/{budget.id}", json=body)
        assert response.status_code == 400, body
        assert field in response.get_json()["error"]["fields"]
    with app.app_context():
        assert db.session.get(Budget, budget.id).total_pence == 1_560_010


def test_a_committed_stream_cannot_drop_below_what_is_used(app, api_as, people, budget):
    with app.app_context():
        stream = _first_stream(budget)
        stream.committed_pence = 900_000
        db.session.commit()
    body = _change(
        total_pence=1_424_000,
        streams=[
            {"kind": "dp", "total_pence": 800_000},
            {"kind": "managed", "total_pence": 624_000},
        ],
    )
    response = api_as(people.officer).put(f"/api/v1/budgets/{budget.id}", json=body)
    assert response.status_code == 400
    assert "streams[0].total_pence" in response.get_json()["error"]["fields"]


def test_nobody_else_changes_a_budget(app, api_as, people, budget):
    for user in [
        people.holder,
        people.representative,
        people.broker,
        *people.outsiders.values(),
    ]:
        response = api_as(user).put(f"/api/v1/budgets/{budget.id}", json=_change())
        assert response.status_code == 404, user.role
    assert api_as(people.officer).put("/api/v1/budgets/999999", json=_change()).status_code == 404
    with app.app_context():
        assert db.session.get(Budget, budget.id).total_pence == 1_560_010
