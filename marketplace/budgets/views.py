"""Budget pages: a holder's budgets, officers recording and changing them, the RAS questionnaire
and its result, and the council's RAS table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.audit.services import record_read
from marketplace.budgets import ras, ras_setup, services
from marketplace.budgets.forms import (
    RasQuestionForm,
    RasSettingsForm,
    budget_form,
    example_date,
    questionnaire_form,
    usage_hints,
)
from marketplace.budgets.models import Budget, RasAssessment
from marketplace.budgets.rules import StreamInput
from marketplace.clock import today
from marketplace.errors import DomainError, ValidationFailed
from marketplace.extensions import db
from marketplace.forms import ActionForm, add_errors, render_invalid
from marketplace.holders.access import CareAccess, care_access
from marketplace.permissions import HOLDER_READERS, PLANNERS, Permission, require, require_any

bp = Blueprint("budgets", __name__)


def _user() -> Any:
    return current_user._get_current_object()


# --- a holder's budgets -----------------------------------------------------------------------


@bp.get("/holders/<int:holder_id>/budget")
@require_any(*HOLDER_READERS)
def holder_budget(holder_id: int) -> Any:
    access = care_access(db.session, _user(), holder_id)
    budgets = services.holder_budgets(db.session, holder_id)
    assessment = ras.latest_assessment(db.session, holder_id)
    ras_ready = ras.is_ready(ras.holder_table(db.session, holder_id))
    page = render_template(
        "budgets/holder_budget.html",
        access=access,
        budgets=budgets,
        assessment=assessment,
        ras_ready=ras_ready,
        today=today(),
        describe_year=services.describe_year,
    )
    record_read(db.session, _user(), "budget", None, holder_id)
    return page


def _providers(including: list[int]) -> list[tuple[str, str]]:
    council_id = _user().council_id
    return [(str(o.id), o.name) for o in services.isf_providers(db.session, council_id, including)]


def _posted_providers() -> list[int]:
    return [
        int(value)
        for key, value in request.form.items()
        if key.endswith("_provider") and value.isdigit()
    ]


def _form_page(
    form: Any,
    access: CareAccess,
    *,
    budget: Budget | None,
    assessment: RasAssessment | None,
    status: int = 200,
    year_example: Any = None,
) -> Any:
    context = {
        "access": access,
        "budget": budget,
        "assessment": assessment,
        "describe_year": services.describe_year,
        "hints": usage_hints(budget),
        "year_example": example_date(year_example) if year_example else "",
    }
    if status == 400:
        return render_invalid("budgets/budget_form.html", form, **context)
    return render_template("budgets/budget_form.html", form=form, **context)


@bp.route("/holders/<int:holder_id>/budget/new", methods=["GET", "POST"])
@require(Permission.RECORD_BUDGETS)
def new_budget(holder_id: int) -> Any:
    access = services.officer_target(db.session, _user(), holder_id)
    suggested = services.next_budget_year_start(db.session, holder_id)
    if request.method == "GET":
        assessment = ras.latest_assessment(db.session, holder_id)
        form = budget_form(new=True, providers=_providers([]), year_example=suggested)
        form.year_start.data = suggested
        form.period.data = "annual"
        if assessment is not None:
            form.total.data = assessment.indicative_pence
            form.ras_assessment_id.data = str(assessment.id)
        page = _form_page(form, access, budget=None, assessment=assessment, year_example=suggested)
        record_read(db.session, _user(), "budget", None, holder_id)
        return page
    form = budget_form(
        new=True,
        providers=_providers(_posted_providers()),
        formdata=request.form,
        year_example=suggested,
    )
    shown = _shown_assessment(form, holder_id)

    def save(streams: list[StreamInput]) -> None:
        services.record_budget(
            db.session,
            _user(),
            holder_id,
            year_start=form.year_start.data,
            total_pence=form.annual(form.total.data) or 0,
            contribution_pence=form.annual(form.contribution.data) or 0,
            streams=streams,
            reason=form.reason.data or "",
            ras_assessment_id=shown.id if shown else None,
        )

    return _submit(form, save, access) or _form_page(
        form, access, budget=None, assessment=shown, status=400, year_example=suggested
    )


def _submit(form: Any, save: Callable[[list[StreamInput]], None], access: CareAccess) -> Any:
    """Check the form, then save: a redirect to the budget page, or None with the errors on the
    form (its own and the service's, shown together)."""
    valid = form.validate_on_submit()
    streams, where = form.streams()  # row errors show alongside the others
    if not valid or form.errors:
        return None
    try:
        save(streams)
    except ValidationFailed as error:
        form.attach(error, where)
    except DomainError as error:
        add_errors(form, error)
    else:
        flash(f"{access.holder.name}'s budget is saved.", "success")
        return redirect(url_for("budgets.holder_budget", holder_id=access.holder.id))
    return None


def _shown_assessment(form: Any, holder_id: int) -> RasAssessment | None:
    """The assessment the officer saw on the form (not one completed since)."""
    value = form.ras_assessment_id.data or ""
    return ras.holder_assessment(db.session, holder_id, int(value)) if value.isdigit() else None


@bp.route("/holders/<int:holder_id>/budgets/<int:budget_id>/edit", methods=["GET", "POST"])
@require(Permission.RECORD_BUDGETS)
def edit_budget(holder_id: int, budget_id: int) -> Any:
    budget, access = services.budget_for_editing(db.session, _user(), holder_id, budget_id)
    named = [s.organisation_id for s in budget.streams if s.organisation_id]
    assessment = budget.ras_assessment
    if request.method == "GET":
        form = budget_form(new=False, providers=_providers(named), budget=budget)
        form.fill_from(budget)
        page = _form_page(form, access, budget=budget, assessment=assessment)
        record_read(db.session, _user(), "budget", budget.id, holder_id)
        return page
    form = budget_form(
        new=False,
        providers=_providers(named + _posted_providers()),
        budget=budget,
        formdata=request.form,
    )

    def save(streams: list[StreamInput]) -> None:
        total = form.annual(form.total.data) or 0
        # A tick confirms the total the officer was warned about, not one typed since.
        confirmed = bool(form.confirm_large_change.data) and form.confirmed_total.data == str(total)
        try:
            services.update_budget(
                db.session,
                _user(),
                budget_id,
                total_pence=total,
                contribution_pence=form.annual(form.contribution.data) or 0,
                streams=streams,
                reason=form.reason.data or "",
                change_reason=form.change_reason.data or "",
                confirm_large_change=confirmed,
            )
        except ValidationFailed as error:
            if "confirm_large_change" in error.errors:
                form.confirmed_total.data = str(total)
                form.confirm_large_change.data = False
            raise

    return _submit(form, save, access) or _form_page(
        form, access, budget=budget, assessment=assessment, status=400
    )


# --- the questionnaire ------------------------------------------------------------------------


@bp.route("/holders/<int:holder_id>/ras", methods=["GET", "POST"])
@require_any(*PLANNERS)
def ras_questionnaire(holder_id: int) -> Any:
    access = care_access(db.session, _user(), holder_id)
    if not access.can_plan:
        abort(404)
    table = ras.holder_table(db.session, holder_id)
    if not ras.is_ready(table):
        return render_template("budgets/ras_unavailable.html", access=access, table=table)
    assert table is not None
    if request.method == "GET":
        form = questionnaire_form(table)
        return render_template(
            "budgets/ras_questionnaire.html", form=form, access=access, table=table
        )
    form = questionnaire_form(table, formdata=request.form)
    problem = ""
    if form.validate_on_submit():
        try:
            assessment = ras.complete_assessment(db.session, _user(), holder_id, form.answers())
        except ValidationFailed as error:
            add_errors(form, error)
        except ras.ScoreNotCovered as error:
            problem = error.message
        else:
            return redirect(
                url_for("budgets.ras_result", holder_id=holder_id, assessment_id=assessment.id)
            )
    status = 422 if problem else 400
    page = render_template(
        "budgets/ras_questionnaire.html", form=form, access=access, table=table, problem=problem
    )
    return page, status


@bp.get("/holders/<int:holder_id>/ras/<int:assessment_id>")
@require_any(*HOLDER_READERS)
def ras_result(holder_id: int, assessment_id: int) -> Any:
    assessment, access = ras.visible_assessment(db.session, _user(), holder_id, assessment_id)
    page = render_template(
        "budgets/ras_result.html",
        assessment=assessment,
        access=access,
        conversion=ras.conversion_line(assessment),
    )
    record_read(db.session, _user(), "ras_assessment", assessment.id, holder_id)
    return page


# --- the council's table ----------------------------------------------------------------------


def _settings_page(form: RasSettingsForm, status: int = 200) -> Any:
    table = ras_setup.officer_table(db.session, _user())
    context = {
        "table": table,
        "ready": ras.is_ready(table),
        "score_range": ras_setup.score_range(table) if table else (0, 0),
        "gaps": ras_setup.uncovered_scores(table) if table else [],
    }
    if status == 400:
        return render_invalid("budgets/ras_settings.html", form, **context)
    return render_template("budgets/ras_settings.html", form=form, **context)


@bp.route("/council/ras", methods=["GET", "POST"])
@require(Permission.CONFIGURE_RAS)
def ras_settings() -> Any:
    table = ras_setup.officer_table(db.session, _user())
    if request.method == "GET":
        form = RasSettingsForm(formdata=None)
        form.method.data = table.method if table else "rate"
        form.rate.data = table.rate_pence_per_point if table else None
        form.bands.data = ras_setup.bands_text(table)
        return _settings_page(form)
    form = RasSettingsForm()
    if form.validate_on_submit():
        try:
            ras_setup.save_settings(
                db.session,
                _user(),
                method=form.method.data or "",
                rate_pence_per_point=form.rate.data,
                bands=form.band_inputs(),
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash("The settings are saved.", "success")
            return redirect(url_for("budgets.ras_settings"))
    return _settings_page(form, status=400)


def _question_page(form: RasQuestionForm, question: Any, status: int = 200) -> Any:
    if status == 400:
        return render_invalid("budgets/ras_question.html", form, question=question)
    return render_template("budgets/ras_question.html", form=form, question=question)


def _save_question(form: RasQuestionForm, question_id: int | None) -> Any:
    if form.validate_on_submit():
        text, help_text = form.text.data or "", form.help_text.data or ""
        try:
            options = form.option_inputs()
            if question_id is None:
                ras_setup.add_question(
                    db.session, _user(), text=text, help_text=help_text, options=options
                )
            else:
                ras_setup.update_question(
                    db.session,
                    _user(),
                    question_id,
                    text=text,
                    help_text=help_text,
                    options=options,
                )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash("The question is saved.", "success")
            return redirect(url_for("budgets.ras_settings"))
    return None


@bp.route("/council/ras/questions/new", methods=["GET", "POST"])
@require(Permission.CONFIGURE_RAS)
def new_ras_question() -> Any:
    ras_setup.officer_table(db.session, _user())  # officers without a council: 404
    if request.method == "GET":
        return _question_page(RasQuestionForm(formdata=None), None)
    form = RasQuestionForm()
    return _save_question(form, None) or _question_page(form, None, status=400)


@bp.route("/council/ras/questions/<int:question_id>", methods=["GET", "POST"])
@require(Permission.CONFIGURE_RAS)
def edit_ras_question(question_id: int) -> Any:
    question = ras_setup.officer_question(db.session, _user(), question_id)
    if request.method == "GET":
        form = RasQuestionForm(formdata=None)
        form.text.data = question.text
        form.help_text.data = question.help_text
        form.options.data = ras_setup.options_text(question)
        return _question_page(form, question)
    form = RasQuestionForm()
    return _save_question(form, question_id) or _question_page(form, question, status=400)


@bp.post("/council/ras/questions/<int:question_id>/remove")
@require(Permission.CONFIGURE_RAS)
def remove_ras_question(question_id: int) -> Any:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    ras_setup.remove_question(db.session, _user(), question_id)
    flash("The question is removed.", "success")
    return redirect(url_for("budgets.ras_settings"))
