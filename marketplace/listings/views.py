"""Owners' pages: their listings, the offer / PA profile / organisation forms, checks, sending for
review, withdrawing; and every listing's public history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.errors import DomainError, ValidationFailed
from marketplace.extensions import db
from marketplace.forms import add_errors, check_button_post, render_invalid
from marketplace.listings import rules, services
from marketplace.listings.forms import (
    CheckForm,
    OfferForm,
    OrganisationForm,
    PAProfileForm,
    RemoveCheckForm,
    to_input,
)
from marketplace.moderation import services as moderation
from marketplace.permissions import Permission, require, require_any

bp = Blueprint("listings", __name__)

_LISTERS = (Permission.MANAGE_ORG_LISTINGS, Permission.MANAGE_PA_PROFILE)
_SAVED = {
    "saved": "Your changes are saved. Send the listing for review when it is ready.",
    "pending": "Your changes are saved and waiting for a moderator. "
    "People see the published version until they are approved.",
    "unchanged": "Nothing to review: the listing is the same as the published one.",
}


def _user() -> Any:
    return current_user._get_current_object()


@bp.get("/your-listings")
@require_any(*_LISTERS)
def index() -> Any:
    return render_template("listings/index.html", overview=services.overview(db.session, _user()))


# --- offers -----------------------------------------------------------------------------------


@bp.route("/your-listings/offers/new", methods=["GET", "POST"])
@require_any(*_LISTERS)
def new_offer() -> Any:
    form = OfferForm() if _posted() else OfferForm(data=_offer_defaults())
    if form.validate_on_submit():
        try:
            offer = services.create_offer(db.session, _user(), to_input(form, rules.OfferInput))
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(f"“{offer.title}” is saved as a draft.", "success")
            return redirect(url_for("listings.index"))
    if form.errors:
        return render_invalid("listings/offer_form.html", form, editing=None)
    return render_template("listings/offer_form.html", form=form, editing=None)


def _posted() -> bool:
    return request.method == "POST"


def _offer_defaults() -> dict[str, Any]:
    defaults = rules.OfferInput(deployments=["dp", "managed", "isf"], delivery=["home"])
    return vars(defaults)


@bp.route("/your-listings/offers/<int:offer_id>", methods=["GET", "POST"])
@require_any(*_LISTERS)
def edit_offer(offer_id: int) -> Any:
    editing = services.for_editing(db.session, _user(), "offer", offer_id)
    if not _posted():
        form = OfferForm(data=vars(rules.OfferInput.from_data(editing.data)))
        return render_template("listings/offer_form.html", form=form, editing=editing)
    form = OfferForm()
    if form.validate_on_submit():
        try:
            outcome = services.update_offer(
                db.session, _user(), offer_id, to_input(form, rules.OfferInput)
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_SAVED[outcome], "success")
            return redirect(url_for("listings.index"))
    return render_invalid("listings/offer_form.html", form, editing=editing)


# --- the PA profile and its checks ------------------------------------------------------------


@bp.route("/your-listings/profile", methods=["GET", "POST"])
@require(Permission.MANAGE_PA_PROFILE)
def pa_profile() -> Any:
    editing = services.profile_for_editing(db.session, _user())
    if not _posted():
        start = (
            rules.PAProfileInput.from_data(editing.data)
            if editing is not None
            else rules.PAProfileInput(display_name=current_user.name)
        )
        form = PAProfileForm(data=vars(start))
        return render_template("listings/pa_profile_form.html", form=form, editing=editing)
    form = PAProfileForm()
    if form.validate_on_submit():
        try:
            outcome = services.save_pa_profile(
                db.session, _user(), to_input(form, rules.PAProfileInput)
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_SAVED[outcome], "success")
            return redirect(url_for("listings.index"))
    return render_invalid("listings/pa_profile_form.html", form, editing=editing)


@bp.route("/your-listings/profile/checks", methods=["GET", "POST"])
@require(Permission.MANAGE_PA_PROFILE)
def checks() -> Any:
    editing = services.profile_for_editing(db.session, _user())
    if editing is None:
        abort(404)
    form = CheckForm()
    context = {"editing": editing, "remove_form": RemoveCheckForm()}
    if form.validate_on_submit():
        try:
            outcome = services.add_check(db.session, _user(), to_input(form, rules.CheckInput))
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_SAVED[outcome], "success")
            return redirect(url_for("listings.checks"))
    if form.errors:
        return render_invalid("listings/checks.html", form, **context)
    return render_template("listings/checks.html", form=form, **context)


@bp.post("/your-listings/profile/checks/<int:index>/remove")
@require(Permission.MANAGE_PA_PROFILE)
def remove_check(index: int) -> Any:
    form = RemoveCheckForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = services.remove_check(db.session, _user(), index, form.kind.data or "")
    flash(_SAVED[outcome], "success")
    return redirect(url_for("listings.checks"))


# --- the organisation -------------------------------------------------------------------------


@bp.route("/your-listings/organisation", methods=["GET", "POST"])
@require(Permission.MANAGE_ORGANISATION)
def organisation() -> Any:
    editing = services.organisation_for_editing(db.session, _user())
    if not _posted():
        form = OrganisationForm(data=vars(rules.OrganisationInput.from_data(editing.data)))
    else:
        form = OrganisationForm()
    form.service_councils.choices = services.council_choices(db.session)
    if not _posted():
        return render_template("listings/organisation_form.html", form=form, editing=editing)
    if form.validate_on_submit():
        try:
            outcome = services.update_organisation(
                db.session, _user(), to_input(form, rules.OrganisationInput)
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_SAVED[outcome], "success")
            return redirect(url_for("listings.index"))
    return render_invalid("listings/organisation_form.html", form, editing=editing)


# --- review -----------------------------------------------------------------------------------


@bp.post("/your-listings/<kind>/<int:listing_id>/submit")
@require_any(*_LISTERS)
def submit(kind: str, listing_id: int) -> Any:
    check_button_post()
    try:
        services.submit_for_review(db.session, _user(), kind, listing_id)
    except DomainError as error:
        if error.status_code == 404:
            raise
        flash(error.message, "error")
    else:
        flash("Sent for review. We will email you when a moderator has looked at it.", "success")
    return redirect(url_for("listings.index"))


@bp.post("/your-listings/<kind>/<int:listing_id>/withdraw")
@require_any(*_LISTERS)
def withdraw(kind: str, listing_id: int) -> Any:
    check_button_post()
    services.withdraw(db.session, _user(), kind, listing_id)
    flash("Withdrawn from review.", "success")
    return redirect(url_for("listings.index"))


@bp.get("/listings/<kind>/<int:listing_id>/history")
def history(kind: str, listing_id: int) -> Any:
    return render_template(
        "listings/history.html",
        history=moderation.history(db.session, current_user, kind, listing_id),
    )
