"""Moderators' pages (the queue, a version's review, suspending, reports, claims) and the public
page where someone claims an organisation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.directory.reports import REPORT_REASONS
from marketplace.errors import Conflict, ValidationFailed
from marketplace.extensions import db
from marketplace.forms import ActionForm, add_errors, check_button_post, render_invalid
from marketplace.moderation import claims, reports, services
from marketplace.moderation.forms import (
    ApproveForm,
    ClaimForm,
    CloseReportForm,
    RejectForm,
    SuspendForm,
)
from marketplace.permissions import Permission, require

bp = Blueprint("moderation", __name__)


def _user() -> Any:
    return current_user._get_current_object()


# --- listing versions -------------------------------------------------------------------------


@bp.get("/moderation")
@require(Permission.MODERATE)
def queue() -> Any:
    return render_template(
        "moderation/queue.html", items=services.queue(db.session, _user()), tab="listings"
    )


def _review_page(version_id: int, status: int = 200, **forms: Any) -> Any:
    review = services.review(db.session, _user(), version_id)
    approve_form = forms.get("approve_form") or ApproveForm(formdata=None, seen=review.fingerprint)
    reject_form = forms.get("reject_form") or RejectForm(formdata=None)
    page = render_template(
        "moderation/review.html",
        review=review,
        approve_form=approve_form,
        reject_form=reject_form,
        form=forms.get("form"),
    )
    return page, status


@bp.get("/moderation/versions/<int:version_id>")
@require(Permission.MODERATE)
def review(version_id: int) -> Any:
    return _review_page(version_id)


@bp.post("/moderation/versions/<int:version_id>/approve")
@require(Permission.MODERATE)
def approve(version_id: int) -> Any:
    form = ApproveForm()
    if not form.validate_on_submit():
        return _review_page(version_id, 400, approve_form=form, form=form)
    try:
        services.approve(db.session, _user(), version_id, seen=form.seen.data or None)
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for("moderation.review", version_id=version_id))
    flash("Approved and published.", "success")
    return redirect(url_for("moderation.queue"))


@bp.post("/moderation/versions/<int:version_id>/reject")
@require(Permission.MODERATE)
def reject(version_id: int) -> Any:
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject(db.session, _user(), version_id, form.reason.data or "")
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash("Not approved. The owner has been told why.", "success")
            return redirect(url_for("moderation.queue"))
    return _review_page(version_id, 400, reject_form=form, form=form)


# --- suspending a listing ---------------------------------------------------------------------


@bp.route("/moderation/listings/<kind>/<int:listing_id>", methods=["GET", "POST"])
@require(Permission.MODERATE)
def listing(kind: str, listing_id: int) -> Any:
    state = services.listing_state(db.session, _user(), kind, listing_id)
    form = SuspendForm()
    if form.validate_on_submit():
        suspend = state.listing.status == "published"
        try:
            services.set_suspended(
                db.session, _user(), kind, listing_id, suspend, form.reason.data or ""
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash("Suspended." if suspend else "Published again.", "success")
            return redirect(url_for("moderation.listing", kind=kind, listing_id=listing_id))
    if form.errors:
        return render_invalid("moderation/listing.html", form, state=state)
    return render_template("moderation/listing.html", form=form, state=state)


# --- reports ----------------------------------------------------------------------------------


@bp.get("/moderation/reports")
@require(Permission.MODERATE)
def report_list() -> Any:
    return render_template(
        "moderation/reports.html",
        items=reports.open_reports(db.session, _user()),
        tab="reports",
        report_reasons=REPORT_REASONS,
    )


@bp.route("/moderation/reports/<int:report_id>", methods=["GET", "POST"])
@require(Permission.MODERATE)
def report(report_id: int) -> Any:
    item = reports.report_item(db.session, _user(), report_id)
    form = CloseReportForm()
    if item.report.status == "open" and form.validate_on_submit():
        try:
            reports.close_report(
                db.session, _user(), report_id, form.outcome.data or "", bool(form.suspend.data)
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash("Report closed.", "success")
            return redirect(url_for("moderation.report_list"))
    if form.errors:
        return render_invalid(
            "moderation/report.html", form, item=item, report_reasons=REPORT_REASONS
        )
    return render_template(
        "moderation/report.html", form=form, item=item, report_reasons=REPORT_REASONS
    )


# --- claims -----------------------------------------------------------------------------------


@bp.get("/moderation/claims")
@require(Permission.MODERATE)
def claim_list() -> Any:
    return render_template(
        "moderation/claims.html", claims=claims.pending_claims(db.session, _user()), tab="claims"
    )


def _claim_page(claim_id: int, status: int = 200, reject_form: RejectForm | None = None) -> Any:
    claim = claims.claim_for_review(db.session, _user(), claim_id)
    return render_template(
        "moderation/claim_review.html",
        claim=claim,
        approve_form=ActionForm(),
        reject_form=reject_form or RejectForm(formdata=None),
        form=reject_form,
    ), status


@bp.get("/moderation/claims/<int:claim_id>")
@require(Permission.MODERATE)
def claim_review(claim_id: int) -> Any:
    return _claim_page(claim_id)


@bp.post("/moderation/claims/<int:claim_id>/approve")
@require(Permission.MODERATE)
def approve_claim(claim_id: int) -> Any:
    check_button_post()
    try:
        claim = claims.approve_claim(db.session, _user(), claim_id)
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for("moderation.claim_review", claim_id=claim_id))
    flash(f"{claim.user.name} can now manage {claim.organisation.name}.", "success")
    return redirect(url_for("moderation.claim_list"))


@bp.post("/moderation/claims/<int:claim_id>/reject")
@require(Permission.MODERATE)
def reject_claim(claim_id: int) -> Any:
    form = RejectForm()
    if form.validate_on_submit():
        try:
            claims.reject_claim(db.session, _user(), claim_id, form.reason.data or "")
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash("Claim not approved. The claimant has been told why.", "success")
            return redirect(url_for("moderation.claim_list"))
    return _claim_page(claim_id, 400, form)


@bp.route("/organisations/<int:org_id>/claim", methods=["GET", "POST"])
def claim(org_id: int) -> Any:
    organisation = claims.claimable(db.session, org_id)
    if current_user.is_authenticated:
        status = 400 if request.method == "POST" else 200
        return render_template("moderation/claim_signed_in.html", organisation=organisation), status
    form = ClaimForm()
    if form.validate_on_submit():
        claim_input = claims.ClaimInput(
            name=form.name.data or "",
            email=form.email.data or "",
            password=form.password.data or "",  # as typed: spaces in a password are the person's
            job_title=form.job_title.data or "",
            evidence=form.evidence.data or "",
        )
        try:
            claims.submit_claim(db.session, org_id, claim_input)
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return redirect(url_for("moderation.claim_sent", org_id=org_id))
    if form.errors:
        return render_invalid("moderation/claim.html", form, organisation=organisation)
    return render_template("moderation/claim.html", form=form, organisation=organisation)


@bp.get("/organisations/<int:org_id>/claim/sent")
def claim_sent(org_id: int) -> Any:
    return render_template(
        "moderation/claim_sent.html", organisation=claims.claimable(db.session, org_id)
    )
