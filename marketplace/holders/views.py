"""A holder's pages (dashboard, people who act for them, requirements), a broker's or
representative's caseload, and a council officer's list of the people it supports.

Who may see one holder's pages is ``access.care_access`` (anyone else: 404). Every page that
shows care data records the read in the audit log.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.audit.services import record as audit
from marketplace.audit.services import record_read
from marketplace.bookings.forecast import budget_forecast
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import check_button_post, keep_on_form, render_invalid
from marketplace.holders import links, services, summary
from marketplace.holders.access import CareAccess, care_access
from marketplace.holders.forms import (
    AddHolderForm,
    BrokerForm,
    CapacityForm,
    RepresentativeForm,
    RequirementsForm,
)
from marketplace.pagination import page_number, pagination_params
from marketplace.permissions import HOLDER_READERS, Permission, require, require_any

bp = Blueprint("holders", __name__)


def _user() -> Any:
    return current_user._get_current_object()


def _access(holder_id: int) -> CareAccess:
    return care_access(db.session, _user(), holder_id)


_TASK_STATUS = {
    "todo": {"tag": {"text": "To do", "classes": "govuk-tag--blue"}},
    "optional": {"tag": {"text": "Optional", "classes": "govuk-tag--grey"}},
    "waiting": {"text": "Waiting", "classes": "govuk-task-list__status--cannot-start-yet"},
    "done": {"text": "Done"},
}


def task_items(tasks: list[summary.Task]) -> list[dict[str, Any]]:
    """The GOV.UK task list's items: each task links to the page where it is done."""
    items = []
    for task in tasks:
        item: dict[str, Any] = {
            "title": {"text": task.text},
            "href": url_for(task.endpoint, **task.values),
            "status": _TASK_STATUS[task.state],
        }
        if task.hint:
            item["hint"] = {"text": task.hint}
        items.append(item)
    return items


# --- dashboard ---------------------------------------------------------------------------------


@bp.get("/my-support")
@require(Permission.HOLD_BUDGET)
def my_records() -> Any:
    return redirect(url_for("holders.dashboard", holder_id=current_user.id))


@bp.get("/holders/<int:holder_id>")
@require_any(*HOLDER_READERS)
def dashboard(holder_id: int) -> Any:
    access = _access(holder_id)
    # Recorded first: its commit would otherwise expire everything loaded for the page.
    record_read(db.session, _user(), "holder_dashboard", holder_id, holder_id)
    page = summary.dashboard(db.session, access)
    return render_template(
        "holders/dashboard.html",
        access=access,
        page=page,
        tasks=task_items(page.tasks),
        forecasts=budget_forecast(page.budget) if page.budget else [],
    )


# --- people who act for the holder ---------------------------------------------------------------


def _people_page(holder_id: int, status: int = 200, **forms: Any) -> Any:
    access = _access(holder_id)
    record_read(db.session, _user(), "holder_people", holder_id, holder_id)
    context = {
        "access": access,
        "representatives": summary.active_representations(db.session, holder_id),
        "broker_link": links.open_broker_link(db.session, holder_id),
        "representative_form": forms.get("representative_form")
        or RepresentativeForm(formdata=None, prefix="representative"),
        "broker_form": forms.get("broker_form") or BrokerForm(formdata=None, prefix="broker"),
        "form": forms.get("form"),
        "may_link_representatives": links.may_link_representatives(access),
        "may_invite_broker": links.may_invite_broker(access),
    }
    if status != 200:
        return render_invalid("holders/people.html", **context)
    return render_template("holders/people.html", **context)


@bp.get("/holders/<int:holder_id>/people")
@require_any(*HOLDER_READERS)
def people(holder_id: int) -> Any:
    return _people_page(holder_id)


@bp.post("/holders/<int:holder_id>/people/representatives")
@require_any(*HOLDER_READERS)
def link_representative(holder_id: int) -> Any:
    _access(holder_id)
    form = RepresentativeForm(prefix="representative")
    if form.validate_on_submit():
        try:
            link = links.link_representative(
                db.session,
                _user(),
                holder_id,
                email=form.email.data or "",
                relationship_kind=form.relationship_kind.data or "",
            )
        except DomainError as error:
            keep_on_form(form, error)
        else:
            flash(f"{link.representative.name} can now act for them.", "success")
            return redirect(url_for("holders.people", holder_id=holder_id))
    return _people_page(holder_id, 400, representative_form=form, form=form)


@bp.post("/holders/<int:holder_id>/people/representatives/<int:link_id>/revoke")
@require_any(*HOLDER_READERS)
def revoke_representative(holder_id: int, link_id: int) -> Any:
    _access(holder_id)
    check_button_post()
    link = links.revoke_representative(db.session, _user(), holder_id, link_id)
    flash(f"{link.representative.name} can no longer act for them.", "success")
    return redirect(url_for("holders.people", holder_id=holder_id))


def _broker_post(holder_id: int, assign: bool) -> Any:
    _access(holder_id)
    form = BrokerForm(prefix="broker")
    if form.validate_on_submit():
        action = links.assign_broker if assign else links.invite_broker
        try:
            link = action(db.session, _user(), holder_id, email=form.email.data or "")
        except DomainError as error:
            keep_on_form(form, error)
        else:
            done = "is now their broker" if assign else "has been invited. We have emailed them"
            flash(f"{link.broker.name} {done}.", "success")
            return redirect(url_for("holders.people", holder_id=holder_id))
    return _people_page(holder_id, 400, broker_form=form, form=form)


@bp.post("/holders/<int:holder_id>/people/broker")
@require_any(*HOLDER_READERS)
def invite_broker(holder_id: int) -> Any:
    return _broker_post(holder_id, assign=False)


@bp.post("/holders/<int:holder_id>/people/broker/assign")
@require_any(*HOLDER_READERS)
def assign_broker(holder_id: int) -> Any:
    return _broker_post(holder_id, assign=True)


@bp.post("/holders/<int:holder_id>/people/broker/<int:link_id>/end")
@require_any(*HOLDER_READERS)
def end_broker(holder_id: int, link_id: int) -> Any:
    _access(holder_id)
    check_button_post()
    link = links.end_broker_link(db.session, _user(), holder_id, link_id)
    flash(f"{link.broker.name} is no longer linked.", "success")
    return redirect(url_for("holders.people", holder_id=holder_id))


# --- requirements and capacity -------------------------------------------------------------------


def _record_data(access: CareAccess) -> dict[str, Any]:
    record = access.record
    if record is None:
        return {}
    return {
        "postcode": record.postcode,
        "required_checks": list(record.required_checks or []),
        "preferred_gender": record.preferred_gender,
        "languages": list(record.languages or []),
        "needs_driver": record.needs_driver,
        "non_smoker": record.non_smoker,
        "has_pets": record.has_pets,
        "other_preferences": record.other_preferences,
    }


def _requirements_page(access: CareAccess, form: Any, capacity_form: Any, invalid: Any) -> Any:
    context = {
        "access": access,
        "requirements_form": form,
        "capacity_form": capacity_form,
        "form": invalid,
    }
    record_read(db.session, _user(), "holder_record", access.holder.id, access.holder.id)
    if invalid is not None:
        return render_invalid("holders/requirements.html", **context)
    return render_template("holders/requirements.html", **context)


def _capacity_form(access: CareAccess) -> CapacityForm:
    lacks = access.record is not None and access.record.lacks_capacity
    return CapacityForm(formdata=None, data={"lacks_capacity": "yes" if lacks else "no"})


@bp.route("/holders/<int:holder_id>/requirements", methods=["GET", "POST"])
@require_any(*HOLDER_READERS)
def requirements(holder_id: int) -> Any:
    access = _access(holder_id)
    if request.method == "GET":
        form = RequirementsForm(formdata=None, data=_record_data(access))
        return _requirements_page(access, form, _capacity_form(access), None)
    form = RequirementsForm()
    if form.validate_on_submit():
        try:
            services.update_record(
                db.session,
                _user(),
                holder_id,
                postcode=form.postcode.data or "",
                required_checks=form.required_checks.data or [],
                preferred_gender=form.preferred_gender.data or "",
                languages=form.languages.data or [],
                needs_driver=bool(form.needs_driver.data),
                non_smoker=bool(form.non_smoker.data),
                has_pets=bool(form.has_pets.data),
                other_preferences=form.other_preferences.data or "",
            )
        except DomainError as error:
            keep_on_form(form, error)
        else:
            flash("The requirements are saved.", "success")
            return redirect(url_for("holders.dashboard", holder_id=holder_id))
    return _requirements_page(access, form, _capacity_form(access), form)


@bp.post("/holders/<int:holder_id>/capacity")
@require(Permission.RECORD_BUDGETS)
def capacity(holder_id: int) -> Any:
    access = _access(holder_id)
    form = CapacityForm()
    if not form.validate_on_submit():
        requirements_form = RequirementsForm(formdata=None, data=_record_data(access))
        return _requirements_page(access, requirements_form, form, form)
    services.set_capacity(
        db.session, _user(), holder_id, lacks_capacity=form.lacks_capacity.data == "yes"
    )
    flash("Saved.", "success")
    return redirect(url_for("holders.requirements", holder_id=holder_id))


# --- caseload ----------------------------------------------------------------------------------


@bp.get("/caseload")
@require_any(Permission.BROKER_CASELOAD, Permission.ACT_FOR_HOLDERS)
def caseload() -> Any:
    user = _user()
    page = summary.caseload(db.session, user)
    spending = {row.holder.id: budget_forecast(row.budget) for row in page.holders if row.budget}
    html = render_template("holders/caseload.html", page=page, spending=spending)
    _audit_list(user, [row.holder.id for row in page.holders])
    return html


def _audit_list(user: Any, holder_ids: list[int]) -> None:
    """A list showing budgets and plans is a read of each holder's care data. Called once the
    page is rendered, so the commit does not expire what the page still needs."""
    for holder_id in holder_ids:
        audit(db.session, user, "read", "holder_summary", holder_id, holder_id)
    db.session.commit()


@bp.post("/caseload/invitations/<int:link_id>/accept")
@require(Permission.BROKER_CASELOAD)
def accept_invitation(link_id: int) -> Any:
    check_button_post()
    link = links.accept_invitation(db.session, _user(), link_id)
    flash(f"You are now {link.holder.name}'s broker.", "success")
    return redirect(url_for("holders.caseload"))


@bp.post("/caseload/invitations/<int:link_id>/decline")
@require(Permission.BROKER_CASELOAD)
def decline_invitation(link_id: int) -> Any:
    check_button_post()
    link = links.decline_invitation(db.session, _user(), link_id)
    flash(f"You declined {link.holder.name}'s invitation.", "success")
    return redirect(url_for("holders.caseload"))


# --- a council's people ------------------------------------------------------------------------


@bp.route("/council/people", methods=["GET", "POST"])
@require(Permission.RECORD_BUDGETS)
def council_people() -> Any:
    user = _user()
    form = AddHolderForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            holder = services.add_council_holder(db.session, user, email=form.email.data or "")
        except DomainError as error:
            keep_on_form(form, error)
        else:
            flash(f"{holder.name} is now on your council's list.", "success")
            return redirect(url_for("holders.council_people"))
    search = (request.args.get("q") or "").strip()
    page = services.council_people(
        db.session, user, search=search, page=page_number(request.args.get("page"))
    )
    rows = summary.people_rows(db.session, page.items)
    context = {
        "page": page,
        "rows": rows,
        "search": search,
        "add_form": form,
        "form": form if form.errors else None,
        "pagination": pagination_params(page, url_for("holders.council_people"), request.args),
    }
    html = render_template("holders/council_people.html", **context)
    _audit_list(user, [row.holder.id for row in rows])
    return html, 400 if form.errors else 200
