"""/api/v1/plans/<id>/checks, …/lines and …/lines/<id>/alternatives: the package builder's rules
and suggestions (marketplace.packages) for API callers.

Reading (checks, alternatives) is open to whoever may read the plan, as GET /api/v1/plans/<id>;
adding, changing and removing lines to the holder's people, as the other drafting endpoints. A
PUT changes the fields it sends and keeps the line's other values. A line that breaks a package
rule (a direct payment for a council-run service …) is refused whole: 400 "rule_broken" with
the rule's message under the field to change and each rule's code in "rules", nothing saved.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from marketplace.api.auth import api_user, require_any_api, token_required
from marketplace.api.blueprint import bp
from marketplace.api.body import Fields, json_object
from marketplace.api.serialise import line as line_json
from marketplace.audit.services import record_read
from marketplace.directory.vocab import DAYS, TIME_BANDS
from marketplace.extensions import MAX_ID, db
from marketplace.packages.alternatives import alternatives_for
from marketplace.packages.rules import check_package
from marketplace.permissions import PLANNERS
from marketplace.plans import services
from marketplace.plans.lines import LineInput, add_line, line_of, remove_line, update_line
from marketplace.plans.models import PlanLine, SupportPlan
from marketplace.plans.vocab import FREQUENCIES, LINE_KINDS, LINE_UNITS

LINE_FIELDS = (
    "kind",
    "description",
    "provider_name",
    "frequency",
    "quantity_hundredths",
    "unit",
    "unit_price_pence",
    "stream_id",
    "outcome_ids",
    "start_on",
    "end_on",
    "offer_id",
    "pa_profile_id",
    "days",
    "time_bands",
)


def _checks(plan: SupportPlan) -> dict[str, Any]:
    return check_package(db.session, plan).as_dict()


@bp.get("/plans/<int:plan_id>/checks")
@token_required
def plan_checks(plan_id: int) -> Any:
    user = api_user()
    plan, _access = services.visible_plan(db.session, user, plan_id)
    body = _checks(plan)
    record_read(db.session, user, "plan", plan.id, plan.holder_id)
    return jsonify(body)


@bp.get("/plans/<int:plan_id>/lines/<int:line_id>/alternatives")
@token_required
def line_alternatives(plan_id: int, line_id: int) -> Any:
    user = api_user()
    plan, _access = services.visible_plan(db.session, user, plan_id)
    line = line_of(plan, line_id)
    found = alternatives_for(db.session, plan, line)
    body = {"line_id": line.id, "alternatives": [item.as_dict() for item in found]}
    record_read(db.session, user, "plan", plan.id, plan.holder_id)
    return jsonify(body)


def _line_input(body: dict[str, Any]) -> LineInput:
    fields = Fields(body, LINE_FIELDS)
    kind = fields.choice("kind", (value for value, _ in LINE_KINDS))
    frequency = fields.choice("frequency", (v for v, _ in FREQUENCIES), required=False)
    unit = fields.choice("unit", (v for v, _ in LINE_UNITS), required=False)
    price = fields.pence("unit_price_pence") if fields.present("unit_price_pence") else None
    data = LineInput(
        kind=kind,
        description=fields.text("description", max_length=1000),
        provider_name=fields.text("provider_name", max_length=1000),
        frequency=frequency or "week",
        quantity_hundredths=fields.integer("quantity_hundredths", maximum=MAX_ID),
        unit=unit or "hours",
        unit_price_pence=price,
        stream_id=fields.integer("stream_id", required=False),
        outcome_ids=fields.ids("outcome_ids"),
        start_on=fields.date("start_on", required=False),
        end_on=fields.date("end_on", required=False),
        offer_id=fields.integer("offer_id", required=False),
        pa_profile_id=fields.integer("pa_profile_id", required=False),
        days=fields.choices("days", (v for v, _ in DAYS)),
        time_bands=fields.choices("time_bands", (v for v, _ in TIME_BANDS)),
    )
    fields.done()
    return data


@bp.post("/plans/<int:plan_id>/lines")
@token_required
def add_plan_line(plan_id: int) -> Any:
    require_any_api(*PLANNERS)
    data = _line_input(json_object())
    user = api_user()
    added = add_line(db.session, user, plan_id, data)
    plan, _access = services.visible_plan(db.session, user, plan_id)
    response = jsonify({"line": line_json(added), "checks": _checks(plan)})
    response.status_code = 201
    response.headers["Location"] = url_for("api.plan", plan_id=plan_id)
    return response


def _as_sent(line: PlanLine) -> dict[str, Any]:
    """The saved line as a body would send it: what a PUT keeps of the fields it leaves out."""
    shown = line_json(line)
    return {name: shown[name] for name in LINE_FIELDS}


@bp.put("/plans/<int:plan_id>/lines/<int:line_id>")
@token_required
def update_plan_line(plan_id: int, line_id: int) -> Any:
    require_any_api(*PLANNERS)
    user = api_user()
    # Someone else's plan or line (404), or a plan that is not a draft (409), before the body.
    current = line_of(services.editable_plan(db.session, user, plan_id), line_id)
    data = _line_input({**_as_sent(current), **json_object()})
    changed = update_line(db.session, user, plan_id, line_id, data)
    plan, _access = services.visible_plan(db.session, user, plan_id)
    return jsonify({"line": line_json(changed), "checks": _checks(plan)})


@bp.delete("/plans/<int:plan_id>/lines/<int:line_id>")
@token_required
def remove_plan_line(plan_id: int, line_id: int) -> Any:
    require_any_api(*PLANNERS)
    user = api_user()
    remove_line(db.session, user, plan_id, line_id)
    plan, _access = services.visible_plan(db.session, user, plan_id)
    return jsonify({"checks": _checks(plan)})
