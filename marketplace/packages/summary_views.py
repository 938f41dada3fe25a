"""The package summary: what a plan's package costs by stream, who pays, where the money goes
(direct support, coordination, overheads) and which outcomes it serves; printable and as CSV."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from flask_login import current_user

from marketplace.audit.services import record_read
from marketplace.extensions import db
from marketplace.holders.access import CareAccess
from marketplace.packages.summary import PackageSummary, package_summary
from marketplace.packages.summary_csv import csv_filename, summary_csv
from marketplace.permissions import PLAN_READERS, require_any
from marketplace.plans.common import visible_plan

bp = Blueprint("package_summary", __name__)


def _summary(plan_id: int, subject: str) -> tuple[PackageSummary, CareAccess]:
    """The plan's summary for whoever may see the plan (else 404), with the read recorded."""
    user = current_user._get_current_object()
    plan, access = visible_plan(db.session, user, plan_id)
    summary = package_summary(db.session, plan)
    record_read(db.session, user, subject, plan.id, plan.holder_id)
    return summary, access


@bp.get("/plans/<int:plan_id>/summary")
@require_any(*PLAN_READERS)
def summary(plan_id: int) -> Any:
    found, access = _summary(plan_id, "plan_summary")
    return render_template("packages/summary.html", summary=found, access=access)


@bp.get("/plans/<int:plan_id>/summary.csv")
@require_any(*PLAN_READERS)
def csv(plan_id: int) -> Any:
    found, _ = _summary(plan_id, "plan_summary_csv")
    return Response(
        summary_csv(found),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{csv_filename(found)}"',
            "Cache-Control": "no-store",
        },
    )
