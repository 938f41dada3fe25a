"""Need-advert pages. The holder's side (holder, representative, active broker): their adverts,
posting one, the ranked matches with the reasons for each score, writing to a PA, adding a match
to the plan, closing. The personal assistant's side: the adverts that fit them, one advert
(never naming the holder), saying they are interested and withdrawing.

Someone else's advert answers 404 (the services' rule); every page that shows an advert to the
holder's side records the read in the audit log.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.audit.services import record as audit
from marketplace.audit.services import record_read
from marketplace.clock import today
from marketplace.directory.models import PAProfile
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.forms import check_button_post, keep_on_form, render_invalid
from marketplace.listings.fields import example_date
from marketplace.messages.forms import MessageForm
from marketplace.needs import services
from marketplace.needs.forms import InterestForm, NeedForm
from marketplace.needs.matching import needs_for_pa
from marketplace.needs.models import NeedAdvert
from marketplace.needs.presenting import matches_page, when_text
from marketplace.needs.scoring import km_text
from marketplace.pagination import page_number, pagination_params
from marketplace.permissions import PLANNERS, Permission, Role, require, require_any

bp = Blueprint("needs", __name__)
bp.add_app_template_filter(when_text, "when")
bp.add_app_template_filter(km_text, "km")

PA_NOT_FOUND = "We could not find that personal assistant."


def _user() -> Any:
    return current_user._get_current_object()


# --- the holder's side: their adverts -------------------------------------------------------------


@bp.get("/needs")
@require_any(*PLANNERS)
def index() -> Any:
    user = _user()
    needs = services.needs_of(db.session, user)
    html = render_template(
        "needs/index.html", needs=needs, own=Role(user.role) is Role.HOLDER, title="Adverts"
    )
    _audit_list(user, needs)
    return html


def _audit_list(user: Any, needs: list[NeedAdvert]) -> None:
    """The list shows each holder's adverts: one read per holder. Recorded once the page is
    rendered, so the commit does not expire what the page still needs."""
    for holder_id in sorted({need.holder_id for need in needs}):
        audit(db.session, user, "read", "need_adverts", None, holder_id)
    db.session.commit()


@bp.route("/holders/<int:holder_id>/needs/new", methods=["GET", "POST"])
@require_any(*PLANNERS)
def new(holder_id: int) -> Any:
    user = _user()
    access = services.planner(db.session, user, holder_id)
    if request.method == "GET":
        form = NeedForm.from_input(services.defaults_for(access.record))
        record_read(db.session, user, "holder_record", holder_id, holder_id)
        return render_template("needs/new.html", form=form, access=access, example=_example())
    form = NeedForm()
    if form.validate_on_submit():
        try:
            need = services.create_need(db.session, user, holder_id, form.to_input())
        except DomainError as error:
            keep_on_form(form, error)
        else:
            flash(
                f"{'Your' if holder_id == user.id else 'The'} advert “{need.title}” is posted. Personal assistants nearby can see "
                "it now. These are the people who match it.",
                "success",
            )
            return redirect(url_for("needs.show", need_id=need.id))
    return render_invalid("needs/new.html", form, access=access, example=_example())


def _example() -> str:
    """A start date to show as an example: two weeks from today, as it is typed."""
    return example_date(today() + timedelta(days=14))


@bp.get("/needs/<int:need_id>")
@require_any(*PLANNERS)
def show(need_id: int) -> Any:
    user = _user()
    need = services.need_for_planner(db.session, user, need_id)
    number = page_number(request.args.get("page"))
    record_read(db.session, user, "need_advert", need.id, need.holder_id)
    page = matches_page(db.session, need, number, page_number(request.args.get("others")))
    path = url_for("needs.show", need_id=need.id)
    return render_template(
        "needs/show.html",
        need=need,
        page=page,
        own=need.holder_id == user.id,
        pagination=pagination_params(page.page, path, request.args),
    )


@bp.post("/needs/<int:need_id>/close")
@require_any(*PLANNERS)
def close(need_id: int) -> Any:
    check_button_post()
    need = services.close_need(db.session, _user(), need_id)
    flash(
        f"The advert “{need.title}” is closed. Personal assistants can no longer reply to it.",
        "success",
    )
    return redirect(url_for("needs.show", need_id=need.id))


@bp.get("/needs/<int:need_id>/<kind>/<int:candidate_id>/add")
@require_any(*PLANNERS)
def add_to_plan(need_id: int, kind: str, candidate_id: int) -> Any:
    if kind not in {"pa", "offer"}:
        abort(404)
    user = _user()
    need = services.need_for_planner(db.session, user, need_id)
    plan = services.plan_to_add_to(db.session, user, need)
    if plan is None:
        access = services.planner(db.session, user, need.holder_id)
        return render_template("needs/no_draft_plan.html", need=need, access=access)
    # The builder's add page takes ?pa=<id> or ?offer=<id>; need=<id> prefills the line.
    target: dict[str, Any] = {kind: candidate_id}
    return redirect(url_for("builder.add", plan_id=plan.id, need=need.id, **target))


@bp.route("/needs/<int:need_id>/pas/<int:pa_profile_id>/conversation", methods=["GET", "POST"])
@require_any(*PLANNERS)
def contact(need_id: int, pa_profile_id: int) -> Any:
    user = _user()
    need = services.need_for_planner(db.session, user, need_id)
    pa = db.session.get(PAProfile, pa_profile_id)
    if pa is None or pa.status != "published":
        raise NotFound(PA_NOT_FOUND)
    context = {"need": need, "pa": pa, "own": need.holder_id == user.id}
    if request.method == "GET":
        thread_id = services.existing_threads(db.session, need).get(pa.id)
        if thread_id is not None:  # already talking: carry on there
            return redirect(url_for("messages.thread", thread_id=thread_id))
        return render_template("needs/contact.html", form=MessageForm(formdata=None), **context)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            thread = services.open_conversation(
                db.session, user, need.id, pa.id, form.body.data or ""
            )
        except DomainError as error:
            keep_on_form(form, error)
        else:
            flash(
                f"Your message is sent. {pa.display_name} can now see "
                + (
                    "your name, not your address."
                    if need.holder_id == user.id
                    else f"{need.holder.name}'s name, not their address."
                ),
                "success",
            )
            return redirect(url_for("messages.thread", thread_id=thread.id))
    return render_invalid("needs/contact.html", form, **context)


# --- the personal assistant's side ----------------------------------------------------------------


@bp.get("/pa/needs")
@require(Permission.MANAGE_PA_PROFILE)
def pa_needs() -> Any:
    user = _user()
    try:
        pa = services.pa_profile_of(db.session, user)
    except NotFound as missing:
        return render_template("needs/pa_no_profile.html", message=missing.message)
    return render_template(
        "needs/pa_needs.html",
        pa=pa,
        fits=needs_for_pa(db.session, pa),
        replies=services.needs_interested_in(db.session, user),
    )


def _pa_need_page(need_id: int, form: InterestForm | None = None, status: int = 200) -> Any:
    view = services.need_for_pa(db.session, _user(), need_id)
    shown = form or InterestForm(formdata=None)
    html = render_template(
        "needs/pa_need.html",
        view=view,
        need=view.need,
        match=view.match,
        interest=view.interest,
        thread_id=services.existing_threads(db.session, view.need).get(view.match.candidate_id),
        interest_form=shown,
        form=form,
    )
    return html, status


@bp.get("/pa/needs/<int:need_id>")
@require(Permission.MANAGE_PA_PROFILE)
def pa_need(need_id: int) -> Any:
    return _pa_need_page(need_id)


@bp.post("/pa/needs/<int:need_id>/interest")
@require(Permission.MANAGE_PA_PROFILE)
def interest(need_id: int) -> Any:
    form = InterestForm()
    if not form.validate_on_submit():
        return _pa_need_page(need_id, form, 400)
    try:
        services.express_interest(db.session, _user(), need_id, form.note.data or "")
    except DomainError as error:
        keep_on_form(form, error)
        return _pa_need_page(need_id, form, error.status_code)
    flash(
        "We have told them you are interested. If they would like to talk, they will write "
        "to you here and by email.",
        "success",
    )
    return redirect(url_for("needs.pa_need", need_id=need_id))


@bp.post("/pa/needs/<int:need_id>/interest/withdraw")
@require(Permission.MANAGE_PA_PROFILE)
def withdraw(need_id: int) -> Any:
    check_button_post()
    services.withdraw_interest(db.session, _user(), need_id)
    flash("You have withdrawn your interest in this advert.", "success")
    return redirect(url_for("needs.pa_need", need_id=need_id))
