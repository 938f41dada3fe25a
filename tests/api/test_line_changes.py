"""Changing a line over the API (PUT …/lines/<line>): the fields sent change, the others keep the
line's values; someone else's plan or line is 404, a plan that is not a draft 409, bad input 400
naming each field, and nothing is saved on any refusal. A line refused by a package rule (adding
or changing it, or approving a plan it now breaks) answers "rule_broken" with each rule's code."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from marketplace.clock import utcnow
from marketplace.directory.models import Offer, Organisation, PACheck
from marketplace.extensions import db
from marketplace.holders.models import HolderRecord
from marketplace.plans.models import PlanEvent, PlanLine, SupportPlan
from tests.api.conftest import audit_rows, count
from tests.api.test_openapi import _check
from tests.factories import make_offer, make_pa, make_plan


def _path(package: SimpleNamespace, line_id: int | None = None) -> str:
    return f"/api/v1/plans/{package.plan_id}/lines/{line_id or package.line_id}"


def _saved(app, line_id: int) -> dict[str, Any]:
    with app.app_context():
        line = db.session.get(PlanLine, line_id)
        return {
            "kind": line.kind,
            "offer_id": line.offer_id,
            "pa_profile_id": line.pa_profile_id,
            "description": line.description,
            "quantity_hundredths": line.quantity_hundredths,
            "stream_id": line.stream_id,
            "outcome_ids": [o.id for o in line.outcomes],
        }


def _rules(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["rule"], item["field"]) for item in body["error"]["rules"]]


@pytest.fixture
def offers(app, package) -> SimpleNamespace:
    """Offers that break a rule when a direct payment or the managed budget pays for them, and
    personal assistants who break the holder's requirements."""
    with app.app_context():
        return SimpleNamespace(
            residential=make_offer(
                title="Oak Lodge care home",
                category="long-term-residential",
                pay_dp=False,
                price_unit="week",
            ).id,
            not_managed=make_offer(title="Night visits", pay_managed=False).id,
            far_pa=make_pa(display_name="Jo Far", home_district="BD1", travel_km=8).id,
            unchecked_pa=make_pa(display_name="Sam Carer", checks=()).id,
        )


# --- changing a line ------------------------------------------------------------------------------


def test_a_put_changes_the_fields_sent_and_keeps_the_others(app, api_as, people, package):
    before = _saved(app, package.line_id)
    path = _path(package)
    sent = {"quantity_hundredths": 300, "outcome_ids": [package.outcome_id]}
    response = api_as(people.broker).put(path, json=sent)
    body = _check(response, path, "put")
    assert response.status_code == 200
    line = body["line"]
    assert (line["quantity"], line["outcome_ids"]) == ("3", [package.outcome_id])
    assert (line["description"], line["stream_id"], line["unit_price_pence"]) == (
        "Home care",
        package.dp_id,
        2250,
    )
    assert (line["frequency"], line["unit"]) == ("week", "hours")
    assert line["cost"]["annual_pence"] == 2250 * 3 * 52
    # The package's checks after the change: the outcome is served now.
    rules = {f["rule"] for f in body["checks"]["findings"]}
    assert not {"outcome_not_served", "line_serves_no_outcome"} & rules
    [dp] = [s for s in body["checks"]["streams"] if s["stream_id"] == package.dp_id]
    assert dp["annual_pence"] == 2250 * 3 * 52
    assert _saved(app, package.line_id) == {
        **before,
        "quantity_hundredths": 300,
        "outcome_ids": [package.outcome_id],
    }
    assert audit_rows(app, action="update", subject_type="plan_line", subject_id=package.line_id)


def test_null_puts_a_field_back_to_what_a_new_line_has_without_it(app, api_as, people, package):
    path = _path(package)
    response = api_as(people.holder).put(path, json={"stream_id": None, "description": None})
    body = _check(response, path, "put")
    assert response.status_code == 200
    assert body["line"]["stream_id"] is None
    assert body["line"]["description"] == "Home care visits"  # the offer's title
    [unpaid] = [f for f in body["checks"]["findings"] if f["rule"] == "line_without_stream"]
    assert (unpaid["severity"], unpaid["line_id"]) == ("warning", package.line_id)
    assert _saved(app, package.line_id)["stream_id"] is None


def test_an_empty_put_changes_nothing_and_answers_the_checks(app, api_as, people, package):
    before = _saved(app, package.line_id)
    path = _path(package)
    body = _check(api_as(people.holder).put(path, json={}), path, "put")
    assert body["line"]["id"] == package.line_id and body["checks"]["ok"] is True
    assert _saved(app, package.line_id) == before


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"quantity_hundredths": 0}, "quantity_hundredths"),
        ({"quantity_hundredths": None}, "quantity_hundredths"),
        ({"kind": None}, "kind"),
        ({"kind": "holiday"}, "kind"),
        ({"colour": "red"}, "colour"),
        ({"start_on": "1 April"}, "start_on"),
        ({"end_on": "2000-01-01"}, "end_on"),  # before the line starts
        ({"stream_id": 999_999}, "stream_id"),  # not one of the holder's streams
        ({"outcome_ids": [999_999]}, "outcome_ids"),  # not an outcome of this plan
        ({"kind": "text"}, "offer_id"),  # the line still names its offer
        ({"offer_id": 999_999}, "offer_id"),
    ],
)
def test_bad_changes_are_named_and_nothing_is_saved(
    app, api_as, people, package, sent: dict[str, Any], field: str
):
    before = _saved(app, package.line_id)
    path = _path(package)
    response = api_as(people.holder).put(path, json=sent)
    body = _check(response, path, "put")
    assert response.status_code == 400
    assert field in body["error"]["fields"]
    assert _saved(app, package.line_id) == before


def test_a_body_that_is_not_a_json_object_is_refused(app, api_as, people, package):
    path = _path(package)
    response = api_as(people.holder).put(path, json=[{"quantity_hundredths": 100}])
    body = _check(response, path, "put")
    assert response.status_code == 400
    assert "body" in body["error"]["fields"]


@pytest.mark.parametrize("who", sorted(["officer", "another holder", "invited broker", "admin"]))
def test_someone_elses_plan_is_404_and_nothing_changes(app, api_as, people, package, who):
    before = _saved(app, package.line_id)
    user = people.officer if who == "officer" else people.outsiders[who]
    path = _path(package)
    response = api_as(user).put(path, json={"quantity_hundredths": 100})
    assert response.status_code == 404
    _check(response, path, "put")
    assert _saved(app, package.line_id) == before


def test_a_line_of_another_plan_or_none_at_all_is_404(app, api_as, people, package):
    with app.app_context():
        other = make_plan(people.holder, council=people.leeds, revision=2)
        line = PlanLine(
            plan_id=other.id,
            kind="text",
            description="Gym",
            unit_price_pence=500,
            start_on=other.year_start,
        )
        db.session.add(line)
        db.session.commit()
        other_line = line.id
    client = api_as(people.holder)
    for line_id in (other_line, 999_999):
        response = client.put(_path(package, line_id), json={"quantity_hundredths": 100})
        assert response.status_code == 404
        _check(response, _path(package, line_id), "put")
    assert _saved(app, other_line)["quantity_hundredths"] == 100


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_a_plan_that_is_not_a_draft_is_409_and_nothing_changes(
    app, api_as, people, package, status
):
    with app.app_context():
        plan = db.session.get(SupportPlan, package.plan_id)
        plan.status, plan.submitted_at = status, utcnow()
        plan.review_due_on = plan.year_start.replace(year=plan.year_start.year + 1)
        db.session.commit()
    before = _saved(app, package.line_id)
    path = _path(package)
    response = api_as(people.holder).put(path, json={"quantity_hundredths": 100})
    body = _check(response, path, "put")
    assert response.status_code == 409
    assert body["error"]["code"] == "invalid_transition"
    assert _saved(app, package.line_id) == before


def test_without_a_token_a_put_is_401(client, package):
    assert client.put(_path(package), json={}).status_code == 401


# --- refusals name the rule -----------------------------------------------------------------------


def _post_line(package: SimpleNamespace, offers: SimpleNamespace, case: str) -> dict[str, Any]:
    offer_line = {"kind": "offer", "quantity_hundredths": 200, "stream_id": package.dp_id}
    pa_line = {"kind": "pa", "quantity_hundredths": 200, "days": ["mon"]}
    pa_line["time_bands"] = ["morning"]
    return {
        "residential": {**offer_line, "offer_id": offers.residential},
        "council run": {**offer_line, "offer_id": package.council_run_id},
        "not managed": {
            **offer_line,
            "offer_id": offers.not_managed,
            "stream_id": package.managed_id,
        },
        "too far": {**pa_line, "pa_profile_id": offers.far_pa},
        "unchecked and away": {
            **pa_line,
            "pa_profile_id": offers.unchecked_pa,
            "days": ["fri"],
            "time_bands": ["evening"],
        },
    }[case]


REFUSALS = {
    "residential": [("dp_long_term_residential", "stream_id")],
    "council run": [("dp_council_run", "stream_id")],
    "not managed": [("offer_not_payable_by_stream", "stream_id")],
    "too far": [("pa_too_far", "pa_profile_id")],
    "unchecked and away": [("pa_check_missing", "pa_profile_id"), ("pa_not_available", "days")],
}


def _require_dbs(app, people) -> None:
    with app.app_context():
        db.session.get(HolderRecord, people.holder.id).required_checks = ["enhanced_dbs"]
        db.session.commit()


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_adding_a_line_that_breaks_a_rule_names_the_rule(
    app, api_as, people, package, offers, case
):
    _require_dbs(app, people)
    path = f"/api/v1/plans/{package.plan_id}/lines"
    response = api_as(people.holder).post(path, json=_post_line(package, offers, case))
    body = _check(response, path, "post")
    assert response.status_code == 400
    error = body["error"]
    assert error["code"] == "rule_broken"
    assert _rules(body) == REFUSALS[case]
    for item in error["rules"]:
        assert item["message"] in error["fields"][item["field"]]
        assert item["message"] in error["message"]
    assert count(app, PlanLine) == 1


def test_the_refusal_says_the_rule_in_words_too(app, api_as, people, package, offers):
    path = f"/api/v1/plans/{package.plan_id}/lines"
    response = api_as(people.holder).post(path, json=_post_line(package, offers, "residential"))
    assert response.get_json() == {
        "error": {
            "code": "rule_broken",
            "message": "A direct payment cannot pay for long-term residential care",
            "fields": {"stream_id": "A direct payment cannot pay for long-term residential care"},
            "rules": [
                {
                    "rule": "dp_long_term_residential",
                    "field": "stream_id",
                    "message": "A direct payment cannot pay for long-term residential care",
                }
            ],
        }
    }


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("council run", [("dp_council_run", "stream_id")]),
        ("residential", [("dp_long_term_residential", "stream_id")]),
        ("not managed", [("offer_not_payable_by_stream", "stream_id")]),
        ("too far", [("pa_too_far", "pa_profile_id")]),
    ],
)
def test_changing_a_line_so_it_breaks_a_rule_names_the_rule_and_keeps_the_line(
    app, api_as, people, package, offers, case, expected
):
    sent = {
        "council run": {"offer_id": package.council_run_id},
        "residential": {"offer_id": offers.residential},
        "not managed": {"offer_id": offers.not_managed, "stream_id": package.managed_id},
        "too far": {"kind": "pa", "offer_id": None, "pa_profile_id": offers.far_pa},
    }[case]
    before = _saved(app, package.line_id)
    path = _path(package)
    response = api_as(people.holder).put(path, json=sent)
    body = _check(response, path, "put")
    assert response.status_code == 400
    assert body["error"]["code"] == "rule_broken"
    assert _rules(body) == expected
    assert _saved(app, package.line_id) == before


def test_a_change_that_keeps_the_rules_goes_through(app, api_as, people, package):
    """The council's own service may be paid from the council-managed budget."""
    path = _path(package)
    sent = {"offer_id": package.council_run_id, "stream_id": package.managed_id}
    body = _check(api_as(people.holder).put(path, json=sent), path, "put")
    assert (body["line"]["offer_id"], body["line"]["stream_id"]) == (
        package.council_run_id,
        package.managed_id,
    )


# --- approving re-runs the package rules -----------------------------------------------------------


def _submitted_package(app, people, package) -> None:
    """The package sent to Leeds as it stands (it met the rules), its line serving the outcome."""
    with app.app_context():
        plan = db.session.get(SupportPlan, package.plan_id)
        plan.lines[0].outcomes = list(plan.outcomes)
        plan.status, plan.submitted_at = "submitted", utcnow()
        db.session.commit()


def _since_submission(app, package, change: str) -> None:
    with app.app_context():
        line = db.session.get(PlanLine, package.line_id)
        offer = db.session.get(Offer, line.offer_id)
        if change == "council now runs it":
            db.session.get(Organisation, offer.organisation_id).kind = "council_run"
        elif change == "no longer paid by direct payment":
            offer.pay_dp = False
        db.session.commit()


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ("council now runs it", "dp_council_run"),
        ("no longer paid by direct payment", "offer_not_payable_by_stream"),
    ],
)
def test_approval_is_refused_when_a_line_now_breaks_a_rule(
    app, api_as, people, package, change, rule
):
    _submitted_package(app, people, package)
    _since_submission(app, package, change)
    path = f"/api/v1/plans/{package.plan_id}/approve"
    response = api_as(people.officer).post(path, json={})
    body = _check(response, path, "post")
    assert response.status_code == 400
    error = body["error"]
    assert error["code"] == "rule_broken"
    anchor = f"line-{package.line_id}"
    assert _rules(body) == [(rule, anchor)]
    assert error["fields"][anchor].endswith(
        ". Reject the plan so that it can be changed, or refer it to a panel."
    )
    assert error["fields"][anchor].startswith(error["rules"][0]["message"])
    with app.app_context():
        assert db.session.get(SupportPlan, package.plan_id).status == "submitted"
        assert count(app, PlanEvent) == 0


def test_approval_is_refused_when_a_pas_check_has_expired(app, api_as, people, package):
    _require_dbs(app, people)
    with app.app_context():
        pa = make_pa(display_name="Sam Carer")
        plan = make_plan(
            people.holder,
            status="submitted",
            council=people.leeds,
            revision=2,
        )
        line = PlanLine(
            plan_id=plan.id,
            kind="pa",
            pa_profile_id=pa.id,
            description="Sam",
            unit_price_pence=1650,
            stream_id=package.dp_id,
            start_on=plan.year_start + timedelta(days=10),
            days=["mon"],
            time_bands=["morning"],
            outcomes=list(plan.outcomes),
        )
        db.session.add(line)
        check = db.session.scalar(select(PACheck).where(PACheck.pa_profile_id == pa.id))
        check.issued_on = line.start_on - timedelta(days=700)
        check.expires_on = line.start_on - timedelta(days=1)
        db.session.commit()
        plan_id, line_id = plan.id, line.id
    path = f"/api/v1/plans/{plan_id}/approve"
    response = api_as(people.officer).post(path, json={"review_months": 6})
    body = _check(response, path, "post")
    assert response.status_code == 400
    assert _rules(body) == [("pa_check_expired", f"line-{line_id}")]
    assert "Sam Carer's Enhanced DBS check expired on" in body["error"]["message"]
    with app.app_context():
        assert db.session.get(SupportPlan, plan_id).status == "submitted"
