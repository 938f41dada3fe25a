"""The package builder's pages: search the directory in place for one plan, add what is found
as lines, see the package's checks and suggested alternatives beside it, swap or remove a line.
Each change comes back to the builder, confirmed beside what changed."""

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
from marketplace.errors import NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.forms import check_button_post
from marketplace.needs.prefill import line_from_need
from marketplace.needs.services import need_for_planner
from marketplace.packages import builder, builder_search
from marketplace.packages.forms import (
    BuilderLineForm,
    BuilderSearchForm,
    ErrorSummary,
    SwapForm,
)
from marketplace.pagination import page_number, pagination_params
from marketplace.permissions import PLAN_READERS, require_any
from marketplace.plans import services as plan_services

# The plan pages' redirect from a plan that is not a draft (saying why).
from marketplace.plans.views import redirect_if_locked
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
@require_any(*PLAN_READERS)
def build(plan_id: int) -> Any:
    return _show_builder(plan_id)


# --- adding a line -------------------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/build/add", methods=["GET", "POST"])
@require_any(*PLAN_READERS)
def add(plan_id: int) -> Any:
    if (locked := redirect_if_locked(plan_id)) is not None:
        return locked
    user = _user()
    target = builder.add_target(db.session, request.args)
    page = builder.add_page(db.session, user, plan_id, target)
    form = BuilderLineForm()
    form.set_choices(page)
    problems = ErrorSummary()
    prefilled = None
    if request.method == "GET":
        form.set_defaults(page, request.args.get("stream"))
        prefilled = _prefill_from_need(form, page, request.args.get("need"))
    elif form.validate_on_submit():
        try:
            line = plan_services.add_line(db.session, user, plan_id, form.to_input(page))
        except ValidationFailed as error:
            problems = form.problems(page, error)
        else:
            return _changed(
                plan_id, f"line-{line.id}", f"Added “{line.description}” to the package"
            )
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
            prefilled=prefilled,
        ),
        400 if problems else 200,
    )


def _prefill_from_need(
    form: BuilderLineForm, page: builder.AddPage, need_arg: str | None
) -> str | None:
    """Someone found through a need advert (``?need=<id>``) starts as the advert asked, at the
    times of it they are free: the note returned says what was filled in. An advert the actor
    may not plan from, or of another holder than the plan's, changes nothing (None)."""
    if not need_arg or not need_arg.isdigit() or len(need_arg) > 9:
        return None
    try:
        need = need_for_planner(db.session, _user(), int(need_arg))
    except NotFound:
        return None
    if need.holder_id != page.plan.holder_id:
        return None
    prefill = line_from_need(need, page.target.pa, page.target.offer)
    form.days.data = prefill.days
    form.time_bands.data = prefill.time_bands
    form.quantity_hundredths.data = prefill.hours_hundredths
    form.unit.data = "hours"
    form.frequency.data = "week"
    form.start_on.data = prefill.start_on
    form.end_on.data = prefill.end_on
    return prefill.note


def _add_title(target: builder.AddTarget) -> str:
    if target.offer is not None:
        return f"Add {target.offer.title} to the package"
    if target.pa is not None:
        return f"Add {target.pa.display_name} to the package"
    return "Add unpaid support to the package"


# --- swapping a line's offer ---------------------------------------------------------------------


@bp.post("/plans/<int:plan_id>/lines/<int:line_id>/swap")
@require_any(*PLAN_READERS)
def swap(plan_id: int, line_id: int) -> Any:
    form = SwapForm()
    if not form.validate_on_submit():
        abort(400)
    if (locked := redirect_if_locked(plan_id)) is not None:
        return locked
    before = _description(plan_id, line_id)
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
    return _changed(plan_id, f"line-{line.id}", f"Swapped “{before}” for “{line.description}”")


# --- removing a line -----------------------------------------------------------------------------


@bp.post("/plans/<int:plan_id>/build/lines/<int:line_id>/remove")
@require_any(*PLAN_READERS)
def remove(plan_id: int, line_id: int) -> Any:
    """The plan page's removal, but back to the builder (where the broker was working)."""
    check_button_post()
    if (locked := redirect_if_locked(plan_id)) is not None:
        return locked
    before = _description(plan_id, line_id)
    plan_services.remove_line(db.session, _user(), plan_id, line_id)
    return _changed(plan_id, "lines", f"Removed “{before}” from the package")


# --- after a change ------------------------------------------------------------------------------


def _description(plan_id: int, line_id: int) -> str:
    """What the line is called, to say what changed (404 for a line not of this plan)."""
    plan, _access = plan_services.visible_plan(db.session, _user(), plan_id)
    found = next((line.description for line in plan.lines if line.id == line_id), None)
    if found is None:
        abort(404)
    return found


# The flash category of a change to the package: the builder shows it beside what changed (the
# page opens there), with what the package costs now and what its checks say, not at the top.
CHANGED = "changed:"


def _changed(plan_id: int, anchor: str, message: str) -> Any:
    flash(message, f"{CHANGED}{anchor}")
    return redirect(url_for("builder.build", plan_id=plan_id, _anchor=anchor))
