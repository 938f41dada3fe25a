"""The package builder over the API: checks, alternatives, adding and removing lines; each answer
matches its published schema; outsiders get 404, callers without a token 401, and a line that
breaks a package rule is refused with the rule's message and nothing saved."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from marketplace.plans.models import PlanLine
from tests.api.conftest import audit_rows, count
from tests.api.test_openapi import _check
from tests.factories import make_plan


def _base(package: SimpleNamespace) -> str:
    return f"/api/v1/plans/{package.plan_id}"


@pytest.mark.parametrize("who", ["holder", "representative", "broker"])
def test_people_with_access_read_the_package_checks(app, api_as, people, package, who):
    path = f"{_base(package)}/checks"
    body = _check(api_as(getattr(people, who)).get(path), path, "get")
    assert body["ok"] is True
    rules = {f["rule"] for f in body["findings"]}
    # The line serves no outcome, and the outcome no line: warnings while drafting.
    assert {"line_serves_no_outcome", "outcome_not_served"} <= rules
    [dp] = [s for s in body["streams"] if s["stream_id"] == package.dp_id]
    assert dp["annual_pence"] == 2250 * 6 * 52
    assert dp["state"] in {"ok", "near", "over"}
    assert audit_rows(app, action="read", subject_type="plan", subject_id=package.plan_id)


def test_alternatives_are_listed_best_first_with_explanations(api_as, people, package):
    path = f"{_base(package)}/lines/{package.line_id}/alternatives"
    body = _check(api_as(people.holder).get(path), path, "get")
    assert body["line_id"] == package.line_id
    [first, *_rest] = body["alternatives"]
    assert first["offer_id"] == package.cheaper_id
    assert first["annual_saving_pence"] == 350 * 6 * 52
    assert "cheaper" in first["reasons"] and first["explanation"]


def test_a_line_of_another_plan_has_no_alternatives_here(app, api_as, people, package):
    with app.app_context():
        other = make_plan(people.holder, council=people.leeds, year_start=None, revision=2)
        other_id = other.id
    path = f"/api/v1/plans/{other_id}/lines/{package.line_id}/alternatives"
    response = api_as(people.holder).get(path)
    assert response.status_code == 404
    _check(response, path, "get")


@pytest.mark.parametrize(
    "who",
    ["another holder", "unlinked representative", "invited broker", "officer of another council"],
)
def test_outsiders_get_404_for_every_package_endpoint(api_as, people, package, who):
    client = api_as(people.outsiders[who])
    base = _base(package)
    line = f"{base}/lines/{package.line_id}"
    assert client.get(f"{base}/checks").status_code == 404
    assert client.get(f"{line}/alternatives").status_code == 404
    new = {"kind": "text", "description": "Gym", "quantity_hundredths": 100, "unit_price_pence": 1}
    assert client.post(f"{base}/lines", json=new).status_code == 404
    assert client.delete(line).status_code == 404


def test_without_a_token_every_package_endpoint_answers_401(client, package):
    base = _base(package)
    line = f"{base}/lines/{package.line_id}"
    assert client.get(f"{base}/checks").status_code == 401
    assert client.get(f"{line}/alternatives").status_code == 401
    assert client.post(f"{base}/lines", json={}).status_code == 401
    assert client.delete(line).status_code == 401


def test_adding_a_line_returns_it_with_the_checks_after_it(app, api_as, people, package):
    path = f"{_base(package)}/lines"
    new = {
        "kind": "offer",
        "offer_id": package.cheaper_id,
        "quantity_hundredths": 150,
        "stream_id": package.dp_id,
        "outcome_ids": [package.outcome_id],
        "days": ["mon"],
        "time_bands": ["morning"],
    }
    response = api_as(people.broker).post(path, json=new)
    body = _check(response, path, "post")
    assert response.status_code == 201
    line = body["line"]
    assert (line["offer_id"], line["unit_price_pence"], line["quantity"]) == (
        package.cheaper_id,
        1900,
        "1.5",
    )
    assert line["outcome_ids"] == [package.outcome_id]
    rules = {f["rule"] for f in body["checks"]["findings"]}
    assert "outcome_not_served" not in rules
    assert count(app, PlanLine) == 2


def test_a_line_breaking_a_package_rule_is_refused_naming_it_and_nothing_is_saved(
    app, api_as, people, package
):
    path = f"{_base(package)}/lines"
    new = {
        "kind": "offer",
        "offer_id": package.council_run_id,
        "quantity_hundredths": 200,
        "stream_id": package.dp_id,
    }
    response = api_as(people.holder).post(path, json=new)
    body = _check(response, path, "post")
    assert response.status_code == 400
    message = body["error"]["fields"]["stream_id"]
    assert message.startswith("A direct payment cannot pay for a service the council runs")
    assert count(app, PlanLine) == 1


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"quantity_hundredths": 100}, "kind"),
        ({"kind": "text", "description": "Gym"}, "quantity_hundredths"),
        ({"kind": "text", "quantity_hundredths": 100, "unit_price_pence": 1.5}, "unit_price_pence"),
        ({"kind": "text", "quantity_hundredths": 100, "outcome_ids": ["a"]}, "outcome_ids"),
        ({"kind": "text", "quantity_hundredths": 100, "days": ["someday"]}, "days"),
        ({"kind": "text", "quantity_hundredths": 100, "colour": "red"}, "colour"),
        ({"kind": "text", "quantity_hundredths": 100, "unit_price_pence": 100}, "description"),
    ],
)
def test_bad_line_fields_are_named_and_nothing_is_saved(
    app, api_as, people, package, sent: dict[str, Any], field: str
):
    path = f"{_base(package)}/lines"
    response = api_as(people.holder).post(path, json=sent)
    body = _check(response, path, "post")
    assert response.status_code == 400
    assert field in body["error"]["fields"]
    assert count(app, PlanLine) == 1


def test_removing_a_line_returns_the_checks_after_it(app, api_as, people, package):
    path = f"{_base(package)}/lines/{package.line_id}"
    response = api_as(people.representative).delete(path)
    body = _check(response, path, "delete")
    assert response.status_code == 200
    assert body["checks"]["findings"][0]["rule"] == "outcome_not_served"
    assert count(app, PlanLine) == 0
    again = api_as(people.representative).delete(path)
    assert again.status_code == 404
