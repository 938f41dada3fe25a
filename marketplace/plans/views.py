"""Support plan pages: a holder's plans, one plan (with the actions its viewer may take), the
pages that change an outcome or a line, and the council officers' work queue."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.audit.services import record_read
from marketplace.errors import InvalidTransition, ValidationFailed
from marketplace.extensions import db
from marketplace.forms import add_errors, check_button_post
from marketplace.permissions import PLAN_READERS, Permission, require, require_any
from marketplace.plans import services
from marketplace.plans.forms import (
    PREFIXES,
    ApproveForm,
    LineForm,
    OutcomeForm,
    ReferForm,
    RejectForm,
    StartPlanForm,
    WhatMattersForm,
)
from marketplace.plans.presenting import PlanPage, plan_page
from marketplace.plans.vocab import REVIEW_MONTHS_DEFAULT

bp = Blueprint("plans", __name__)

_FORMS: dict[str, Any] = {
    "matters_form": WhatMattersForm,
    "outcome_form": OutcomeForm,
    "line_form": LineForm,
    "approve_form": ApproveForm,
    "reject_form": RejectForm,
    "refer_form": ReferForm,
}


def _user() -> Any:
    return current_user._get_current_object()


class PageProblems:
    """Errors that are not one field's (what stops a plan being submitted), shaped like a form
    for the error summary in base.html: each links to the part of the page to fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        self._fields: dict[str, Any] = {}
        self.errors = {anchor: [message] for anchor, message in errors.items()}


# --- a holder's plans -----------------------------------------------------------------------------


def _show_holder_plans(holder_id: int, form: StartPlanForm | None = None) -> Any:
    listing = services.holder_plans(db.session, _user(), holder_id)
    record_read(db.session, _user(), "plans", None, holder_id)
    start_form = form or StartPlanForm(formdata=None)
    start_form.set_years(listing.start_years, listing.default_year)
    return render_template(
        "plans/holder_plans.html", listing=listing, start_form=start_form, form=form
    ), (400 if form is not None else 200)


@bp.get("/holders/<int:holder_id>/plans")
@require_any(*PLAN_READERS)
def holder_plans(holder_id: int) -> Any:
    return _show_holder_plans(holder_id)


@bp.post("/holders/<int:holder_id>/plans")
@require_any(*PLAN_READERS)
def start_plan(holder_id: int) -> Any:
    form = StartPlanForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        plan = services.start_plan(db.session, _user(), holder_id, year_start=form.year_start())
    except services.PlanExists as exists:
        # Not a dead end: go to the plan that is there, saying why and what to do instead.
        flash(exists.message, "info")
        return redirect(url_for("plans.plan", plan_id=exists.plan_id))
    except ValidationFailed as error:  # a year that has ended, or too far ahead
        form.year.errors = [*form.year.errors, *error.errors.values()]
        return _show_holder_plans(holder_id, form)
    return redirect(url_for("plans.plan", plan_id=plan.id))


# --- one plan ----------------------------------------------------------------------------------------


def _forms_for(page: PlanPage, given: dict[str, Any]) -> dict[str, Any]:
    """Every form the page shows, blank or as posted (``given``), with their choices set."""
    forms = {
        name: given[name] if name in given else cls(formdata=None, prefix=PREFIXES[name])
        for name, cls in _FORMS.items()
    }
    if "matters_form" not in given:
        forms["matters_form"].what_matters.data = page.plan.what_matters
    if "approve_form" not in given:
        forms["approve_form"].review_months.data = REVIEW_MONTHS_DEFAULT
    if "line_form" not in given:
        forms["line_form"].kind.data = "text"
        forms["line_form"].frequency.data = "week"
    forms["line_form"].set_choices(page.plan, page.streams)
    return forms


def _show_plan(plan_id: int, status: int = 200, **given: Any) -> Any:
    page = plan_page(db.session, _user(), plan_id)
    record_read(db.session, _user(), "plan", page.plan.id, page.plan.holder_id)
    # The form whose errors the summary lists: the one posted, or the plan's own problems.
    failed = given.pop("failed", None)
    return (
        render_template(
            "plans/plan.html",
            page=page,
            plan=page.plan,
            access=page.access,
            form=failed,
            **_forms_for(page, given),
        ),
        status,
    )


@bp.get("/plans/<int:plan_id>")
@require_any(*PLAN_READERS)
def plan(plan_id: int) -> Any:
    return _show_plan(plan_id)


def _posted_form(name: str, plan_id: int | None = None) -> Any:
    form = _FORMS[name](prefix=PREFIXES[name])
    if name == "line_form" and plan_id is not None:
        page = plan_page(db.session, _user(), plan_id)
        form.set_choices(page.plan, page.streams)
    return form


def _back(plan_id: int, message: str) -> Any:
    flash(message, "success")
    return redirect(url_for("plans.plan", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/what-matters")
@require_any(*PLAN_READERS)
def what_matters(plan_id: int) -> Any:
    form = _posted_form("matters_form")
    if form.validate_on_submit():
        try:
            services.update_plan(
                db.session, _user(), plan_id, what_matters=form.what_matters.data or ""
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return _back(plan_id, "What matters to you is saved.")
    return _show_plan(plan_id, 400, matters_form=form, failed=form)


# --- outcomes ----------------------------------------------------------------------------------------


def _outcome_values(form: OutcomeForm) -> dict[str, str]:
    return {
        "code": form.code.data or "",
        "text": form.text.data or "",
        "how_met": form.how_met.data or "",
    }


@bp.post("/plans/<int:plan_id>/outcomes")
@require_any(*PLAN_READERS)
def add_outcome(plan_id: int) -> Any:
    form = _posted_form("outcome_form")
    if form.validate_on_submit():
        try:
            services.add_outcome(db.session, _user(), plan_id, **_outcome_values(form))
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return _back(plan_id, "Outcome added.")
    return _show_plan(plan_id, 400, outcome_form=form, failed=form)


def _part_page(page: PlanPage, form: Any, heading: str, fields: str) -> str:
    return render_template(
        "plans/part_form.html",
        page=page,
        access=page.access,
        form=form,
        heading=heading,
        fields=fields,
    )


def redirect_if_locked(plan_id: int) -> Any:
    """None when the actor may change the plan (404 when they may not see it); else a redirect
    to the plan, saying why it is locked and how to change it."""
    try:
        services.editable_plan(db.session, _user(), plan_id)
    except InvalidTransition as locked:
        flash(f"{locked.message}.", "info")
        return redirect(url_for("plans.plan", plan_id=plan_id))
    return None


@bp.route("/plans/<int:plan_id>/outcomes/<int:outcome_id>", methods=["GET", "POST"])
@require_any(*PLAN_READERS)
def edit_outcome(plan_id: int, outcome_id: int) -> Any:
    if (locked := redirect_if_locked(plan_id)) is not None:
        return locked
    page = plan_page(db.session, _user(), plan_id)
    outcome = next((o for o in page.plan.outcomes if o.id == outcome_id), None)
    if outcome is None:
        abort(404)
    form = OutcomeForm(prefix=PREFIXES["outcome_form"])
    if request.method == "GET":
        form.code.data, form.text.data, form.how_met.data = (
            outcome.code,
            outcome.text,
            outcome.how_met,
        )
    elif form.validate_on_submit():
        try:
            services.update_outcome(
                db.session, _user(), plan_id, outcome_id, **_outcome_values(form)
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return _back(plan_id, "Outcome saved.")
    status = 400 if form.errors else 200
    return _part_page(page, form, "Change an outcome", "plans/_outcome_fields.html"), status


@bp.post("/plans/<int:plan_id>/outcomes/<int:outcome_id>/remove")
@require_any(*PLAN_READERS)
def remove_outcome(plan_id: int, outcome_id: int) -> Any:
    check_button_post()
    services.remove_outcome(db.session, _user(), plan_id, outcome_id)
    return _back(plan_id, "Outcome removed.")


# --- lines ---------------------------------------------------------------------------------------------


@bp.post("/plans/<int:plan_id>/lines")
@require_any(*PLAN_READERS)
def add_line(plan_id: int) -> Any:
    form = _posted_form("line_form", plan_id)
    if form.validate_on_submit():
        try:
            services.add_line(db.session, _user(), plan_id, form.to_input())
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return _back(plan_id, "Line added.")
    return _show_plan(plan_id, 400, line_form=form, failed=form)


@bp.route("/plans/<int:plan_id>/lines/<int:line_id>", methods=["GET", "POST"])
@require_any(*PLAN_READERS)
def edit_line(plan_id: int, line_id: int) -> Any:
    if (locked := redirect_if_locked(plan_id)) is not None:
        return locked
    page = plan_page(db.session, _user(), plan_id)
    line = next((item for item in page.plan.lines if item.id == line_id), None)
    if line is None:
        abort(404)
    form = LineForm(prefix=PREFIXES["line_form"])
    form.set_choices(page.plan, page.streams)
    if line.kind in {"offer", "pa"}:
        form.kind.choices = [*form.kind.choices, (line.kind, "As chosen from the directory")]
    if request.method == "GET":
        form.fill(line)
    elif form.validate_on_submit():
        try:
            services.update_line(db.session, _user(), plan_id, line_id, form.to_input(line))
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return _back(plan_id, "Line saved.")
    status = 400 if form.errors else 200
    return _part_page(page, form, "Change a line of the plan", "plans/_line_fields.html"), status


@bp.post("/plans/<int:plan_id>/lines/<int:line_id>/remove")
@require_any(*PLAN_READERS)
def remove_line(plan_id: int, line_id: int) -> Any:
    check_button_post()
    services.remove_line(db.session, _user(), plan_id, line_id)
    return _back(plan_id, "Line removed.")


# --- the workflow --------------------------------------------------------------------------------


@bp.post("/plans/<int:plan_id>/submit")
@require_any(*PLAN_READERS)
def submit(plan_id: int) -> Any:
    check_button_post()
    try:
        services.submit_plan(db.session, _user(), plan_id)
    except ValidationFailed as error:
        return _show_plan(plan_id, 400, failed=PageProblems(error.errors))
    return _back(plan_id, "Your plan has been sent to the council.")


@bp.post("/plans/<int:plan_id>/withdraw")
@require_any(*PLAN_READERS)
def withdraw(plan_id: int) -> Any:
    check_button_post()
    services.withdraw_plan(db.session, _user(), plan_id)
    return _back(plan_id, "The plan is withdrawn and is a draft again: change it and submit it.")


@bp.post("/plans/<int:plan_id>/revise")
@require_any(*PLAN_READERS)
def revise(plan_id: int) -> Any:
    check_button_post()
    revision = services.start_revision(db.session, _user(), plan_id)
    flash(
        f"Revision {revision.revision} is a draft. The earlier plan stays in force until "
        "this one is approved.",
        "success",
    )
    return redirect(url_for("plans.plan", plan_id=revision.id))


@bp.post("/plans/<int:plan_id>/approve")
@require(Permission.DECIDE_PLANS)
def approve(plan_id: int) -> Any:
    form = _posted_form("approve_form")
    if form.validate_on_submit():
        try:
            services.approve_plan(
                db.session,
                _user(),
                plan_id,
                reason=form.reason.data or "",
                review_months=form.review_months.data or 0,
            )
        except ValidationFailed as error:
            if not set(error.errors) <= {"review_months", "reason"}:
                # The plan no longer fits its budget: each problem links to its part of the page.
                return _show_plan(
                    plan_id, 400, approve_form=form, failed=PageProblems(error.errors)
                )
            add_errors(form, error)
        else:
            return _back(plan_id, "Plan approved. The person has been told.")
    return _show_plan(plan_id, 400, approve_form=form, failed=form)


@bp.post("/plans/<int:plan_id>/reject")
@require(Permission.DECIDE_PLANS)
def reject(plan_id: int) -> Any:
    form = _posted_form("reject_form")
    if form.validate_on_submit():
        try:
            services.reject_plan(db.session, _user(), plan_id, reason=form.reason.data or "")
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return _back(plan_id, "Plan rejected. The person has been told why.")
    return _show_plan(plan_id, 400, reject_form=form, failed=form)


@bp.post("/plans/<int:plan_id>/refer")
@require(Permission.DECIDE_PLANS)
def refer(plan_id: int) -> Any:
    form = _posted_form("refer_form")
    if form.validate_on_submit():
        try:
            services.refer_plan(db.session, _user(), plan_id, reason=form.reason.data or "")
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return _back(plan_id, "Plan referred to a panel. The person has been told.")
    return _show_plan(plan_id, 400, refer_form=form, failed=form)


# --- the officers' work queue ------------------------------------------------------------------------


@bp.get("/council/plans")
@require(Permission.DECIDE_PLANS)
def queue() -> Any:
    return render_template(
        "plans/queue.html",
        waiting=services.officer_queue(db.session, _user()),
        reviews=services.reviews_due(db.session, _user()),
    )
