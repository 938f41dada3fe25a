"""/api/v1/budgets: read for everyone with access to the holder; written by their council's officers."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.api import serialise
from marketplace.api.auth import api_user, require_any_api, token_required
from marketplace.api.blueprint import bp
from marketplace.api.body import Fields, json_object, query_fields
from marketplace.api.listing import PAGING, listed
from marketplace.audit.services import record_read
from marketplace.budgets import services
from marketplace.budgets.models import Budget, BudgetStream
from marketplace.budgets.vocab import MAX_BUDGET_PENCE, STREAM_KINDS
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.holders.access import care_access, visible_holder_ids
from marketplace.money import weekly_to_annual
from marketplace.permissions import Permission

NO_BUDGET = "There is no budget with that id, or you cannot see it."
STREAM_FIELDS = ("kind", "total_pence", "weekly_pence", "label", "organisation_id")


def _with_streams() -> Any:
    return selectinload(Budget.streams).selectinload(BudgetStream.organisation)


def visible_budget(budget_id: int) -> Budget:
    budget = db.session.scalar(
        select(Budget).where(Budget.id == budget_id).options(_with_streams())
    )
    if budget is None:
        raise NotFound(NO_BUDGET)
    try:
        care_access(db.session, api_user(), budget.holder_id)
    except NotFound as error:
        raise NotFound(NO_BUDGET) from error
    return budget


@bp.get("/budgets")
@token_required
def budgets() -> Any:
    user = api_user()
    query = query_fields(("holder_id", *PAGING))
    holder_id = query.integer("holder_id", required=False)
    stmt = select(Budget).options(_with_streams())
    if holder_id is not None:
        care_access(db.session, user, holder_id)
        stmt = stmt.where(Budget.holder_id == holder_id)
    else:
        stmt = stmt.where(Budget.holder_id.in_(visible_holder_ids(user)))
    stmt = stmt.order_by(Budget.holder_id, Budget.year_start.desc(), Budget.id)
    return listed(
        query, stmt, key="budgets", subject_type="budget", actor=user, to_json=serialise.budget
    )


@bp.get("/budgets/<int:budget_id>")
@token_required
def budget(budget_id: int) -> Any:
    found = visible_budget(budget_id)
    body = serialise.budget(found)
    record_read(db.session, api_user(), "budget", found.id, found.holder_id)
    return jsonify(body)


def _streams(fields: Fields) -> list[services.StreamInput]:
    read = []
    for item in fields.objects("streams"):
        item.allow(STREAM_FIELDS)
        kind = item.choice("kind", [k for k, _ in STREAM_KINDS])
        weekly = item.present("weekly_pence")
        if weekly and item.present("total_pence"):
            item.fail("weekly_pence", "Send total_pence (a year) or weekly_pence, not both")
        if weekly:
            amount = weekly_to_annual(item.pence("weekly_pence", maximum=MAX_BUDGET_PENCE // 52))
        else:
            amount = item.pence("total_pence")
        read.append(
            services.StreamInput(
                kind=kind,
                total_pence=amount,
                label=item.text("label", max_length=80),
                organisation_id=item.integer("organisation_id", required=False),
                entered_weekly=weekly,
            )
        )
    return read


@bp.post("/budgets")
@token_required
def create_budget() -> Any:
    require_any_api(Permission.RECORD_BUDGETS)
    fields = Fields(
        json_object(),
        (
            "holder_id",
            "year_start",
            "total_pence",
            "contribution_pence",
            "streams",
            "reason",
            "ras_assessment_id",
        ),
    )
    holder_id = fields.integer("holder_id")
    year_start = fields.date("year_start")
    total = fields.pence("total_pence")
    contribution = fields.pence("contribution_pence", required=False)
    streams = _streams(fields)
    reason = fields.text("reason")
    ras_assessment_id = fields.integer("ras_assessment_id", required=False)
    fields.done()
    assert holder_id is not None and year_start is not None  # done() refused them missing
    made = services.record_budget(
        db.session,
        api_user(),
        holder_id,
        year_start=year_start,
        total_pence=total,
        contribution_pence=contribution,
        streams=streams,
        reason=reason,
        ras_assessment_id=ras_assessment_id,
    )
    response = jsonify(serialise.budget(made))
    response.status_code = 201
    response.headers["Location"] = url_for("api.budget", budget_id=made.id)
    return response


@bp.put("/budgets/<int:budget_id>")
@token_required
def update_budget(budget_id: int) -> Any:
    require_any_api(Permission.RECORD_BUDGETS)
    fields = Fields(json_object(), ("total_pence", "contribution_pence", "streams", "reason"))
    total = fields.pence("total_pence")
    contribution = fields.pence("contribution_pence", required=False)
    streams = _streams(fields)
    reason = fields.text("reason", required=True)
    fields.done()
    changed = services.update_budget(
        db.session,
        api_user(),
        budget_id,
        total_pence=total,
        contribution_pence=contribution,
        streams=streams,
        reason=reason,
    )
    return jsonify(serialise.budget(changed))
