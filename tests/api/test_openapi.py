"""The OpenAPI document stays true: every /api/v1 route is in it and nothing else is, it is a
valid OpenAPI 3.1 document, and what the API answers matches the schemas it publishes."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate

from marketplace.api.openapi import document
from marketplace.extensions import db
from marketplace.plans.models import PlanLine, PlanOutcome
from tests.factories import make_budget, make_organisation

METHODS = {"get", "put", "post", "patch", "delete"}


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((path, method.lower()))
    return found


def _documented() -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, item in document()["paths"].items()
        for method in item
        if method in METHODS
    }


def test_every_api_route_is_documented_and_every_documented_route_exists(app):
    routes, documented = _routes(app), _documented()
    assert routes - documented == set(), "routes missing from marketplace/api/openapi.py"
    assert documented - routes == set(), "documented paths with no route"
    # The public search endpoints are there too.
    assert ("/api/v1/search", "get") in documented


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    for name in ("Budget", "Stream", "Plan", "Outcome", "Line", "Event", "Error"):
        assert name in spec["components"]["schemas"]


def test_path_parameters_are_declared_for_every_templated_path():
    for path, item in document()["paths"].items():
        declared = {p["name"] for p in item.get("parameters", [])}
        for method in METHODS & set(item):
            declared |= {p["name"] for p in item[method].get("parameters", []) if p["in"] == "path"}
        assert set(re.findall(r"{([a-z_]+)}", path)) <= declared, path


def test_what_needs_a_token_is_documented_so(client):
    """Call each operation without a token: 401 ⇔ documented as needing the bearer token."""
    for path, method in sorted(_documented()):
        concrete = re.sub(r"{[a-z_]+}", "1", path)
        status = client.open(concrete, method=method.upper(), json={}).status_code
        operation = document()["paths"][path][method]
        public = operation.get("security") == []
        if status == 401:
            assert not public, f"{method} {path} answers 401 but is documented as public"
            assert "401" in operation["responses"], f"{method} {path}"
        else:
            assert public, f"{method} {path} answered {status} without a token"


# --- the answers match the schemas ---------------------------------------------------------------


def _strict(schema: Any) -> Any:
    """The published schemas, refusing keys they do not name, so an undocumented key fails."""
    if isinstance(schema, dict):
        schema = {k: _strict(v) for k, v in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def _operation(path: str, method: str) -> dict[str, Any]:
    for template, item in document()["paths"].items():
        pattern = (
            "^"
            + re.sub(
                r"{[a-z_]+}", r"[0-9]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
            )
            + "$"
        )
        if re.match(pattern, path.split("?")[0]) and method in item:
            return item[method]
    raise AssertionError(f"{method} {path} is not documented")


def _check(response: Any, path: str, method: str) -> Any:
    """The status is one the operation documents, and the body matches its schema."""
    operation = _operation(path, method)
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path}: {status} is not documented"
    content = operation["responses"][status].get("content")
    if content is None:
        assert not response.get_data()
        return None
    schema = {
        **content["application/json"]["schema"],
        "components": {"schemas": _strict(copy.deepcopy(document()["components"]["schemas"]))},
    }
    body = response.get_json()
    errors = sorted(
        Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(body), key=str
    )
    assert not errors, f"{method} {path}: " + "; ".join(
        f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]
    )
    return body


@pytest.fixture
def rich_budget(app, people):
    """A budget in every kind of stream, so each stream shape is checked."""
    with app.app_context():
        return make_budget(
            people.holder,
            people.leeds,
            streams=(("dp", 520_000), ("managed", 10_001), ("isf", 300_000), ("other", 52_000)),
            isf_organisation=make_organisation(),
            set_by=people.officer,
        )


def test_budget_answers_match_the_published_schemas(api_as, people, rich_budget):
    officer = api_as(people.officer)
    _check(officer.get("/api/v1/me"), "/api/v1/me", "get")
    _check(officer.get("/api/v1/budgets"), "/api/v1/budgets", "get")
    path = f"/api/v1/budgets/{rich_budget.id}"
    body = _check(officer.get(path), path, "get")
    assert len(body["streams"]) == 4
    _check(api_as(people.holder).get("/api/v1/budgets/999999"), "/api/v1/budgets/1", "get")
    _check(officer.put(path, json={"total_pence": -1}), path, "put")
    change = {
        "total_pence": 882_001,
        "streams": [
            {"kind": "dp", "total_pence": 520_000},
            {"kind": "managed", "total_pence": 10_001},
            {
                "kind": "isf",
                "total_pence": 300_000,
                "organisation_id": body["streams"][2]["organisation_id"],
            },
            {"kind": "other", "total_pence": 52_000, "label": "Access to Work"},
        ],
        "reason": "Checked",
    }
    _check(officer.put(path, json=change), path, "put")
    new_year = {
        "holder_id": people.holder.id,
        "year_start": body["year_start"],
        "total_pence": 100,
        "streams": [{"kind": "dp", "total_pence": 100}],
    }
    _check(officer.post("/api/v1/budgets", json=new_year), "/api/v1/budgets", "post")  # 409


def test_plan_answers_match_the_published_schemas(app, api_as, people, rich_budget):
    holder, officer = api_as(people.holder), api_as(people.officer)
    plan = _check(
        holder.post("/api/v1/plans", json={"holder_id": people.holder.id}), "/api/v1/plans", "post"
    )
    base = f"/api/v1/plans/{plan['id']}"
    _check(holder.patch(base, json={"what_matters": "Work"}), base, "patch")
    outcome = _check(
        holder.post(f"{base}/outcomes", json={"code": "paid-work", "how_met": "Job coach"}),
        f"{base}/outcomes",
        "post",
    )
    _check(holder.post(f"{base}/outcomes", json={"code": "?"}), f"{base}/outcomes", "post")
    one = f"{base}/outcomes/{outcome['id']}"
    _check(holder.put(one, json={"code": "learning", "how_met": "A course"}), one, "put")
    with app.app_context():
        line = PlanLine(
            plan_id=plan["id"],
            kind="unpaid",
            description="Sister visits",
            frequency="week",
            quantity_hundredths=200,
            unit="hours",
            start_on=rich_budget.year_start,
            days=["sat"],
            time_bands=["afternoon"],
        )
        line.outcomes = [db.session.get(PlanOutcome, outcome["id"])]
        db.session.add(line)
        db.session.commit()
    _check(holder.post(f"{base}/approve", json={}), f"{base}/approve", "post")  # 404 for a holder
    _check(holder.post(f"{base}/submit"), f"{base}/submit", "post")
    _check(officer.post(f"{base}/refer", json={"reason": "Panel"}), f"{base}/refer", "post")
    _check(officer.post(f"{base}/refer", json={"reason": "Panel"}), f"{base}/refer", "post")  # 409
    _check(officer.post(f"{base}/reject", json={}), f"{base}/reject", "post")  # 400
    _check(officer.post(f"{base}/approve", json={}), f"{base}/approve", "post")
    body = _check(holder.get(base), base, "get")
    assert body["lines"] and body["events"] and body["outcomes"]
    revision = _check(holder.post(f"{base}/revise"), f"{base}/revise", "post")
    again = f"/api/v1/plans/{revision['id']}"
    removed = f"{again}/outcomes/{revision['outcomes'][0]['id']}"
    _check(holder.delete(removed), removed, "delete")
    _check(holder.post(f"{again}/submit"), f"{again}/submit", "post")  # 400: no outcomes
    _check(holder.post(f"{again}/withdraw"), f"{again}/withdraw", "post")  # 409: a draft
    _check(officer.get("/api/v1/plans?status=approved"), "/api/v1/plans", "get")
    _check(officer.get("/api/v1/plans?status=nope"), "/api/v1/plans", "get")
    _check(api_as(people.outsiders["admin"]).get(base), base, "get")


def test_unauthorised_answers_match_the_error_schema(client):
    _check(client.get("/api/v1/plans"), "/api/v1/plans", "get")
    _check(client.get("/api/v1/me"), "/api/v1/me", "get")
