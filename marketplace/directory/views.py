"""The public directory: browse, listing pages, the shortlist and 'Report a problem'."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.directory import reports, services, vocab
from marketplace.directory import shortlist as shortlists
from marketplace.directory.forms import BrowseForm, ReportForm
from marketplace.directory.pricing import price_parts
from marketplace.errors import ValidationFailed
from marketplace.extensions import db, limiter
from marketplace.forms import add_errors, render_invalid
from marketplace.pagination import page_number, pagination_params
from marketplace.permissions import Permission, require
from marketplace.reviews.services import provider_reviews
from marketplace.urls import is_site_path

bp = Blueprint("directory", __name__)

# Where each kind of listing is shown; the keys are browse kinds and report/area kinds alike.
LISTING_ENDPOINTS = {
    "offer": "directory.offer",
    "pa": "directory.pa",
    "pa_profile": "directory.pa",
    "organisation": "directory.organisation",
}
_ID_ARGS = {
    "directory.offer": "offer_id",
    "directory.pa": "pa_id",
    "directory.organisation": "org_id",
}


def listing_url(kind: str, listing_id: int) -> str:
    """The public page of a listing of that kind (offer, pa or pa_profile, organisation)."""
    endpoint = LISTING_ENDPOINTS[kind]
    values: dict[str, Any] = {_ID_ARGS[endpoint]: listing_id}
    return url_for(endpoint, **values)


# Shared with every template, so the macros in templates/macros/listing.html work wherever they
# are imported (with or without context).
bp.add_app_template_global(listing_url, "listing_url")
bp.add_app_template_global(price_parts, "price_parts")


@bp.record_once
def _share_vocab(state: BlueprintSetupState) -> None:
    state.app.jinja_env.globals.setdefault("vocab", vocab)


def _viewer() -> User | None:
    if not current_user.is_authenticated:
        return None
    user: User = current_user._get_current_object()
    return user


def _report_limit() -> str:
    return str(current_app.config.get("REPORT_RATE_LIMIT", "30 per hour"))


@bp.get("/browse")
def browse() -> Any:
    form = BrowseForm(formdata=request.args)
    form.set_councils(services.council_options(db.session))
    context: dict[str, Any] = {"title": "Browse the directory", "results": None, "pagination": None}
    if not form.validate():
        return render_invalid("directory/browse.html", form, **context)
    page = page_number(request.args.get("page"))
    try:
        results = services.browse(
            db.session,
            kind=form.kind.data or "offer",
            category=form.category.data or "",
            council_code=form.council.data or "",
            page=page,
            per_page=int(current_app.config["PAGE_SIZE"]),
        )
    except ValidationFailed as error:
        add_errors(form, error)
        return render_invalid("directory/browse.html", form, **context)
    if results.page.pages > 1:
        context["title"] += f" (page {results.page.page} of {results.page.pages})"
    context["results"] = results
    context["pagination"] = pagination_params(results.page, request.path, request.args)
    return render_template("directory/browse.html", form=form, **context)


@bp.get("/offers/<int:offer_id>")
def offer(offer_id: int) -> Any:
    page = services.offer_page(db.session, offer_id, _viewer())
    return render_template("directory/offer.html", title=page.offer.title, page=page)


@bp.get("/pas/<int:pa_id>")
def pa(pa_id: int) -> Any:
    page = services.pa_page(db.session, pa_id, _viewer())
    return render_template(
        "directory/pa.html",
        title=f"{page.profile.display_name}, personal assistant",
        page=page,
        reviews=provider_reviews(db.session, pa_profile_id=pa_id),
    )


@bp.get("/organisations/<int:org_id>")
def organisation(org_id: int) -> Any:
    page = services.organisation_page(db.session, org_id, _viewer())
    claim_url = None
    # The claim journey belongs to moderation; link to it only once it exists.
    if not page.organisation.is_claimed and "moderation.claim" in current_app.view_functions:
        claim_url = url_for("moderation.claim", org_id=org_id)
    return render_template(
        "directory/organisation.html",
        title=page.organisation.name,
        page=page,
        claim_url=claim_url,
        reviews=provider_reviews(db.session, organisation_id=org_id),
    )


@bp.get("/shortlist")
@require(Permission.SHORTLIST)
def shortlist() -> Any:
    saved = shortlists.shortlist_for(db.session, current_user)
    return render_template("directory/shortlist.html", title="Your shortlist", shortlist=saved)


def _back_to(default: str) -> str:
    """Where to go after adding to the shortlist: the form's same-site ``next`` path (the search
    results it was added from), else the listing. Never another site (no open redirects)."""
    target = request.form.get("next", "")
    return target if is_site_path(target) else default


def _flash_added(added: bool) -> None:
    if added:
        flash("Added to your shortlist.", "success")
    else:
        flash("This is already on your shortlist.", "info")


@bp.post("/shortlist/offers/<int:offer_id>")
@require(Permission.SHORTLIST)
def shortlist_add_offer(offer_id: int) -> Any:
    _flash_added(shortlists.add_offer_to_shortlist(db.session, current_user, offer_id))
    return redirect(_back_to(listing_url("offer", offer_id)))


@bp.post("/shortlist/pas/<int:pa_id>")
@require(Permission.SHORTLIST)
def shortlist_add_pa(pa_id: int) -> Any:
    _flash_added(shortlists.add_pa_to_shortlist(db.session, current_user, pa_id))
    return redirect(_back_to(listing_url("pa", pa_id)))


@bp.post("/shortlist/<int:item_id>/remove")
@require(Permission.SHORTLIST)
def shortlist_remove(item_id: int) -> Any:
    title = shortlists.remove_from_shortlist(db.session, current_user, item_id)
    flash(f"{title} has been removed from your shortlist." if title else "Removed.", "success")
    return redirect(url_for("directory.shortlist"))


@bp.route("/report/<kind>/<int:listing_id>", methods=["GET", "POST"])
@limiter.limit(_report_limit, methods=["POST"])
def report(kind: str, listing_id: int) -> Any:
    listing = reports.reportable_listing(db.session, kind, listing_id)
    viewer = _viewer()
    form = ReportForm()
    if viewer is not None:
        del form.email  # signed in: moderators can reach the reporter through the account
    context = {
        "title": "Report a problem",
        "listing_title": services.listing_title(listing),
        "listing_href": listing_url(kind, listing_id),
    }
    if request.method == "POST":
        if not form.validate():
            return render_invalid("directory/report.html", form, **context)
        try:
            reports.report_problem(
                db.session,
                kind,
                listing_id,
                viewer,
                form.reason.data or "",
                form.details.data or "",
                (form.email.data or "") if viewer is None else "",
            )
        except ValidationFailed as error:
            add_errors(form, error)
            return render_invalid("directory/report.html", form, **context)
        flash("Thank you. A moderator will look at your report.", "success")
        return redirect(context["listing_href"])
    return render_template("directory/report.html", form=form, **context)
