"""The package builder's pages: search the directory in place for one plan, add what is found
as lines, see the package's checks and suggested alternatives beside it, swap a line."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from marketplace.audit.services import record_read
from marketplace.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.packages import builder, builder_search
from marketplace.packages.forms import (
    BuilderLineForm,
    BuilderSearchForm,
    ErrorSummary,
    SwapForm,
)
from marketplace.pagination import page_number, pagination_params
from marketplace.permissions import require_any
from marketplace.plans import services as plan_services

# The plan pages' roles, and their redirect from a plan that is not a draft (saying why).
from marketplace.plans.views import _CARE_ROLES as CARE_ROLES
from marketplace.plans.views import _locked
from search_index.interface import SearchBackend

bp = Blueprint("builder", __name__)


def _user() -> Any:
    return current_user._get_current_object()


def _backend() -> SearchBackend:
    backend: SearchBackend = current_app.extensions["search"]
    return backend


# --- the builder ---------------------------------------------------------------------------------


def _show_builder(plan_id: int, status: int = 200, problems: ErrorSummary | None = None) -> Any:
    user = _user()
    page = builder.builder_page(db.session, user, plan_id)
    form = search = None
    problems = problems or ErrorSummary()
    if page.can_edit:
        form = BuilderSearchForm.for_page(page, request.args)
        if form.validate():
            choices = form.choices(page_number(request.args.get("page")))
            search = builder_search.search_directory(db.session, _backend(), page, choices)
        else:
            problems.add_fields(form, BuilderSearchForm.NAMES)
            status = 400
    record_read(db.session, user, "plan", page.plan.id, page.plan.holder_id)
    path = url_for("builder.build", plan_id=page.plan.id)
    return (
        render_template(
            "packages/builder.html",
            title=f"Package builder: {page.access.holder.name}",
            builder=page,
            page=page.page,
            plan=page.plan,
            access=page.access,
            search_form=form,
            search=search,
            pagination=(
                pagination_params(search.page, path, search.choices.as_args()) if search else None
            ),
            problems=problems,
        ),
        status,
    )


@bp.get("/plans/<int:plan_id>/build")
@require_any(*CARE_ROLES)
def build(plan_id: int) -> Any:
    return _show_builder(plan_id)


# --- adding a line -------------------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/build/add", methods=["GET", "POST"])
@require_any(*CARE_ROLES)
def add(plan_id: int) -> Any:
    if (locked := _locked(plan_id)) is not None:
        return locked
    user = _user()
    target = builder.add_target(db.session, request.args)
    page = builder.add_page(db.session, user, plan_id, target)
    form = BuilderLineForm()
    form.set_choices(page)
    problems = ErrorSummary()
    if request.method == "GET":
        form.set_defaults(page, request.args.get("stream"))
    elif form.validate_on_submit():
        try:
            line = plan_services.add_line(db.session, user, plan_id, form.to_input(page))
        except ValidationFailed as error:
            problems = form.problems(page, error)
        else:
            flash(f"Added “{line.description}” to the package.", "success")
            return redirect(url_for("builder.build", plan_id=plan_id, _anchor=f"line-{line.id}"))
    else:
        problems = form.problems(page)
    record_read(db.session, user, "plan", page.plan.id, page.plan.holder_id)
    return (
        render_template(
            "packages/add_line.html",
            title=_add_title(page.target),
            page=page,
            plan=page.plan,
            access=page.access,
            line_form=form,
            shown=form.shown(page),
            problems=problems,
        ),
        400 if problems else 200,
    )


def _add_title(target: builder.AddTarget) -> str:
    if target.offer is not None:
        return f"Add {target.offer.title} to the package"
    if target.pa is not None:
        return f"Add {target.pa.display_name} to the package"
    return "Add unpaid support to the package"


# --- swapping a line's offer ---------------------------------------------------------------------


@bp.post("/plans/<int:plan_id>/lines/<int:line_id>/swap")
@require_any(*CARE_ROLES)
def swap(plan_id: int, line_id: int) -> Any:
    form = SwapForm()
    if not form.validate_on_submit():
        abort(400)
    if (locked := _locked(plan_id)) is not None:
        return locked
    plan, _access = plan_services.visible_plan(db.session, _user(), plan_id)
    before = next((line.description for line in plan.lines if line.id == line_id), None)
    if before is None:
        abort(404)
    offer_id = form.offer()
    try:
        if offer_id is None:
            raise ValidationFailed({"offer_id": builder.NOT_SUGGESTED})
        line = builder.swap_offer(db.session, _user(), plan_id, line_id, offer_id)
    except ValidationFailed as error:
        problems = ErrorSummary()
        for message in error.errors.values():
            problems.add(f"line-{line_id}", message)
        return _show_builder(plan_id, 400, problems)
    flash(f"{builder.swap_message(before, line)}.", "success")
    return redirect(url_for("builder.build", plan_id=plan_id, _anchor=f"line-{line_id}"))
