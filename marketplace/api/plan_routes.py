"""/api/v1/plans: read by everyone with access to the holder; drafted by the holder's people
(holder, representative, broker); decided by an officer of the plan's council."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import jsonify, url_for
from sqlalchemy import ColumnElement, and_, or_, select

from marketplace.api import serialise
from marketplace.api.auth import api_user, require_any_api, token_required
from marketplace.api.blueprint import bp
from marketplace.api.body import Fields, json_object, query_fields
from marketplace.api.listing import PAGING, listed
from marketplace.audit.services import record_read
from marketplace.extensions import db
from marketplace.holders.access import care_access, visible_holder_ids
from marketplace.permissions import PLANNERS, Permission, has_permission
from marketplace.plans import services
from marketplace.plans.models import PLAN_STATUS_VALUES, SupportPlan
from marketplace.plans.vocab import REVIEW_MONTHS_DEFAULT


def _plan_response(plan: SupportPlan, status: int = 200) -> Any:
    response = jsonify(serialise.plan(plan))
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("api.plan", plan_id=plan.id)
    return response


def _plan_ids_of(holder_id: int) -> set[int]:
    return set(db.session.scalars(select(SupportPlan.id).where(SupportPlan.holder_id == holder_id)))


# --- reading ------------------------------------------------------------------------------------


@bp.get("/plans")
@token_required
def plans() -> Any:
    user = api_user()
    query = query_fields(("holder_id", "status", *PAGING))
    holder_id = query.integer("holder_id", required=False)
    status = query.choice("status", PLAN_STATUS_VALUES, required=False)
    stmt = select(SupportPlan)
    if holder_id is not None:
        care_access(db.session, user, holder_id)
        stmt = stmt.where(SupportPlan.holder_id == holder_id)
    else:
        visible: list[ColumnElement[bool]] = [SupportPlan.holder_id.in_(visible_holder_ids(user))]
        if has_permission(user, Permission.DECIDE_PLANS) and user.council_id is not None:
            # As plans.services.visible_plan: the council a plan was sent to sees it (a draft
            # was not sent anywhere, whatever council it was started under).
            visible.append(
                and_(SupportPlan.council_id == user.council_id, SupportPlan.status != "draft")
            )
        stmt = stmt.where(or_(*visible))
    if status:
        stmt = stmt.where(SupportPlan.status == status)
    stmt = stmt.order_by(
        SupportPlan.holder_id,
        SupportPlan.year_start.desc(),
        SupportPlan.revision.desc(),
        SupportPlan.id,
    )
    return listed(
        query, stmt, key="plans", subject_type="plan", actor=user, to_json=serialise.plan_summary
    )


@bp.get("/plans/<int:plan_id>")
@token_required
def plan(plan_id: int) -> Any:
    user = api_user()
    found, _access = services.visible_plan(db.session, user, plan_id)
    body = serialise.plan(found)
    record_read(db.session, user, "plan", found.id, found.holder_id)
    return jsonify(body)


# --- drafting -----------------------------------------------------------------------------------


@bp.post("/plans")
@token_required
def start_plan() -> Any:
    require_any_api(*PLANNERS)
    fields = Fields(json_object(), ("holder_id", "year_start"))
    holder_id = fields.integer("holder_id")
    year_start = fields.date("year_start", required=False)
    fields.done()
    assert holder_id is not None
    user = api_user()
    before = _plan_ids_of(holder_id)
    started = services.start_plan(db.session, user, holder_id, year_start=year_start)
    # Pressing twice lands on the same draft: that is 200, a new plan 201.
    return _plan_response(started, 200 if started.id in before else 201)


@bp.patch("/plans/<int:plan_id>")
@token_required
def update_plan(plan_id: int) -> Any:
    require_any_api(*PLANNERS)
    fields = Fields(json_object(), ("what_matters",))
    what_matters = fields.text("what_matters", required=True)
    fields.done()
    changed = services.update_plan(db.session, api_user(), plan_id, what_matters=what_matters)
    return _plan_response(changed)


def _outcome_fields() -> tuple[str, str, str]:
    fields = Fields(json_object(), ("code", "text", "how_met"))
    code = fields.text("code", required=True, max_length=30)
    text = fields.text("text")
    how_met = fields.text("how_met")
    fields.done()
    return code, text, how_met


@bp.post("/plans/<int:plan_id>/outcomes")
@token_required
def add_outcome(plan_id: int) -> Any:
    require_any_api(*PLANNERS)
    code, text, how_met = _outcome_fields()
    outcome = services.add_outcome(
        db.session, api_user(), plan_id, code=code, text=text, how_met=how_met
    )
    response = jsonify(serialise.outcome(outcome))
    response.status_code = 201
    response.headers["Location"] = url_for("api.plan", plan_id=plan_id)
    return response


@bp.put("/plans/<int:plan_id>/outcomes/<int:outcome_id>")
@token_required
def update_outcome(plan_id: int, outcome_id: int) -> Any:
    require_any_api(*PLANNERS)
    code, text, how_met = _outcome_fields()
    outcome = services.update_outcome(
        db.session, api_user(), plan_id, outcome_id, code=code, text=text, how_met=how_met
    )
    return jsonify(serialise.outcome(outcome))


@bp.delete("/plans/<int:plan_id>/outcomes/<int:outcome_id>")
@token_required
def remove_outcome(plan_id: int, outcome_id: int) -> Any:
    require_any_api(*PLANNERS)
    services.remove_outcome(db.session, api_user(), plan_id, outcome_id)
    return "", 204


# --- the workflow -------------------------------------------------------------------------------


def _reason(*, required: bool, also: tuple[str, ...] = ()) -> tuple[str, Fields]:
    fields = Fields(json_object(optional=not required), ("reason", *also))
    reason = fields.text("reason", required=required)
    return reason, fields


@bp.post("/plans/<int:plan_id>/submit")
@token_required
def submit_plan(plan_id: int) -> Any:
    require_any_api(*PLANNERS)
    Fields(json_object(optional=True), ()).done()
    return _plan_response(services.submit_plan(db.session, api_user(), plan_id))


@bp.post("/plans/<int:plan_id>/withdraw")
@token_required
def withdraw_plan(plan_id: int) -> Any:
    require_any_api(*PLANNERS)
    reason, fields = _reason(required=False)
    fields.done()
    return _plan_response(services.withdraw_plan(db.session, api_user(), plan_id, reason=reason))


@bp.post("/plans/<int:plan_id>/revise")
@token_required
def revise_plan(plan_id: int) -> Any:
    require_any_api(*PLANNERS)
    Fields(json_object(optional=True), ()).done()
    revision = services.start_revision(db.session, api_user(), plan_id)
    return _plan_response(revision, 201)


@bp.post("/plans/<int:plan_id>/approve")
@token_required
def approve_plan(plan_id: int) -> Any:
    require_any_api(Permission.DECIDE_PLANS)
    reason, fields = _reason(required=False, also=("review_months",))
    review_months = fields.integer("review_months", required=False, maximum=1200)
    fields.done()
    decided = services.approve_plan(
        db.session,
        api_user(),
        plan_id,
        reason=reason,
        review_months=REVIEW_MONTHS_DEFAULT if review_months is None else review_months,
    )
    return _plan_response(decided)


@bp.post("/plans/<int:plan_id>/reject")
@token_required
def reject_plan(plan_id: int) -> Any:
    return _decide_with_reason(plan_id, services.reject_plan)


@bp.post("/plans/<int:plan_id>/refer")
@token_required
def refer_plan(plan_id: int) -> Any:
    return _decide_with_reason(plan_id, services.refer_plan)


def _decide_with_reason(plan_id: int, decide: Callable[..., SupportPlan]) -> Any:
    require_any_api(Permission.DECIDE_PLANS)
    reason, fields = _reason(required=True)
    fields.done()
    return _plan_response(decide(db.session, api_user(), plan_id, reason=reason))
